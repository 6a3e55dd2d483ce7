"""Codings: applying codes to spans, listing, changing and removing them."""

from __future__ import annotations

import json
import uuid
from typing import Any

from workbench.errors import DuplicateError, InputError, NotFoundError
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
               suggestion_id: int | None = None) -> int:
    """Apply a code to a span (trimmed of surrounding white space); returns the coding id."""
    if assessment is not None:
        ASSESSMENTS.check(assessment)
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
        uid = str(uuid.uuid4())
        coding_id = study.db.execute(
            'INSERT INTO codings (uid, transcript_id, start, "end", code_id, coder_id, snippet, text_hash, '
            "assessment, memo, origin, suggestion_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [uid, transcript_id, start, end, code_id, actor.id, text[start:end], text_hash(text), assessment,
             memo or None, origin, suggestion_id, now()]).lastrowid
        assert coding_id is not None  # an INSERT always sets lastrowid
        study.audit(actor, "create", "coding", coding_id, {"transcript": transcript_id, "code": code_id,
                                                           "start": start, "end": end})
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
    """Delete a coding; returns what was removed (so it can be undone)."""
    coding = get_coding(study, coding_id)
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


def restore_coding(study: Study, coding: dict[str, Any], *, by: str | User) -> int:
    """Re-create a removed coding (undo), keeping its span, code, assessment and memo."""
    return add_coding(study, transcript_id=coding["transcript_id"], start=coding["start"], end=coding["end"],
                      code_id=coding["code_id"], by=by, assessment=coding["assessment"], memo=coding["memo"],
                      origin=coding["origin"], suggestion_id=coding["suggestion_id"])
