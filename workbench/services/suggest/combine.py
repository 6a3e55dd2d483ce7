"""Combined ranking of rules and the learned model, with scores in 0..1 that mean the same for every code.

Calibration (what a score means):
- rules alone: score = 1 - exp(-raw / 1.5), where raw sums the matched patterns' weights (weight ×
  specificity × 0.55 if a negation/hypothetical cue precedes × 0.8 for a near match, each further
  distinct match of the same code decayed by half). The mapping is the same monotone function for
  every code, so a threshold cuts every code at the same strength of evidence.
- learned alone: Platt scaling, sigmoid(a·d + b) of the decision value d, with a and b fitted on
  out-of-fold decisions (folds grouped by transcript) pooled over all codes.
- combined: a logistic "stacker" fitted on the same out-of-fold data, pooled over codes, with the
  features [log(1 + rule raw), rule fired, learned decision, code known to the model]. Its output is
  the estimated probability that a person would code the unit with the code, whatever the code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from workbench.services.suggest.learned import Model
from workbench.services.suggest.rules import RuleHit, RuleSet
from workbench.services.suggest.units import Unit

METHODS = ("rules", "learned", "auto")
UNKNOWN_DECISION = -8.0      # decision value of a code the model never saw
LEARNED_FLOOR = 0.05         # learned-only candidates below this probability are not suggested
SHOWN_LEARNED = 0.2          # the learned model "took part" in a combined suggestion above this probability


@dataclass(frozen=True)
class Suggestion:
    """One ranked suggestion for a unit."""

    code: str
    score: float
    method: str
    evidence: str

    def as_json(self) -> dict[str, object]:
        """The CLI's JSON shape."""
        return {"code": self.code, "score": round(self.score, 4), "method": self.method, "evidence": self.evidence}


def features(hit: RuleHit | None, decision: float | None) -> list[float]:
    """Stacker features of one (unit, code)."""
    raw = hit.raw if hit else 0.0
    known = decision is not None
    return [math.log1p(raw), 1.0 if hit else 0.0, float(np.clip(decision if known else UNKNOWN_DECISION, -12, 12)),
            1.0 if known else 0.0]


def fit_logistic(rows: list[list[float]], y: list[int]) -> list[float]:
    """Weights then bias of a pooled logistic regression (the calibrator)."""
    if len(set(y)) < 2:
        return [0.0] * (len(rows[0]) if rows else 0) + [-4.0]
    clf = LogisticRegression(C=1.0, max_iter=500).fit(np.array(rows), np.array(y))
    return [float(w) for w in clf.coef_[0]] + [float(clf.intercept_[0])]


def apply_logistic(weights: list[float], row: list[float]) -> float:
    """Probability from fitted weights."""
    z = sum(w * x for w, x in zip(weights, row)) + weights[-1]
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def rank(units: list[Unit], *, rules: RuleSet | None, model: Model | None, method: str = "auto",
         top: int = 5) -> list[list[Suggestion]]:
    """Ranked suggestions (best first, at most `top`) for each unit."""
    use_rules = rules is not None and method in ("rules", "auto")
    use_model = model is not None and method in ("learned", "auto")
    hits = rules.score_many(units) if use_rules else [{} for _ in units]
    decisions = model.decision(units) if use_model else None
    results = []
    for index, unit in enumerate(units):
        if use_model and use_rules and model.stack:
            ranked = _combined(unit, hits[index], decisions[index], model)
        elif use_model:
            ranked = _learned(unit, decisions[index], model)
        else:
            ranked = [Suggestion(h.code, h.score, "rules", h.evidence) for h in hits[index].values()]
        results.append(sorted(ranked, key=lambda s: -s.score)[:top])
    return results


def _learned(unit: Unit, decision: np.ndarray, model: Model) -> list[Suggestion]:
    probabilities = model.probability(decision)
    return [Suggestion(code, float(p), "learned", model.explain(unit, code))
            for code, p in zip(model.labels, probabilities) if p >= LEARNED_FLOOR]


def _combined(unit: Unit, hits: dict[str, RuleHit], decision: np.ndarray, model: Model) -> list[Suggestion]:
    known = dict(zip(model.labels, decision.tolist()))
    learned_p = dict(zip(model.labels, model.probability(decision).tolist()))
    candidates = set(hits) | {c for c, p in learned_p.items() if p >= LEARNED_FLOOR}
    out = []
    for code in candidates:
        score = apply_logistic(model.stack, features(hits.get(code), known.get(code)))
        took_part = learned_p.get(code, 0.0) >= SHOWN_LEARNED
        parts = [hits[code].evidence] if code in hits else []
        if took_part or code not in hits:
            explained = model.explain(unit, code) if code in known else ""
            parts.append(f"learned: {explained}" if explained else "learned")
        method = "rules+learned" if code in hits and took_part else "rules" if code in hits else "learned"
        out.append(Suggestion(code, score, method, "; ".join(p for p in parts if p)))
    return out
