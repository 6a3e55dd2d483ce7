"""Suggestions in a study: generate and store them for one transcript, accept, reject, count.

Nothing here codes behind anyone's back: a suggestion becomes a coding only through `accept` (or
`accept_all`) by a named user whose role may decide suggestions; reviewers are refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from workbench.errors import InputError, NotFoundError
from workbench.services.agreement.assignments import is_blind
from workbench.services.coding import add_coding
from workbench.services.suggest.combine import Suggestion, rank
from workbench.services.suggest.feedback import thresholds
from workbench.services.suggest.methods import METHODS
from workbench.services.suggest.methods import method as method_named
from workbench.services.suggest.models import ensure_model
from workbench.services.suggest.rules import RuleSet, compile_rules
from workbench.services.suggest.training import covers
from workbench.services.suggest.units import units_from_sentences
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study, User, now

THRESHOLDS = {m.name: m.threshold for m in METHODS.values()}  # see methods.py for how they were chosen
PER_SENTENCE = 2
# per open Study (gone with it): (transcript, status) -> (change stamp, rows)
_LISTED: WeakKeyDictionary[Study, dict[tuple[int, str | None], tuple[tuple[int, int], list[dict[str, Any]]]]] = \
    WeakKeyDictionary()


@dataclass(frozen=True)
class Generated:
    """What `generate` did."""

    transcript_id: int
    stored: int
    method: str
    model_version: str


def study_rules(study: Study) -> RuleSet:
    """The compiled keyword patterns of the study's active codes (cached per codebook content)."""
    rows = study.db.execute("SELECT id, keywords FROM codes WHERE status = 'active' ORDER BY position, id").fetchall()
    return compile_rules((code, json.loads(keywords or "{}")) for code, keywords in rows)


def generate(study: Study, transcript_id: int, *, by: str | User, method: str = "auto",
             threshold: float | None = None, progress: Callable[[float, str], None] | None = None) -> Generated:
    """Replace the open suggestions of one transcript (only its sentences are scored)."""
    actor = study.actor(by, action="suggestions.generate")
    chosen = method_named(method)
    if not study.db.execute("SELECT 1 FROM transcripts WHERE id = ?", [transcript_id]).fetchone():
        raise NotFoundError(f"no transcript with id {transcript_id}")
    rules = study_rules(study)
    model = ensure_model(study, rules=rules, by=actor, progress=progress) if chosen.uses_model else None
    if not chosen.uses_rules and model is None:
        raise InputError("there is no learned model yet: code more passages, or use the rules")
    rows = study.db.execute(
        'SELECT start, "end", language, turn_id, text, words, word_spans FROM segments WHERE transcript_id = ? '
        "AND kind = 'sentence' AND is_interviewer = 0 ORDER BY start", [transcript_id]).fetchall()
    units = units_from_sentences([(r[4], r[2], r[5], r[6]) for r in rows])
    cut = THRESHOLDS[method if model is not None else "rules"] if threshold is None else threshold
    per_code = thresholds(study, base=cut) if threshold is None else {}   # calibrated by the team's decisions
    ranked = rank(units, rules=rules, model=model, method=method, top=PER_SENTENCE,
                  min_score=min([cut, *per_code.values()]))
    taken = _taken(study, transcript_id,
                   blind_coder=actor.id if is_blind(study, transcript_id, user=actor) else None)
    spans = _merge([(row[0], row[1], (row[3], index), s) for index, (row, found) in enumerate(zip(rows, ranked))
                    for s in found if s.score >= per_code.get(s.code, cut)
                    and not any(covers(row[0], row[1], a, b) for a, b in taken.get(s.code, []))])
    version = model.version if model is not None else f"rules:{rules.fingerprint}"
    with study.writing(by=actor, action="suggestions.generate"):
        study.db.execute("DELETE FROM suggestions WHERE transcript_id = ? AND status = 'open'", [transcript_id])
        study.db.table("suggestions").insert_all(
            [{"transcript_id": transcript_id, "start": start, "end": end, "code_id": s.code, "method": s.method,
              "model_version": version, "score": round(s.score, 4), "evidence": s.evidence, "status": "open",
              "details": json.dumps(s.details, ensure_ascii=False), "created_at": now()} for start, end, s in spans])
        study.audit(actor, "generate", "suggestions", transcript_id, {"stored": len(spans), "method": method,
                                                                       "model_version": version})
    return Generated(transcript_id, len(spans), method if model is not None else "rules", version)


