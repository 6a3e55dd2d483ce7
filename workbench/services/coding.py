"""Codings: applying codes to spans, listing, changing and removing them."""

from __future__ import annotations

import json
import uuid
from typing import Any

from workbench.errors import DuplicateError, InputError, NotFoundError
from workbench.services.attributions import check_measures, decided_measures, store_measures
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study, User, now
from workbench.text.offsets import text_hash, trim_span
from workbench.vocab import ASSESSMENTS


def find_span(text: str, match: str, *, occurrence: int = 1) -> tuple[int, int]:
    """Code-point span of the n-th occurrence of `match` in the text."""
    if not match:
        raise InputError("the text to match is empty")
    position = -1
    for _ in range(occurrence):
        position = text.find(match, position + 1)
        if position < 0:
            raise InputError(f"the passage {match[:40]!r} does not occur {occurrence} time(s) in the transcript")
    return position, position + len(match)


def add_coding(study: Study, *, transcript_id: int, start: int, end: int, code_id: str, by: str | User,
               assessment: str | None = None, memo: str | None = None, origin: str = "manual",
               suggestion_id: int | None = None, measures: list[str] | tuple[str, ...] | None = None,
               uid: str | None = None, created_at: str | None = None) -> int:
    """Apply a code to a span (trimmed of surrounding white space); returns the coding id.

    `measures` are the framework measures the coder confirms the passage speaks to (see
    workbench.services.attributions); None leaves them derived from the code's mapping.
    `uid` and `created_at` keep an imported coding's own GUID and time (a new random uid and now otherwise).
    """
    if assessment is not None:
        ASSESSMENTS.check(assessment)
    confirmed = None if measures is None else check_measures(study, measures)
    text = transcript_text(study, transcript_id)
    if not (0 <= start < end <= len(text)):
        raise InputError(f"span {start}-{end} is outside the transcript (length {len(text)})")
    start, end = trim_span(text, start, end)
    if start >= end:
        raise InputError("the selected span is only white space")
    code = study.db.execute("SELECT status FROM codes WHERE id = ?", [code_id]).fetchone()
    if code is None or code[0] != "active":
        raise InputError(f"no active code {code_id!r} in this study's codebook")
    with study.writing(by=by, action="codings.write") as actor:
        if study.db.execute('SELECT 1 FROM codings WHERE transcript_id = ? AND start = ? AND "end" = ? '
                            "AND code_id = ? AND coder_id = ?", [transcript_id, start, end, code_id, actor.id]).fetchone():
            raise DuplicateError(f"{actor.username} has already applied {code_id} to this passage")
        # random: a name built from span, code, coder and the second collided when the same code was applied twice
        uid = uid or str(uuid.uuid4())
        coding_id = study.db.execute(
            'INSERT INTO codings (uid, transcript_id, start, "end", code_id, coder_id, snippet, text_hash, '
            "assessment, memo, origin, suggestion_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [uid, transcript_id, start, end, code_id, actor.id, text[start:end], text_hash(text), assessment,
             memo or None, origin, suggestion_id, created_at or now()]).lastrowid
        assert coding_id is not None  # an INSERT always sets lastrowid
        detail: dict[str, Any] = {"transcript": transcript_id, "code": code_id, "start": start, "end": end}
        if confirmed is not None:
            detail["measures"] = store_measures(study, actor, coding_id, code_id, confirmed)
        study.audit(actor, "create", "coding", coding_id, detail)
    return coding_id


def get_coding(study: Study, coding_id: int) -> dict[str, Any]:
    """One coding with its coder's username."""
    rows = list_codings(study, coding_id=coding_id)
    if not rows:
        raise NotFoundError(f"no coding with id {coding_id}")
    return rows[0]


