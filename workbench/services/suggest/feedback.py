"""What the team's decisions on suggestions say per code: acceptance rates and the per-code thresholds they calibrate.

A suggestion's score estimates how likely a coder is to code the sentence with the code, the same function for
every code. A team's decisions show where that estimate runs high or low in *this* study: if coders reject most
suggestions of one code, its suggestions need more evidence. Each code's threshold is the method's threshold times
p / r, where r is the code's acceptance rate shrunk towards the study's overall rate p (PRIOR_DECISIONS decisions'
worth of p), clipped to [MIN_FACTOR, MAX_FACTOR]: a code accepted as often as the rest keeps the method's threshold;
one accepted half as often needs twice the score (at most 0.95). Rejected suggestions also train the learned model as
negative examples of their code (training.py); this calibrates the rules too, which have no training.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.store.study import Study

PRIOR_DECISIONS = 10.0
MIN_FACTOR, MAX_FACTOR, MAX_THRESHOLD = 0.75, 2.0, 0.95


@dataclass(frozen=True)
class CodeFeedback:
    """Decisions on one code's suggestions and the threshold they give it."""

    code: str
    accepted: int
    rejected: int
    rate: float          # shrunk acceptance rate
    threshold: float


def code_feedback(study: Study, *, base: float) -> dict[str, CodeFeedback]:
    """Per code with decided suggestions: counts, shrunk acceptance rate and threshold (other codes keep `base`)."""
    rows = study.db.execute("SELECT code_id, sum(status = 'accepted'), sum(status = 'rejected') FROM suggestions "
                            "WHERE status != 'open' GROUP BY code_id").fetchall()
    accepted, decided = sum(r[1] for r in rows), sum(r[1] + r[2] for r in rows)
    overall = (accepted + 1.0) / (decided + 2.0)
    out = {}
    for code, yes, no in rows:
        rate = (yes + PRIOR_DECISIONS * overall) / (yes + no + PRIOR_DECISIONS)
        factor = min(max(overall / rate, MIN_FACTOR), MAX_FACTOR)
        out[code] = CodeFeedback(code, yes, no, round(rate, 4), round(min(base * factor, MAX_THRESHOLD), 4))
    return out


def thresholds(study: Study, *, base: float) -> dict[str, float]:
    """The score each code's suggestions need in this study (codes without decisions: `base`)."""
    return {code: f.threshold for code, f in code_feedback(study, base=base).items()}
