"""Blind double coding: who is assigned a transcript, who marked it done, and whose codings a coder may see.

The rule: a coder assigned to a transcript blind sees only their own codings on it until they mark it
done; then they see everyone's. Anyone not blind on a transcript (not assigned, assigned openly, or
done) sees every coding on it. Agreement compares the transcripts every compared coder marked done.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import InputError
from workbench.services.coding import list_codings
from workbench.services.transcripts import rows_of
from workbench.store.schema import CONSENSUS_USER
from workbench.store.study import Study, User, now
from workbench.vocab import is_coder_role


def assign(study: Study, transcript_id: int, *, coders: list[str], by: str | User, blind: bool = True) -> None:
    """Assign a transcript to coders (blind by default); a coder already assigned keeps their done mark."""
    if not coders:
        raise InputError("name at least one coder to assign")
    with study.writing(by=by, action="transcripts.assign") as actor:
        _transcript_exists(study, transcript_id)
        for username in coders:
            user = study.user(username)
            if not is_coder_role(user.role):
                raise InputError(f"{username} is a {user.role} and cannot code")
            study.db.execute(
                "INSERT INTO transcript_coders (transcript_id, coder_id, blind, assigned_by, assigned_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (transcript_id, coder_id) DO UPDATE SET blind = excluded.blind, "
                "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
                [transcript_id, user.id, int(blind), actor.id, now()])
        study.audit(actor, "assign", "transcript", transcript_id, {"coders": list(coders), "blind": blind})


def unassign(study: Study, transcript_id: int, *, coder: str, by: str | User) -> None:
    """Take a transcript off a coder's list (their codings stay)."""
    with study.writing(by=by, action="transcripts.assign") as actor:
        user = study.user(coder)
        study.db.execute("DELETE FROM transcript_coders WHERE transcript_id = ? AND coder_id = ?",
                         [transcript_id, user.id])
        study.audit(actor, "unassign", "transcript", transcript_id, {"coder": coder})


def mark_done(study: Study, transcript_id: int, *, by: str | User, coder: str | None = None,
              done: bool = True) -> None:
    """Mark a transcript done (or, with done=False, not done) for a coder: themselves, or anyone for an admin."""
    actor = study.actor(by, action="codings.write")
    coder = coder or actor.username
    with study.writing(by=actor, action="codings.write", owner=coder, what=f"{coder}'s done mark") as actor:
        _transcript_exists(study, transcript_id)
        user = study.user(coder)
        if not is_coder_role(user.role):
            raise InputError(f"{coder} is a {user.role} and does not code")
        study.db.execute(
            "INSERT INTO transcript_coders (transcript_id, coder_id, blind, done_at) VALUES (?, ?, 0, ?) "
            "ON CONFLICT (transcript_id, coder_id) DO UPDATE SET done_at = excluded.done_at",
            [transcript_id, user.id, now() if done else None])
        study.audit(actor, "done" if done else "reopen", "transcript", transcript_id, {"coder": coder})


def assignments(study: Study, *, transcript_id: int | None = None, coder: str | None = None) -> list[dict[str, Any]]:
    """Assignments and done marks: transcript, coder, blind, who assigned it when, when it was marked done."""
    where: list[str] = []
    params: list[Any] = []
    if transcript_id is not None:
        where.append("a.transcript_id = ?")
        params.append(transcript_id)
    if coder is not None:
        where.append("u.username = ?")
        params.append(coder)
    return rows_of(study, "SELECT a.transcript_id, t.stem AS transcript, u.username AS coder, a.blind, "
                          "b.username AS assigned_by, a.assigned_at, a.done_at FROM transcript_coders a "
                          "JOIN transcripts t ON t.id = a.transcript_id JOIN users u ON u.id = a.coder_id "
                          "LEFT JOIN users b ON b.id = a.assigned_by "
                          + (f"WHERE {' AND '.join(where)} " if where else "") + "ORDER BY t.stem, u.username",
                   params)


def is_blind(study: Study, transcript_id: int, *, user: str | User) -> bool:
    """Whether a user is coding this transcript blind (assigned blind and not yet done)."""
    username = user.username if isinstance(user, User) else user
    return study.db.execute(
        "SELECT 1 FROM transcript_coders a JOIN users u ON u.id = a.coder_id WHERE a.transcript_id = ? "
        "AND u.username = ? AND a.blind = 1 AND a.done_at IS NULL", [transcript_id, username]).fetchone() is not None


def visible_codings(study: Study, transcript_id: int, *, user: str | User) -> list[dict[str, Any]]:
    """The codings of a transcript this user may see: only their own while blind, else all of them."""
    username = user.username if isinstance(user, User) else user
    rows = list_codings(study, transcript_id=transcript_id)
    if is_blind(study, transcript_id, user=username):
        return [r for r in rows if r["coder"] == username]
    return rows


def coders_done(study: Study) -> list[str]:
    """Coders (usernames) who marked at least one transcript done, by username."""
    return [r[0] for r in study.db.execute(
        "SELECT DISTINCT u.username FROM transcript_coders a JOIN users u ON u.id = a.coder_id "
        "WHERE a.done_at IS NOT NULL AND u.username != ? ORDER BY 1", [CONSENSUS_USER]).fetchall()]


def done_by_all(study: Study, coders: list[str]) -> list[tuple[int, str]]:
    """Transcripts (id, stem) that every one of the coders marked done, by stem."""
    if not coders:
        return []
    marks = ", ".join("?" * len(coders))
    return [tuple(r) for r in study.db.execute(
        "SELECT t.id, t.stem FROM transcripts t JOIN transcript_coders a ON a.transcript_id = t.id "
        f"JOIN users u ON u.id = a.coder_id WHERE a.done_at IS NOT NULL AND u.username IN ({marks}) "
        "GROUP BY t.id HAVING count(DISTINCT u.username) = ? ORDER BY t.stem", [*coders, len(set(coders))]).fetchall()]


def _transcript_exists(study: Study, transcript_id: int) -> None:
    if study.db.execute("SELECT 1 FROM transcripts WHERE id = ?", [transcript_id]).fetchone() is None:
        raise InputError(f"no transcript with id {transcript_id}")
