"""Combined ranking of rules and the learned model, with scores in 0..1 that mean the same for every code.

Calibration (what a score means):
- rules alone: score = 1 - exp(-raw / 1.5), where raw sums the matched patterns' weights (codebook weight ×
  specificity (longer patterns count more) ÷ (1 + 0.1 (n - 1)) for a pattern found inside the patterns of n
  codes × 0.55 if a negation/hypothetical cue precedes × 0.8 for a near match; each further distinct match of
  the same code decayed by half). The mapping is the same monotone function for every code, so a threshold
  cuts every code at the same strength of evidence.
- learned alone: Platt scaling, sigmoid(a·d + b) of the decision value d, with a and b fitted on
  out-of-fold decisions (folds grouped by transcript) pooled over all codes.
- combined: a logistic "stacker" fitted on the same out-of-fold data, pooled over codes, with the
  features [log(1 + rule raw), rule fired, learned decision / 4, 1 / (1 + the code's place in the
  learned ranking of the unit), code known to the model]. Its output is
  the estimated probability that a person would code the unit with the code, whatever the code.
  The combined score is then 1 - (1 - stacker)(1 - rules score): the stacker is fitted on the study's
  interview sentences, where rules are weak, and on report-style text it let the learned model push a
  strong rule match out of first place (P@1 below rules alone on bench/data/suggest_check.jsonl); combined
  like this, strong rule evidence is never discounted. The same function for every code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from workbench.services.suggest.learned import Model
from workbench.services.suggest.methods import method as method_named
from workbench.services.suggest.rules import RuleHit, RuleSet
from workbench.services.suggest.units import Unit

UNKNOWN_DECISION = -8.0      # decision value of a code the model never saw
LEARNED_CANDIDATES = 5       # the learned model proposes its best five codes per unit
SHOWN_LEARNED = 0.2          # the learned model "took part" in a combined suggestion above this probability


@dataclass(frozen=True)
class Suggestion:
    """One ranked suggestion for a unit; `details` explains it (see `explanation`)."""

    code: str
    score: float
    method: str
    evidence: str
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_json(self, *, explain: bool = False) -> dict[str, object]:
        """The CLI's JSON shape (with `details` when asked to explain)."""
        shape: dict[str, object] = {"code": self.code, "score": round(self.score, 4), "method": self.method,
                                    "evidence": self.evidence}
        if explain:
            shape["details"] = self.details
        return shape


def explanation(hit: RuleHit | None, learned: float | None, terms: str, score: float) -> dict[str, Any]:
    """What triggered a suggestion and what each part contributed.

    `rules`: the rules' score (0..1) and each matched pattern with the words it met (`synonym` when it matched through
    a synonym class, `negated` when a negation or hypothetical cue lowered it); `learned`: the learned model's
    calibrated probability and the terms of the text that weighed most for the code; `score`: the final score. A part
    that did not take part is None.
    """
    patterns = [] if hit is None else [
        {"pattern": m.pattern.text, "words": m.surface, "synonym": m.pattern.synonym, "negated": m.negated,
         "weight": round(m.contribution, 3)} for m in sorted(hit.matches, key=lambda m: (m.pattern.lang, m.start))]
    return {"rules": None if hit is None else round(hit.score, 4), "patterns": patterns,
            "learned": None if learned is None else round(learned, 4),
            "terms": [t for t in terms.split(", ") if t], "score": round(score, 4)}


def features(hits: dict[str, RuleHit], decision: np.ndarray | None, labels: list[str],
             codes: list[str]) -> dict[str, list[float]]:
    """Stacker features of each candidate code of one unit."""
    known: dict[str, tuple[float, int]] = {}
    if decision is not None:
        order = np.argsort(-decision, kind="stable")
        known = {labels[i]: (float(decision[i]), place) for place, i in enumerate(order)}
    out = {}
    for code in codes:
        raw = hits[code].raw if code in hits else 0.0
        value, place = known.get(code, (UNKNOWN_DECISION, len(labels)))
        out[code] = [math.log1p(raw), 1.0 if code in hits else 0.0, max(min(value, 12.0), -12.0) / 4.0,
                     1.0 / (1.0 + place) if code in known else 0.0, 1.0 if code in known else 0.0]
    return out


