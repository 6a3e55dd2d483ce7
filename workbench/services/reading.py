"""Trauma-informed reading: passages coded under violence or abuse codes are collapsed behind a content note
that the reader opens deliberately. A per-user setting (on by default for reviewers); the codes are a study
setting. Only what is shown changes: exports, analysis and search keep the text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.errors import InputError, PermissionDenied
from workbench.store.study import Study, User, now

DEFAULT_SENSITIVE = ("exploitation/violence_threats", "exploitation/abusive_conditions")
SENSITIVE_KEY = "reading.sensitive_codes"  # study_meta: a JSON list of code ids (a theme covers its codes)
SETTING = "trauma_informed"  # user_settings: "1" or "0"; absent means the role's default
ON_BY_DEFAULT = frozenset({"reviewer"})


def sensitive_codes(study: Study) -> tuple[str, ...]:
    """The codes whose passages are collapsed (the study's list, else the default)."""
    stored = study.meta(SENSITIVE_KEY)
    return tuple(json.loads(stored)) if stored is not None else DEFAULT_SENSITIVE


def set_sensitive_codes(study: Study, codes: Iterable[str], *, by: str | User) -> tuple[str, ...]:
    """Set the codes whose passages are collapsed (known code ids; a theme covers its codes)."""
    chosen = tuple(dict.fromkeys(c.strip() for c in codes if c.strip()))
    known = {r[0] for r in study.db.execute("SELECT id FROM codes WHERE status = 'active'").fetchall()}
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise InputError(f"no code {', '.join(unknown)} in this study's codebook")
    with study.writing(by=by, action="study.configure") as actor:
        study.put_meta_in_write(SENSITIVE_KEY, json.dumps(list(chosen)))
        study.audit(actor, "set", "study_meta", SENSITIVE_KEY, {"codes": list(chosen)})
    return chosen


def _user(study: Study, user: str | User) -> User:
    return user if isinstance(user, User) else study.user(user)


def trauma_informed(study: Study, user: str | User) -> bool:
    """Whether this user reads with sensitive passages collapsed (their setting, else their role's default)."""
    who = _user(study, user)
    row = study.db.execute("SELECT value FROM user_settings WHERE user_id = ? AND key = ?", [who.id, SETTING]).fetchone()
    return row[0] == "1" if row else who.role in ON_BY_DEFAULT


def set_trauma_informed(study: Study, *, user: str | User, enabled: bool | None, by: str | User) -> None:
    """Set a user's reading setting (None: back to their role's default); one's own, or anyone's as admin."""
    who = _user(study, user)
    actor = study.actor(by, action="preferences.own")
    if actor.username != who.username and not actor.may("users.manage"):
        raise PermissionDenied(f"{actor.username} ({actor.role}) may change only their own settings")
    with study.writing(by=actor, action="preferences.own"):
        if enabled is None:
            study.db.execute("DELETE FROM user_settings WHERE user_id = ? AND key = ?", [who.id, SETTING])
        else:
            study.db.execute("INSERT INTO user_settings (user_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, "
                             "updated_at = excluded.updated_at", [who.id, SETTING, "1" if enabled else "0", now()])
        study.audit(actor, "set_setting", "user", who.username, {SETTING: enabled})


@dataclass(frozen=True)
class Collapsed:
    """A passage to show collapsed: code-point span in its transcript and the sensitive codes on it."""

    transcript_id: int
    start: int
    end: int
    codes: tuple[str, ...]


def _sensitive_codings(study: Study, transcript_ids: Iterable[int]) -> list[tuple[int, int, int, str]]:
    ids = sorted(set(transcript_ids))
    codes = sensitive_codes(study)
    if not ids or not codes:
        return []
    # A listed theme covers every code below it ('exploitation' covers 'exploitation/violence_threats').
    code_cond = " OR ".join(["k.code_id = ? OR k.code_id LIKE ? || '/%'"] * len(codes))
    params = [p for c in codes for p in (c, c)]
    sql = (f"SELECT k.transcript_id, k.start, k.\"end\", k.code_id FROM codings k WHERE k.transcript_id IN "
           f"({', '.join('?' * len(ids))}) AND ({code_cond}) ORDER BY k.transcript_id, k.start")
    return study.db.execute(sql, ids + params).fetchall()


def collapsed_spans(study: Study, *, user: str | User, transcript_id: int) -> list[Collapsed]:
    """The passages of a transcript to collapse for this user (none when their setting is off), overlaps merged."""
    if not trauma_informed(study, user):
        return []
    merged: list[Collapsed] = []
    for tid, start, end, code in _sensitive_codings(study, [transcript_id]):
        if merged and start <= merged[-1].end:
            last = merged[-1]
            codes = last.codes if code in last.codes else (*last.codes, code)
            merged[-1] = Collapsed(tid, last.start, max(last.end, end), codes)
        else:
            merged.append(Collapsed(tid, start, end, (code,)))
    return merged


def content_note(study: Study, codes: Iterable[str], *, lang: str = "en") -> str:
    """The short note shown instead of a collapsed passage, naming the codes on it."""
    ids = list(dict.fromkeys(codes))
    column = "coalesce(nullif(name_zh, ''), name_en)" if lang == "zh" else "name_en"
    names = dict(study.db.execute(f"SELECT id, {column} FROM codes WHERE id IN ({', '.join('?' * len(ids))})",
                                  ids).fetchall()) if ids else {}
    listed = "; ".join(names.get(c, c) for c in ids)
    if lang == "zh":
        return f"內容提示：此段落涉及「{listed}」。段落已收起，準備好時才打開。"
    return f"Content note: this passage was coded as {listed}. It is collapsed; open it when you are ready."


def notes_for(study: Study, *, user: str | User, passages: Iterable[tuple[int, int, int]],
              lang: str = "en") -> list[str | None]:
    """For each (transcript id, start, end) passage, its content note if it touches a collapsed passage, else None."""
    wanted = list(passages)
    if not wanted or not trauma_informed(study, user):
        return [None] * len(wanted)
    by_transcript: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for tid, start, end, code in _sensitive_codings(study, (int(p[0]) for p in wanted)):
        by_transcript[tid].append((start, end, code))
    notes: list[str | None] = []
    for tid, start, end in wanted:
        codes = [code for s, e, code in by_transcript.get(int(tid), []) if s < end and start < e]
        notes.append(content_note(study, codes, lang=lang) if codes else None)
    return notes


def collapsed_for_view(study: Study, *, user: str | User, transcript_id: int, lang: str = "en") -> list[dict[str, object]]:
    """What the coding page's transcript component needs: each collapsed passage's start, end and content note."""
    return [{"start": c.start, "end": c.end, "codes": list(c.codes), "note": content_note(study, c.codes, lang=lang)}
            for c in collapsed_spans(study, user=user, transcript_id=transcript_id)]
