"""workbench.services.suggest.feedback, and the learned model learning from the team's accepted and rejected suggestions."""

from __future__ import annotations

import pytest

from tests.helpers import CODE_PASSPORT, INTERVIEW, import_text
from workbench.services.suggest import models
from workbench.services.suggest.feedback import MAX_THRESHOLD, code_feedback, thresholds
from workbench.services.suggest.service import accept, generate, list_suggestions, reject, study_rules
from workbench.services.suggest.units import units_from_texts


def _decide(study, transcript, *, accept_codes=(), reject_codes=(), by="coder1"):
    for row in list_suggestions(study, transcript):
        if row["code_id"] in accept_codes:
            accept(study, row["id"], by=by)
        elif row["code_id"] in reject_codes:
            reject(study, row["id"], by=by)


def test_without_decisions_every_code_keeps_the_method_threshold(study):
    assert thresholds(study, base=0.55) == {}


def test_a_code_rejected_more_than_the_rest_needs_more_evidence(study):
    transcript = import_text(study, INTERVIEW, name="P01.txt", by="coder1")
    generate(study, transcript, by="coder1", method="rules", threshold=0.0)
    codes = sorted({r["code_id"] for r in list_suggestions(study, transcript)})
    assert CODE_PASSPORT in codes and len(codes) >= 2
    others = [c for c in codes if c != CODE_PASSPORT]
    _decide(study, transcript, accept_codes=others, reject_codes=[CODE_PASSPORT])
    found = code_feedback(study, base=0.55)
    assert found[CODE_PASSPORT].rejected > 0 and found[CODE_PASSPORT].accepted == 0
    assert found[CODE_PASSPORT].threshold > 0.55                        # rejected code: stricter
    assert all(found[c].threshold <= 0.55 for c in others if c in found)  # accepted codes: not stricter
    assert found[CODE_PASSPORT].threshold <= MAX_THRESHOLD


@pytest.mark.slow  # trains the learned suggester twice
def test_the_model_learns_from_accepted_and_rejected_suggestions(demo_study):
    """Rejections push the code's probability down on those sentences; acceptances push it up."""
    rules = study_rules(demo_study)
    before = models.ensure_model(demo_study, rules=rules, by="chan", policy="always")
    transcript = demo_study.db.execute("SELECT id FROM transcripts ORDER BY id LIMIT 1").fetchone()[0]
    generate(demo_study, transcript, by="chan", method="rules", threshold=0.0)
    rows = list_suggestions(demo_study, transcript)
    by_code: dict[str, list[dict]] = {}
    for row in rows:
        by_code.setdefault(row["code_id"], []).append(row)
    rejected_code, accepted_code = sorted(by_code, key=lambda c: -len(by_code[c]))[:2]
    rejected = [r["snippet"] for r in by_code[rejected_code]]
    accepted = [r["snippet"] for r in by_code[accepted_code]]
    _decide(demo_study, transcript, accept_codes=[accepted_code], reject_codes=[rejected_code], by="chan")
    after = models.ensure_model(demo_study, rules=rules, by="chan", policy="always")
    assert after.version != before.version and after.meta["training_size"] > before.meta["training_size"]

    def mean_probability(model, texts, code):
        probabilities = model.probability(model.decision(units_from_texts(texts)))
        return float(probabilities[:, model.labels.index(code)].mean())

    assert mean_probability(after, rejected, rejected_code) < mean_probability(before, rejected, rejected_code)
    assert mean_probability(after, accepted, accepted_code) > mean_probability(before, accepted, accepted_code)
