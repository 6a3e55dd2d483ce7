"""Memos on the study, transcripts, codes, codings and participants."""

from __future__ import annotations

from typing import Any

from workbench.errors import InputError, NotFoundError
from workbench.store.study import Study, User, now
from workbench.vocab import MEMO_TARGETS


def add_memo(study: Study, *, target_type: str, target_id: str | int, body: str, title: str = "",
             by: str | User) -> int:
    """Write a memo; returns its id."""
    MEMO_TARGETS.check(target_type, what="a memo's target")
    if not body.strip():
        raise InputError("the memo is empty")
    _check_target(study, target_type, str(target_id))
    with study.writing(by=by, action="memos.write") as actor:
        memo_id = study.db.execute(
            "INSERT INTO memos (target_type, target_id, title, body, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [target_type, str(target_id), title.strip(), body.strip(), actor.id, now()]).lastrowid
        assert memo_id is not None  # an INSERT always sets lastrowid
        study.audit(actor, "create", "memo", memo_id, {"target": f"{target_type}:{target_id}"})
    return memo_id


# The table holding each kind of target, and the column a memo's target_id names in it.
_TARGET_TABLES = {"transcript": ("transcripts", "id"), "code": ("codes", "id"), "coding": ("codings", "id"),
                  "participant": ("participants", "id")}


def _check_target(study: Study, target_type: str, target_id: str) -> None:
    if target_type not in _TARGET_TABLES:
        return
    table, column = _TARGET_TABLES[target_type]
    if not study.db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", [target_id]).fetchone():
        raise NotFoundError(f"no {target_type} {target_id!r} to write a memo on")


def memo_author(study: Study, memo_id: int) -> str:
    """The username of a memo's author."""
    row = study.db.execute("SELECT u.username FROM memos m JOIN users u ON u.id = m.author_id WHERE m.id = ?",
                           [memo_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no memo {memo_id}")
    return row[0]


def update_memo(study: Study, memo_id: int, *, body: str, title: str | None = None, by: str | User) -> None:
    """Edit a memo (its author or an admin)."""
    if not body.strip():
        raise InputError("the memo is empty (delete it instead)")
    owner = memo_author(study, memo_id)
    with study.writing(by=by, action="memos.write", owner=owner, what=f"memo {memo_id}") as actor:
        changes: dict[str, Any] = {"body": body.strip(), "updated_at": now()}
        if title is not None:
            changes["title"] = title.strip()
        study.db.table("memos").update(memo_id, changes)
        study.audit(actor, "update", "memo", memo_id, {})


def delete_memo(study: Study, memo_id: int, *, by: str | User) -> None:
    """Delete a memo (its author or an admin)."""
    owner = memo_author(study, memo_id)
    with study.writing(by=by, action="memos.write", owner=owner, what=f"memo {memo_id}") as actor:
        study.db.execute("DELETE FROM memos WHERE id = ?", [memo_id])
        study.audit(actor, "delete", "memo", memo_id, {})


# What a memo is about, as a person reads it: "transcript SV01_dewi", "code Delay (barriers/delay)", …
_ABOUT = """CASE m.target_type
    WHEN 'study' THEN 'the study'
    WHEN 'transcript' THEN 'transcript ' || coalesce((SELECT stem FROM transcripts WHERE id = m.target_id),
                                                     m.target_id || ' (deleted)')
    WHEN 'code' THEN 'code ' || coalesce((SELECT name_en || ' (' || id || ')' FROM codes WHERE id = m.target_id),
                                         m.target_id)
    WHEN 'participant' THEN 'participant ' || coalesce((SELECT pseudonym FROM participants WHERE id = m.target_id),
                                                       m.target_id)
    ELSE m.target_type || ' ' || m.target_id END"""


def list_memos(study: Study, *, target_type: str | None = None, target_id: str | int | None = None,
               query: str | None = None) -> list[dict[str, Any]]:
    """Memos, newest first, optionally for one target or containing a phrase; `about` names the target readably."""
    where, params = [], []
    if target_type:
        where.append("m.target_type = ?")
        params.append(target_type)
    if target_id is not None:
        where.append("m.target_id = ?")
        params.append(str(target_id))
    if query:
        where.append("(instr(lower(m.body), lower(?)) > 0 OR instr(lower(m.title), lower(?)) > 0)")
        params += [query, query]
    cursor = study.db.execute(
        f"SELECT m.id, m.target_type, m.target_id, {_ABOUT} AS about, m.title, m.body, u.username AS author, "
        "m.created_at, m.updated_at FROM memos m JOIN users u ON u.id = m.author_id "
        + (f"WHERE {' AND '.join(where)} " if where else "") + "ORDER BY m.id DESC", params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor.fetchall()]


def coding_memos(study: Study, *, query: str | None = None) -> list[dict[str, Any]]:
    """Memos written on codings (kept on the coding itself), newest first, optionally containing a phrase."""
    sql = ("SELECT k.id AS coding_id, t.stem AS transcript, k.code_id, k.memo, u.username AS author, k.created_at "
           "FROM codings k JOIN transcripts t ON t.id = k.transcript_id JOIN users u ON u.id = k.coder_id "
           "WHERE k.memo IS NOT NULL AND k.memo != ''")
    params: list[Any] = []
    if query:
        sql += " AND instr(lower(k.memo), lower(?)) > 0"
        params.append(query)
    cursor = study.db.execute(sql + " ORDER BY k.id DESC", params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor.fetchall()]