def fit_logistic(rows: list[list[float]], y: list[int], *, c: float = 10.0,
                 weights: list[float] | None = None) -> list[float]:
    """Weights then bias of a small pooled logistic regression (the calibrators), L2 on the weights."""
    if len(set(y)) < 2:
        return [0.0] * (len(rows[0]) if rows else 0) + [-4.0]
    x, target = np.array(rows, dtype=np.float64), np.array(y, dtype=np.float64)
    weight = np.ones_like(target) if weights is None else np.array(weights, dtype=np.float64)
    dims = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:dims] + theta[dims]
        residual = weight * (1.0 / (1.0 + np.exp(-z)) - target)
        value = float(np.sum(weight * (np.logaddexp(0.0, z) - target * z)) + 0.5 / c * theta[:dims] @ theta[:dims])
        return value, np.concatenate([x.T @ residual + theta[:dims] / c, [residual.sum()]])

    theta = minimize(loss, np.zeros(dims + 1), jac=True, method="L-BFGS-B").x
    return [float(v) for v in theta]


def apply_logistic(weights: list[float], row: list[float]) -> float:
    """Probability from fitted weights."""
    z = sum(w * x for w, x in zip(weights, row)) + weights[-1]
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def rank(units: list[Unit], *, rules: RuleSet | None, model: Model | None, method: str = "auto",
         top: int = 5, min_score: float = 0.0) -> list[list[Suggestion]]:
    """Ranked suggestions (best first, at most `top`, none below `min_score`) for each unit."""
    chosen = method_named(method)
    rules = rules if chosen.uses_rules else None
    model = model if chosen.uses_model else None
    hits = rules.score_many(units) if rules is not None else [{} for _ in units]
    decisions = model.decision(units) if model is not None else None
    results = []
    for index, unit in enumerate(units):
        if model is not None and decisions is not None and rules is not None and model.stack:
            ranked = _combined(hits[index], decisions[index], model)
        elif model is not None and decisions is not None:
            ranked = _learned(decisions[index], model)
        else:
            ranked = [Candidate(h.code, h.score, "rules", h, None) for h in hits[index].values()]
        best = [r for r in sorted(ranked, key=lambda r: -r.score)[:top] if r.score >= min_score]
        results.append(_explained(unit, best, model))
    return results


@dataclass(frozen=True)
class Candidate:
    """A code proposed for a unit, before explanation."""

    code: str
    score: float
    method: str
    hit: RuleHit | None       # the rules' evidence, if the rules matched
    learned: float | None     # the learned model's calibrated probability, if it took part


def _learned(decision: np.ndarray, model: Model) -> list[Candidate]:
    probabilities = model.probability(decision)
    return [Candidate(model.labels[i], float(probabilities[i]), "learned", None, float(probabilities[i]))
            for i in np.argsort(-probabilities)[:LEARNED_CANDIDATES]]


def _combined(hits: dict[str, RuleHit], decision: np.ndarray, model: Model) -> list[Candidate]:
    learned_p = dict(zip(model.labels, model.probability(decision).tolist()))
    candidates = sorted(set(hits) | {model.labels[i] for i in np.argsort(-decision)[:LEARNED_CANDIDATES]})
    out = []
    for code, row in features(hits, decision, model.labels, candidates).items():
        took_part = learned_p.get(code, 0.0) >= SHOWN_LEARNED
        method = "rules+learned" if code in hits and took_part else "rules" if code in hits else "learned"
        stacked = apply_logistic(model.stack, row)
        rules_p = hits[code].score if code in hits else 0.0
        combined = 1.0 - (1.0 - stacked) * (1.0 - rules_p)  # see the module docstring
        out.append(Candidate(code, combined, method, hits.get(code), learned_p.get(code)))
    return out


def _explained(unit: Unit, best: list[Candidate], model: Model | None) -> list[Suggestion]:
    """Suggestions with their evidence: the matched words, and the terms the model weighed most."""
    wanted = [c.code for c in best if model is not None and c.code in model.labels]
    terms = model.explain(unit, wanted) if wanted and model is not None else {}
    out = []
    for c in best:
        details = explanation(c.hit, c.learned, terms.get(c.code, ""), c.score)
        evidence = c.hit.evidence if c.hit is not None else ""
        if c.method != "rules":
            learned = f"learned: {terms[c.code]}" if terms.get(c.code) else "learned"
            evidence = f"{evidence}; {learned}" if evidence else learned
        out.append(Suggestion(c.code, c.score, c.method, evidence, details))
    return out