def _taken(study: Study, transcript_id: int, *, blind_coder: int | None = None) -> dict[str, list[tuple[int, int]]]:
    """Spans per code already coded, or already decided as suggestions (never suggested again).

    For a coder coding the transcript blind only their own codings count, so the suggestions do not trace
    the other coders' work.
    """
    taken: dict[str, list[tuple[int, int]]] = {}
    for code, start, end in study.db.execute(
            'SELECT code_id, start, "end" FROM codings WHERE transcript_id = ? AND (? IS NULL OR coder_id = ?) '
            'UNION ALL SELECT code_id, start, "end" FROM suggestions WHERE transcript_id = ? AND status != \'open\'',
            [transcript_id, blind_coder, blind_coder, transcript_id]).fetchall():
        taken.setdefault(code, []).append((start, end))
    return taken


def _merge(items: list[tuple[int, int, tuple[int, int], Suggestion]]) -> list[tuple[int, int, Suggestion]]:
    """Join neighbouring sentences of one turn suggested for the same code into one span.

    Each item is (start, end, (turn id, sentence index), suggestion).
    """
    merged: list[tuple[int, int, tuple[int, int], Suggestion]] = []
    last_by_code: dict[str, int] = {}
    for start, end, (turn, index), s in sorted(items, key=lambda i: (i[0], i[3].code)):
        at = last_by_code.get(s.code)
        if at is not None and merged[at][2] == (turn, index - 1):
            p_start, _p_end, _where, prev = merged[at]
            evidence = "; ".join(dict.fromkeys(e for e in (prev.evidence + "; " + s.evidence).split("; ") if e))
            best = prev if prev.score >= s.score else s
            merged[at] = (p_start, end, (turn, index), Suggestion(s.code, best.score, best.method, evidence, best.details))
        else:
            last_by_code[s.code] = len(merged)
            merged.append((start, end, (turn, index), s))
    return [(start, end, s) for start, end, _where, s in merged]


def list_suggestions(study: Study, transcript_id: int, *, status: str | None = "open") -> list[dict[str, Any]]:
    """Suggestions of a transcript in text order, best first at equal positions, with code names and text.

    The rows are kept until the study changes (a coding page rerun reads thousands of them otherwise): read
    them, do not modify them.
    """
    kept = _LISTED.setdefault(study, {})
    stamp = study.change_stamp()
    cached = kept.get((transcript_id, status))
    if cached is not None and cached[0] == stamp:
        return list(cached[1])
    sql = ('SELECT g.id, g.transcript_id, g.start, g."end", g.code_id, c.name_en, c.name_zh, c.color, g.method, '
           "g.model_version, g.score, g.evidence, g.status, g.created_at FROM suggestions g "
           "JOIN codes c ON c.id = g.code_id WHERE g.transcript_id = ? "
           + ("AND g.status = ? " if status else "") + "ORDER BY g.start, g.score DESC, g.id")
    cursor = study.db.execute(sql, [transcript_id, status] if status else [transcript_id])
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    text = transcript_text(study, transcript_id) if rows else ""   # read once: a per-row substr reads it per row
    for row in rows:
        row["snippet"] = text[row["start"]:row["end"]]
    kept.clear()   # one transcript's rows at a time: the one on the page
    kept[(transcript_id, status)] = (stamp, rows)
    return list(rows)


