"""Correcting a transcript's text (a typo, a name to redact) without silently misaligning any coding.

The old and new text are compared (lines first, then characters inside changed lines); each coding's offsets
are carried through the differences. A coding whose passage is untouched is shifted and stays intact; a
coding whose passage was changed gets the changed passage's offsets and new snippet but keeps the hash of the
text it was made on, so it shows as "transcript changed since coding" until someone confirms it; a coding
whose whole passage was deleted is removed. Segments and the search index are derived again by the import
service, so segmentation lives in one place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from workbench.errors import InputError
from workbench.services.importing import prepare, segment_rows, write_segments
from workbench.services.transcripts import rows_of, transcript
from workbench.store import permissions
from workbench.store.study import Study, User, now
from workbench.text.offsets import normalize, text_hash, trim_span
from workbench.text.turns import split_turns

# Above this many characters a changed block is not compared character by character (quadratic); the whole
# block counts as changed, so codings inside it are flagged rather than guessed.
_MAX_CHAR_DIFF = 20_000


@dataclass(frozen=True)
class Edit:
    """Old text [a0, a1) became new text [b0, b1) (an insertion has a0 == a1, a deletion b0 == b1)."""

    a0: int
    a1: int
    b0: int
    b1: int


class TextDiff:
    """The differences between two versions of a text, mapping code-point offsets from the old to the new."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        self.edits = _edits(old, new)

    def position(self, offset: int, *, side: str, inclusive: bool = False) -> int:
        """Where an old offset is in the new text. Inside a changed region a start goes to the region's start and
        an end to its end; text inserted exactly at the offset stays outside the passage, or inside it when
        `inclusive` (used for a changed passage, so it never loses the words that replaced it)."""
        outward = (side == "end") != inclusive  # whether an insertion at the offset comes after it
        delta = 0
        for e in self.edits:
            if e.a0 > offset or (e.a0 == offset and (e.a1 > offset or outward)):
                break
            if e.a1 > offset:  # strictly inside a replaced or deleted region
                return e.b0 if side == "start" else e.b1
            delta = e.b1 - e.a1
        return offset + delta

    def changed(self, start: int, end: int) -> bool:
        """Whether any difference touches the passage old[start:end]."""
        for e in self.edits:
            if e.a0 >= end:
                break
            if (e.a0 == e.a1 and start < e.a0) or (e.a1 > start and e.a0 < e.a1):
                return True
        return False


def _edits(old: str, new: str) -> list[Edit]:
    lines_a, lines_b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    starts_a, starts_b = _starts(lines_a), _starts(lines_b)
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a0, a1, b0, b1 = starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]
        if max(a1 - a0, b1 - b0) > _MAX_CHAR_DIFF or tag != "replace":
            edits.append(Edit(a0, a1, b0, b1))
            continue
        # Inside changed lines compare words (each Han character its own word), so "took" → "kept" is one
        # change rather than letters that happen to match.
        words_a, words_b = _TOKEN.findall(old[a0:a1]), _TOKEN.findall(new[b0:b1])
        at_a, at_b = _starts(words_a), _starts(words_b)
        for tag2, x1, x2, y1, y2 in SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes():
            if tag2 != "equal":
                edits.append(Edit(a0 + at_a[x1], a0 + at_a[x2], b0 + at_b[y1], b0 + at_b[y2]))
    return edits


_TOKEN = re.compile(r"[^\W\u3000-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+|\s+|.", re.S)


def _starts(lines: list[str]) -> list[int]:
    starts, position = [0], 0
    for line in lines:
        position += len(line)
        starts.append(position)
    return starts


@dataclass
class Correction:
    """What a correction does (or did) to a transcript's codings; ids only, never text."""

    transcript_id: int
    characters_changed: int
    edits: int
    shifted: list[int] = field(default_factory=list)  # passage untouched: moved with the text, still intact
    flagged: list[int] = field(default_factory=list)  # passage changed: new offsets, marked for review
    removed: list[int] = field(default_factory=list)  # passage deleted entirely
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # coding id → new (start, end)
    warnings: list[str] = field(default_factory=list)  # e.g. speaker turns the new text no longer has

    def summary(self) -> str:
        """One line a person reads before confirming."""
        return (f"{self.edits} change(s), {self.characters_changed} character(s); codings: {len(self.shifted)} "
                f"kept on the same words, {len(self.flagged)} flagged for review (their passage changed), "
                f"{len(self.removed)} removed (their whole passage was deleted)")


def plan_correction(study: Study, transcript_id: int, new_text: str) -> Correction:
    """What correcting the text would do, without writing anything."""
    old = transcript(study, transcript_id)["text"]
    new = normalize(new_text)
    if not new.strip():
        raise InputError("the corrected text is empty; delete the transcript instead")
    plan = _plan(study, transcript_id, TextDiff(old, new))
    plan.warnings = turn_warnings(study, transcript_id, new)
    return plan