def list_codings(study: Study, *, transcript_id: int | None = None, coder: str | None = None,
                 code_id: str | None = None, coding_id: int | None = None) -> list[dict[str, Any]]:
    """Codings with transcript stem, coder and code names, in text order."""
    where, params = [], []
    for column, value in (("k.transcript_id", transcript_id), ("u.username", coder), ("k.code_id", code_id),
                          ("k.id", coding_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = ('SELECT k.id, k.uid, k.transcript_id, t.stem AS transcript, k.start, k."end", k.code_id, c.name_en, '
           "c.name_zh, c.color, u.username AS coder, k.snippet, k.assessment, k.memo, k.origin, k.suggestion_id, "
           "k.created_at, k.text_hash FROM codings k "
           "JOIN transcripts t ON t.id = k.transcript_id JOIN codes c ON c.id = k.code_id "
           "JOIN users u ON u.id = k.coder_id "
           + (f"WHERE {' AND '.join(where)} " if where else "") + "ORDER BY k.transcript_id, k.start, k.id")
    cursor = study.db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
    # t.text_hash is stored after the text: read per coding it loaded the whole text each time; once per transcript.
    ids = sorted({r["transcript_id"] for r in rows})
    current = dict(study.db.execute("SELECT id, text_hash FROM transcripts WHERE id IN (SELECT value FROM json_each(?))",
                                    [json.dumps(ids)]).fetchall())
    for row in rows:
        row["intact"] = int(row.pop("text_hash") == current[row["transcript_id"]])
    return rows


def remove_coding(study: Study, coding_id: int, *, by: str | User) -> dict[str, Any]:
    """Delete a coding; returns what was removed, its confirmed measures included (so it can be undone)."""
    coding = {**get_coding(study, coding_id), "measures": decided_measures(study, coding_id)}
    with study.writing(by=by, action="codings.write", owner=coding["coder"], what=f"coding {coding_id}") as actor:
        study.db.execute("DELETE FROM codings WHERE id = ?", [coding_id])
        study.audit(actor, "delete", "coding", coding_id, {"code": coding["code_id"]})
    return coding


def update_coding(study: Study, coding_id: int, *, by: str | User, code_id: str | None = None,
                  assessment: str | None = None, memo: str | None = None) -> None:
    """Change a coding's code, assessment or memo."""
    if assessment:
        ASSESSMENTS.check(assessment)
    owner = get_coding(study, coding_id)["coder"]
    with study.writing(by=by, action="codings.write", owner=owner, what=f"coding {coding_id}") as actor:
        changes: dict[str, Any] = {"updated_at": now()}
        if code_id is not None:
            if not study.db.execute("SELECT 1 FROM codes WHERE id = ? AND status = 'active'", [code_id]).fetchone():
                raise InputError(f"no active code {code_id!r}")
            changes["code_id"] = code_id
        if assessment is not None:
            changes["assessment"] = assessment or None
        if memo is not None:
            changes["memo"] = memo or None
        study.db.table("codings").update(coding_id, changes)
        study.audit(actor, "update", "coding", coding_id, {"fields": sorted(changes)})


def apply_code(study: Study, *, spans: list[tuple[int, int, int]], code_id: str, by: str | User,
               assessment: str | None = None) -> dict[str, list[Any]]:
    """Apply one code to many (transcript_id, start, end) spans, each its own write; returns what happened.

    The result lists the new coding ids ("applied"), the spans this coder had already coded with the code
    ("already") and "(span, message)" pairs for spans refused for another reason ("failed").
    """
    study.actor(by, action="codings.write")  # a reviewer is refused before anything is tried
    outcome: dict[str, list[Any]] = {"applied": [], "already": [], "failed": []}
    for span in dict.fromkeys(spans):  # the same sentence found twice is coded once
        transcript_id, start, end = span
        try:
            outcome["applied"].append(add_coding(study, transcript_id=transcript_id, start=start, end=end,
                                                 code_id=code_id, by=by, assessment=assessment))
        except DuplicateError:
            outcome["already"].append(span)
        except InputError as err:
            outcome["failed"].append((span, str(err)))
    return outcome


def recent_codes(study: Study, *, coder: str, limit: int = 8) -> list[str]:
    """The active codes a coder applied most recently, latest first."""
    rows = study.db.execute(
        "SELECT k.code_id FROM codings k JOIN users u ON u.id = k.coder_id JOIN codes c ON c.id = k.code_id "
        "WHERE u.username = ? AND c.status = 'active' GROUP BY k.code_id ORDER BY max(k.id) DESC LIMIT ?",
        [coder, limit]).fetchall()
    return [r[0] for r in rows]


# A snapshot is a coding's table row plus the rows of every table whose foreign key points at it (found from the
# schema, so attributions or notes that later migrations add come back with it): {"row": {...}, "dependants":
# {table: [row, ...]}}. Undo compares and restores snapshots, never re-creates a coding under a new uid.
def snapshot_codings(study: Study, coding_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each coding's table row and the rows that refer to it, as they are now (missing ids are absent)."""
    if not coding_ids:
        return {}
    marks = ", ".join("?" * len(coding_ids))
    cursor = study.db.execute(f"SELECT * FROM codings WHERE id IN ({marks}) ORDER BY id", list(coding_ids))
    columns = [d[0] for d in cursor.description]
    found: dict[int, dict[str, Any]] = {}
    for values in cursor.fetchall():
        row = dict(zip(columns, values))
        found[row["id"]] = {"row": row, "dependants": {}}
    for table, column in _dependant_tables(study):
        cursor = study.db.execute(f"SELECT * FROM {_q(table)} WHERE {_q(column)} IN ({marks})",
                                  list(coding_ids))
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            if row[column] in found:
                found[row[column]]["dependants"].setdefault(table, []).append(row)
    return found


def _dependant_tables(study: Study) -> list[tuple[str, str]]:
    pairs = []
    for (table,) in study.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'codings' "
                                     "AND sql NOT LIKE 'CREATE VIRTUAL%'").fetchall():
        for key in study.db.execute(f"PRAGMA foreign_key_list({_q(table)})").fetchall():
            if key[2] == "codings":
                pairs.append((table, key[3]))
    return pairs


def restore_codings(study: Study, snapshots: list[dict[str, Any]], *, by: str | User) -> None:
    """Put codings back exactly as snapshotted: same id, uid, coder and times, with the rows that referred to them."""
    if not snapshots:
        return
    coders = dict(study.db.execute("SELECT id, username FROM users").fetchall())
    with study.writing(by=by, action="codings.write") as actor:
        for snapshot in snapshots:
            row = snapshot["row"]
            with study.writing(by=actor, action="codings.write", owner=coders.get(row["coder_id"], "?"),
                               what=f"coding {row['id']}"):
                _put_back(study, snapshot)
                study.audit(actor, "restore", "coding", row["id"], {"code": row["code_id"]})


def _put_back(study: Study, snapshot: dict[str, Any]) -> None:
    row = snapshot["row"]
    if study.db.execute("SELECT 1 FROM codings WHERE id = ?", [row["id"]]).fetchone():
        others = [c for c in row if c != "id"]
        study.db.execute(f"UPDATE codings SET {', '.join(f'{_q(c)} = ?' for c in others)} WHERE id = ?",
                         [row[c] for c in others] + [row["id"]])
    else:
        _insert(study, "codings", row)
    for table, column in _dependant_tables(study):
        study.db.execute(f"DELETE FROM {_q(table)} WHERE {_q(column)} = ?", [row["id"]])
        for dependant in snapshot["dependants"].get(table, []):
            _insert(study, table, dependant)


def _insert(study: Study, table: str, row: dict[str, Any]) -> None:
    study.db.execute(f"INSERT INTO {_q(table)} ({', '.join(_q(c) for c in row)}) VALUES ({', '.join('?' * len(row))})",
                     list(row.values()))


def _q(name: str) -> str:
    """A quoted SQL identifier (names come from the schema, never from input)."""
    return '"' + name.replace('"', '""') + '"'