def suggestion_details(study: Study, suggestion_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each suggestion's explanation (combine.explanation's shape; {} for suggestions stored before it existed)."""
    if not suggestion_ids:
        return {}
    marks = ", ".join("?" * len(suggestion_ids))
    rows = study.db.execute(f"SELECT id, details FROM suggestions WHERE id IN ({marks})", list(suggestion_ids))
    return {row[0]: json.loads(row[1] or "{}") for row in rows.fetchall()}


def _open_suggestion(study: Study, suggestion_id: int) -> dict[str, Any]:
    row = study.db.execute('SELECT id, transcript_id, start, "end", code_id, status FROM suggestions WHERE id = ?',
                           [suggestion_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no suggestion with id {suggestion_id}")
    found = dict(zip(("id", "transcript_id", "start", "end", "code_id", "status"), row))
    if found["status"] != "open":
        raise InputError(f"suggestion {suggestion_id} was already {found['status']}")
    return found


def accept(study: Study, suggestion_id: int, *, by: str | User, assessment: str | None = None) -> int:
    """Turn a suggestion into a coding (origin 'suggestion', linked to it); returns the coding id."""
    with study.writing(by=by, action="suggestions.decide") as actor:
        found = _open_suggestion(study, suggestion_id)
        coding_id = add_coding(study, transcript_id=found["transcript_id"], start=found["start"], end=found["end"],
                               code_id=found["code_id"], by=actor, assessment=assessment, origin="suggestion",
                               suggestion_id=suggestion_id)
        study.db.execute("UPDATE suggestions SET status = 'accepted', decided_by = ?, decided_at = ? WHERE id = ?",
                         [actor.id, now(), suggestion_id])
        study.audit(actor, "accept", "suggestion", suggestion_id, {"coding": coding_id, "code": found["code_id"]})
    return coding_id


def reject(study: Study, suggestion_id: int, *, by: str | User) -> None:
    """Decline a suggestion; it stays in the study as a negative example for the learned model."""
    with study.writing(by=by, action="suggestions.decide") as actor:
        found = _open_suggestion(study, suggestion_id)
        study.db.execute("UPDATE suggestions SET status = 'rejected', decided_by = ?, decided_at = ? WHERE id = ?",
                         [actor.id, now(), suggestion_id])
        study.audit(actor, "reject", "suggestion", suggestion_id, {"code": found["code_id"]})


def reopen(study: Study, suggestion_ids: list[int], *, by: str | User) -> None:
    """Make decided suggestions open again (the undo of accept or reject; the coding is removed by the caller)."""
    with study.writing(by=by, action="suggestions.decide") as actor:
        for suggestion_id in suggestion_ids:
            study.db.execute("UPDATE suggestions SET status = 'open', decided_by = NULL, decided_at = NULL "
                             "WHERE id = ?", [suggestion_id])
            study.audit(actor, "reopen", "suggestion", suggestion_id, {})


def accept_all(study: Study, transcript_id: int, code_id: str, *, by: str | User,
               assessment: str | None = None) -> list[int]:
    """Accept every open suggestion of one code in one transcript (all or nothing); returns the coding ids."""
    with study.writing(by=by, action="suggestions.decide") as actor:
        ids = [r[0] for r in study.db.execute(
            "SELECT id FROM suggestions WHERE transcript_id = ? AND code_id = ? AND status = 'open' ORDER BY start",
            [transcript_id, code_id]).fetchall()]
        return [accept(study, i, by=actor, assessment=assessment) for i in ids]


def suggestion_counts(study: Study) -> list[dict[str, Any]]:
    """Per code: suggestions made, open, accepted, rejected, and the share accepted of those decided."""
    rows = study.db.execute(
        "SELECT c.id, c.name_en, c.name_zh, count(g.id), sum(g.status = 'open'), sum(g.status = 'accepted'), "
        "sum(g.status = 'rejected') FROM codes c LEFT JOIN suggestions g ON g.code_id = c.id "
        "WHERE c.status = 'active' GROUP BY c.id ORDER BY c.position, c.id").fetchall()
    out = []
    for code, name_en, name_zh, suggested, open_, accepted, rejected in rows:
        accepted, rejected = accepted or 0, rejected or 0
        out.append({"code_id": code, "name_en": name_en, "name_zh": name_zh, "suggested": suggested,
                    "open": open_ or 0, "accepted": accepted, "rejected": rejected,
                    "accept_rate": round(accepted / (accepted + rejected), 3) if accepted + rejected else None})
    return out