def turn_warnings(study: Study, transcript_id: int, new_text: str) -> list[str]:
    """What the corrected text does to speaker turns (a label the turn splitter does not read merges turns)."""
    current = transcript(study, transcript_id)
    old_turns = study.db.execute("SELECT count(*) FROM segments WHERE transcript_id = ? AND kind = 'turn'",
                                 [transcript_id]).fetchone()[0]
    try:
        split = split_turns(new_text, interviewer=current["interviewer_speaker"])
    except ValueError as err:
        return [str(err)]
    if len(split.turns) == old_turns:
        return []  # renaming a speaker label (Dewi → NAME-1) keeps the turns
    warning = f"the text will have {len(split.turns)} speaker turns instead of {old_turns}"
    lost = sorted(set(current["speakers"]) - set(split.speakers))
    if lost:
        warning += (f"; {', '.join(lost)} no longer start(s) turns (a label in brackets such as [NAME-1] is not "
                    "read as a speaker: use NAME-1)")
    return [warning]


def _plan(study: Study, transcript_id: int, diff: TextDiff) -> Correction:
    new = diff.new
    plan = Correction(transcript_id, sum(max(e.a1 - e.a0, e.b1 - e.b0) for e in diff.edits), len(diff.edits))
    for row in rows_of(study, 'SELECT id, start, "end" FROM codings WHERE transcript_id = ? ORDER BY id',
                       [transcript_id]):
        start, end = row["start"], row["end"]
        changed = diff.changed(start, end)
        new_start, new_end = trim_span(new, diff.position(start, side="start", inclusive=changed),
                                       diff.position(end, side="end", inclusive=changed))
        if new_start >= new_end:
            plan.removed.append(row["id"])
            continue
        plan.spans[row["id"]] = (new_start, new_end)
        (plan.flagged if changed else plan.shifted).append(row["id"])
    return plan


def correct_text(study: Study, transcript_id: int, new_text: str, *, by: str | User,
                 expected_hash: str | None = None) -> Correction:
    """Replace a transcript's text, carrying codings and suggestions through the change and re-deriving segments.

    `expected_hash` (the text hash the person edited) refuses the change if the text changed meanwhile.
    Removing another coder's codings (their whole passage deleted) is for an admin only.
    """
    study.actor(by, action="transcripts.import")  # refuse before the slow part
    current = transcript(study, transcript_id)
    expected_hash = expected_hash or current["text_hash"]
    new = normalize(new_text)
    if not new.strip():
        raise InputError("the corrected text is empty; delete the transcript instead")
    if new == current["text"]:
        return plan_correction(study, transcript_id, new)
    # Segmenting is slow: done before the write, checked against the text it was made from inside it.
    prepared = prepare(f"{current['stem']}.txt", new.encode("utf-8"), language=current["language"],
                       interviewer=current["interviewer_speaker"])
    if prepared.document.text != new:
        raise InputError("the corrected text could not be read back unchanged; nothing was saved")
    new_hash = text_hash(new)
    with study.writing(by=by, action="transcripts.import") as actor:
        old = transcript(study, transcript_id)
        if old["text_hash"] != expected_hash:
            raise InputError("the transcript changed since you started editing; reload it and edit again")
        diff = TextDiff(old["text"], new)
        plan = _plan(study, transcript_id, diff)
        permissions.require_owners(username=actor.username, role=actor.role, owners=_owners(study, plan.removed),
                                   what=f"this correction removes {len(plan.removed)} coding(s) and")
        _carry_cue_times(study, transcript_id, prepared, diff)
        study.db.execute("UPDATE transcripts SET text = ?, text_hash = ?, speakers = ? WHERE id = ?",
                         [new, new_hash, json.dumps(prepared.speakers, ensure_ascii=False), transcript_id])
        # Sentences first: they point at their turns.
        study.db.execute("DELETE FROM segments WHERE transcript_id = ? AND kind = 'sentence'", [transcript_id])
        study.db.execute("DELETE FROM segments WHERE transcript_id = ?", [transcript_id])
        write_segments(study, transcript_id, segment_rows(prepared))
        _move_codings(study, plan, new, old_hash=old["text_hash"], new_hash=new_hash)
        dropped = _move_suggestions(study, transcript_id, diff)
        study.audit(actor, "correct_text", "transcript", transcript_id,
                    {"edits": plan.edits, "characters_changed": plan.characters_changed, "shifted": plan.shifted,
                     "flagged": plan.flagged, "removed": plan.removed, "open_suggestions_dropped": dropped})
    return plan


