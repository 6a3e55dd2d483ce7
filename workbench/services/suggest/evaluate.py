"""Cross-validated quality of the suggesters on a study's own codings: recall@3 and P@1, overall and per language.

Definitions (what the figures mean):
- A *passage* is a distinct coded span: one (transcript, start, end) of the codings table, whoever coded
  it; its text is the transcript text of that span; its language is detected from that text (en, zh,
  mixed).
- Its *gold codes* are the codes of every coding that covers at least half of the passage (the codings
  of exactly that span, and any longer coding around it).
- Each suggester ranks codes for the passage text as a whole (as `workbench suggest` does).
  P@1 is the share of passages whose first suggestion is a gold code (no suggestion counts as wrong);
  recall@3 is the mean over passages of |gold ∩ top 3| / min(3, |gold|).
- Rules need no training and are scored on every passage. The learned model and the combination are
  cross-validated: transcripts are split into k folds; for each fold the model (with its own inner
  calibration) is trained on the other transcripts' codings only and scores this fold's passages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.errors import InputError
from workbench.services.suggest.combine import rank
from workbench.services.suggest.reference import with_reference
from workbench.services.suggest.rules import RuleSet
from workbench.services.suggest.trainer import folds as make_folds
from workbench.services.suggest.trainer import train
from workbench.services.suggest.training import training_set
from workbench.services.suggest.units import Unit, units_from_texts
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

DEFINITION = ("passage = a distinct coded span; gold = codes of every coding covering at least half of it; "
              "P@1 = first suggestion is gold; recall@3 = |gold ∩ top 3| / min(3, |gold|); "
              "learned and combined cross-validated by transcript")


@dataclass(frozen=True)
class Passage:
    """A coded span and its gold codes."""

    transcript_id: int
    start: int
    end: int
    text: str
    gold: frozenset[str]


def passages(study: Study) -> list[Passage]:
    """Every distinct coded span of the study with its gold codes."""
    rows = study.db.execute(
        'SELECT k.transcript_id, k.start, k."end", k.code_id FROM codings k JOIN codes c ON c.id = k.code_id '
        "WHERE c.status = 'active' ORDER BY k.transcript_id, k.start, k.\"end\"").fetchall()
    by_transcript: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    text, current = "", None
    for tid, start, end, code in rows:
        if tid != current:   # each transcript's text read once (a per-row substr reads it per coding)
            text, current = transcript_text(study, tid), tid
        by_transcript[tid].append((start, end, code, text[start:end]))
    result = []
    for tid, spans in by_transcript.items():
        for start, end, text in sorted({(s, e, t) for s, e, _c, t in spans}):
            gold = frozenset(c for s, e, c, _t in spans if min(e, end) - max(s, start) >= 0.5 * (end - start))
            result.append(Passage(tid, start, end, text, gold))
    return result


def score(ranked: list[list[str]], gold: list[frozenset[str]], languages: list[str]) -> dict[str, Any]:
    """recall@3 and P@1 overall and per language."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for codes, truth, language in zip(ranked, gold, languages):
        value = (float(bool(codes) and codes[0] in truth), len(set(codes[:3]) & truth) / min(3, len(truth)))
        groups["all"].append(value)
        groups[language].append(value)
    return {key: {"passages": len(values), "p_at_1": round(sum(v[0] for v in values) / len(values), 4),
                  "recall_at_3": round(sum(v[1] for v in values) / len(values), 4)}
            for key, values in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0]))}


def evaluate(study: Study, *, rules: RuleSet | None, k: int = 4,
             progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    """Cross-validated figures for rules, learned and combined suggestions on the study's codings."""
    report = progress or (lambda _f, _m: None)
    items = passages(study)
    if not items:
        raise InputError("the study has no codings to evaluate suggestions on")
    units = units_from_texts([p.text for p in items])
    gold = [p.gold for p in items]
    languages = [u.language for u in units]
    result: dict[str, Any] = {"definition": DEFINITION, "passages": len(items),
                              "transcripts": len({p.transcript_id for p in items})}
    if rules is not None:
        result["rules"] = score(_codes(rank(units, rules=rules, model=None, method="rules", top=3)), gold, languages)
    learned: list[list[str]] = [[] for _ in items]
    combined: list[list[str]] = [[] for _ in items]
    splits = make_folds([p.transcript_id for p in items], k=k)
    if len(splits) < 2:
        result["note"] = "one transcript only: the learned model cannot be cross-validated by transcript"
        return result
    for number, (_train_idx, test_idx) in enumerate(splits):
        report(number / len(splits), f"fold {number + 1} of {len(splits)}")
        held_out = {items[i].transcript_id for i in test_idx}
        train_tids = {p.transcript_id for p in items} - held_out
        try:
            model = train(with_reference(training_set(study, transcripts=train_tids), study), rules=rules)
        except InputError:
            continue
        test_units: list[Unit] = [units[i] for i in test_idx]
        for method, target in (("learned", learned), ("auto", combined)):
            for i, ranked in zip(test_idx, rank(test_units, rules=rules, model=model, method=method, top=3)):
                target[i] = [s.code for s in ranked]
    report(1.0, "done")
    result["folds"] = len(splits)
    result["learned"] = score(learned, gold, languages)
    if rules is not None:
        result["combined"] = score(combined, gold, languages)
    return result


def _codes(ranked: list[list[Any]]) -> list[list[str]]:
    return [[s.code for s in r] for r in ranked]
