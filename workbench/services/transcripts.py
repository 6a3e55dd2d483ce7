"""Transcripts: the one home for finding one, reading its text and turns, and listing them."""

from __future__ import annotations

import json
from typing import Any

from workbench.errors import InputError, NotFoundError
from workbench.store.study import Study, User


def resolve_transcript(study: Study, ref: str | int) -> int:
    """Resolve a transcript given by id or by its source file's stem."""
    text = str(ref)
    if text.isdigit():
        row = study.db.execute("SELECT id FROM transcripts WHERE id = ?", [int(text)]).fetchone()
        if row:
            return row[0]
    rows = study.db.execute("SELECT id FROM transcripts WHERE stem = ? OR source_name = ?", [text, text]).fetchall()
    if not rows:
        raise NotFoundError(f"no transcript {text!r} (give its id or its file name without extension)")
    if len(rows) > 1:
        raise InputError(f"{len(rows)} transcripts are called {text!r}; give the id instead")
    return rows[0][0]


def rows_of(study: Study, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Query rows as dicts keyed by column name."""
    cursor = study.db.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor.fetchall()]


def transcript_text(study: Study, transcript_id: int) -> str:
    """The stored, normalised text of a transcript."""
    row = study.db.execute("SELECT text FROM transcripts WHERE id = ?", [transcript_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no transcript with id {transcript_id}")
    return row[0]


def list_transcripts(study: Study, *, group: str | None = None, language: str | None = None) -> list[dict[str, Any]]:
    """Transcripts with participant, language, size and codings per coder."""
    where, params = [], []
    if group:
        where.append("p.participant_group = ?")
        params.append(group)
    if language:
        where.append("t.language = ?")
        params.append(language)
    rows = rows_of(study,
                 "SELECT t.id, t.stem, t.source_name, t.format, t.language, t.interview_date, "
                 "p.pseudonym AS participant, p.participant_group AS participant_group, length(t.text) AS characters, "
                 "(SELECT count(*) FROM segments s WHERE s.transcript_id = t.id AND s.kind = 'turn') AS turns, "
                 "(SELECT count(*) FROM codings k WHERE k.transcript_id = t.id) AS codings "
                 "FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id "
                 + (f"WHERE {' AND '.join(where)} " if where else "") + "ORDER BY t.stem", params)
    per_coder = rows_of(study, "SELECT k.transcript_id, u.username, count(*) AS n FROM codings k "
                             "JOIN users u ON u.id = k.coder_id GROUP BY 1, 2")
    coded: dict[int, dict[str, int]] = {}
    for r in per_coder:
        coded.setdefault(r["transcript_id"], {})[r["username"]] = r["n"]
    for row in rows:
        row["coders"] = coded.get(row["id"], {})
    return rows


def transcript_choices(study: Study) -> list[dict[str, Any]]:
    """Transcripts for a picker: id, stem, participant, group, language (no per-row counting)."""
    return rows_of(study, "SELECT t.id, t.stem, t.source_name, t.language, p.pseudonym AS participant, "
                        "p.participant_group AS participant_group FROM transcripts t "
                        "LEFT JOIN participants p ON p.id = t.participant_id ORDER BY t.stem")


def transcript(study: Study, transcript_id: int) -> dict[str, Any]:
    """One transcript's metadata and text, with how many codings it holds (every coder's)."""
    rows = rows_of(study, "SELECT t.*, p.pseudonym AS participant, p.participant_group AS participant_group, "
                        "(SELECT count(*) FROM codings k WHERE k.transcript_id = t.id) AS codings "
                        "FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id WHERE t.id = ?",
                 [transcript_id])
    row = rows[0]
    row["speakers"] = json.loads(row["speakers"])
    return row


def turns(study: Study, transcript_id: int, *, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """Speaker turns of a transcript in order (a page of them when limit is given)."""
    sql = ('SELECT id, seq, start, "end", speaker, is_interviewer, language, t_start_ms, t_end_ms FROM segments '
           "WHERE transcript_id = ? AND kind = 'turn' ORDER BY seq")
    sql += " LIMIT ? OFFSET ?"  # LIMIT -1: no limit, but the offset still applies
    params: list[Any] = [transcript_id, -1 if limit is None else limit, offset]
    return rows_of(study, sql, params)


def turn_count(study: Study, transcript_id: int) -> int:
    """Number of turns in a transcript."""
    return study.db.execute("SELECT count(*) FROM segments WHERE transcript_id = ? AND kind = 'turn'",
                            [transcript_id]).fetchone()[0]


def turn_at(study: Study, transcript_id: int, offset: int) -> int:
    """The position (seq) of the turn holding a code-point offset, or of the last turn before it."""
    row = study.db.execute("SELECT seq FROM segments WHERE transcript_id = ? AND kind = 'turn' AND start <= ? "
                           "ORDER BY start DESC LIMIT 1", [transcript_id, offset]).fetchone()
    return row[0] if row else 0


def delete_transcript(study: Study, transcript_id: int, *, by: str | User) -> dict[str, Any]:
    """Delete a transcript with its segments, codings, suggestions and memos (admins only); returns the counts."""
    found = transcript(study, transcript_id) if study.db.execute(
        "SELECT 1 FROM transcripts WHERE id = ?", [transcript_id]).fetchone() else None
    if found is None:
        raise NotFoundError(f"no transcript with id {transcript_id}")
    with study.writing(by=by, action="transcripts.delete") as actor:
        codings = rows_of(study, "SELECT k.id, u.username FROM codings k JOIN users u ON u.id = k.coder_id "
                                 "WHERE k.transcript_id = ? ORDER BY k.id", [transcript_id])
        coding_ids = [r["id"] for r in codings]
        memos = study.db.execute(
            "DELETE FROM memos WHERE (target_type = 'transcript' AND target_id = ?) OR (target_type = 'coding' AND "
            "target_id IN (SELECT CAST(id AS TEXT) FROM codings WHERE transcript_id = ?))",
            [str(transcript_id), transcript_id]).rowcount
        suggestions = study.db.execute("SELECT count(*) FROM suggestions WHERE transcript_id = ?",
                                       [transcript_id]).fetchone()[0]
        # Codings before suggestions (a coding may point at the suggestion it came from); segments cascade.
        study.db.execute("DELETE FROM codings WHERE transcript_id = ?", [transcript_id])
        study.db.execute("DELETE FROM suggestions WHERE transcript_id = ?", [transcript_id])
        study.db.execute("DELETE FROM segments WHERE transcript_id = ? AND kind = 'sentence'", [transcript_id])
        study.db.execute("DELETE FROM transcripts WHERE id = ?", [transcript_id])
        counts = {"codings": len(coding_ids), "suggestions": suggestions, "memos": memos}
        coders: dict[str, int] = {}
        for r in codings:
            coders[r["username"]] = coders.get(r["username"], 0) + 1
        study.audit(actor, "delete", "transcript", transcript_id,
                    {"file": found["source_name"], "sha256": found["sha256"], **counts, "coding_ids": coding_ids,
                     "coders": coders})
    return counts


def sentences(study: Study, transcript_id: int, *, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Code-point spans of a transcript's sentences that lie within [start, end), in text order."""
    rows = study.db.execute('SELECT start, "end" FROM segments WHERE transcript_id = ? AND kind = \'sentence\' '
                            'AND start >= ? AND "end" <= ? ORDER BY start',
                            [transcript_id, start, end if end is not None else 2**62]).fetchall()
    return [(r[0], r[1]) for r in rows]