def _owners(study: Study, coding_ids: list[int]) -> dict[str, list[int]]:
    owners: dict[str, list[int]] = {}
    if not coding_ids:
        return owners
    for row in rows_of(study, f"SELECT k.id, u.username FROM codings k JOIN users u ON u.id = k.coder_id "
                              f"WHERE k.id IN ({', '.join('?' * len(coding_ids))})", list(coding_ids)):
        owners.setdefault(row["username"], []).append(row["id"])
    return owners


def _move_codings(study: Study, plan: Correction, new: str, *, old_hash: str, new_hash: str) -> None:
    if plan.removed:
        study.db.execute(f"DELETE FROM codings WHERE id IN ({', '.join('?' * len(plan.removed))})", plan.removed)
    stamp = now()
    for coding_id in plan.shifted + plan.flagged:
        start, end = plan.spans[coding_id]
        # A shifted coding that was intact stays intact; a flagged one (or one already flagged by an earlier
        # correction) keeps the hash of the text it was made on, which is what marks it for review.
        study.db.execute(
            'UPDATE codings SET start = ?, "end" = ?, snippet = ?, updated_at = ?, '
            "text_hash = CASE WHEN ? AND text_hash = ? THEN ? ELSE text_hash END WHERE id = ?",
            [start, end, new[start:end], stamp, coding_id in plan.shifted, old_hash, new_hash, coding_id])


def _move_suggestions(study: Study, transcript_id: int, diff: TextDiff) -> int:
    """Carry suggestions through the change; open ones whose passage changed are dropped (regenerate them)."""
    dropped = []
    for row in rows_of(study, 'SELECT id, start, "end", status FROM suggestions WHERE transcript_id = ?',
                       [transcript_id]):
        if row["status"] == "open" and diff.changed(row["start"], row["end"]):
            dropped.append(row["id"])
            continue
        study.db.execute('UPDATE suggestions SET start = ?, "end" = ? WHERE id = ?',
                         [diff.position(row["start"], side="start"), diff.position(row["end"], side="end"), row["id"]])
    if dropped:
        study.db.execute(f"DELETE FROM suggestions WHERE id IN ({', '.join('?' * len(dropped))})", dropped)
    return len(dropped)


def _carry_cue_times(study: Study, transcript_id: int, prepared: Any, diff: TextDiff) -> None:
    """Give the new turns the subtitle times of the old turns they overlap (re-reading plain text has no cues)."""
    timed = [(diff.position(r["start"], side="start"), diff.position(r["end"], side="end"), r["t_start_ms"],
              r["t_end_ms"]) for r in rows_of(study, 'SELECT start, "end", t_start_ms, t_end_ms FROM segments '
                                                   "WHERE transcript_id = ? AND kind = 'turn' AND t_start_ms "
                                                   "IS NOT NULL", [transcript_id])]
    for seg in prepared.segments:
        times = [(t0, t1) for s, e, t0, t1 in timed if s < seg.end and e > seg.start]
        if times:
            seg.t_start_ms, seg.t_end_ms = min(t[0] for t in times), max(t[1] for t in times)


def confirm_coding(study: Study, coding_id: int, *, by: str | User) -> None:
    """Mark a flagged coding as checked against the current text (its coder or an admin)."""
    rows = rows_of(study, "SELECT k.start, k.\"end\", u.username, t.text_hash, t.id AS tid FROM codings k "
                          "JOIN users u ON u.id = k.coder_id JOIN transcripts t ON t.id = k.transcript_id "
                          "WHERE k.id = ?", [coding_id])
    if not rows:
        raise InputError(f"no coding with id {coding_id}")
    row = rows[0]
    text = transcript(study, row["tid"])["text"]
    with study.writing(by=by, action="codings.write", owner=row["username"], what=f"coding {coding_id}") as actor:
        study.db.execute("UPDATE codings SET text_hash = ?, snippet = ?, updated_at = ? WHERE id = ?",
                         [row["text_hash"], text[row["start"]:row["end"]], now(), coding_id])
        study.audit(actor, "confirm", "coding", coding_id, {"transcript": row["tid"]})


def flagged_codings(study: Study, transcript_id: int) -> list[dict[str, Any]]:
    """Codings of a transcript made on an earlier version of its text whose passage changed since."""
    return rows_of(study, 'SELECT k.id, k.start, k."end", k.code_id, c.name_en, u.username AS coder, k.snippet, '
                          "k.memo FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                          "JOIN codes c ON c.id = k.code_id JOIN users u ON u.id = k.coder_id "
                          "WHERE k.transcript_id = ? AND k.text_hash != t.text_hash ORDER BY k.start, k.id",
                   [transcript_id])
