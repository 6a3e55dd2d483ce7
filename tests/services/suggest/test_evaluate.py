"""workbench.services.suggest.evaluate: passages, gold codes and the cross-validated figures."""

from __future__ import annotations

import pytest

from tests.helpers import INTERVIEW, import_text
from workbench.services.coding import add_coding, find_span
from workbench.services.suggest.evaluate import evaluate, passages, score
from workbench.services.suggest.service import study_rules
from workbench.services.transcripts import transcript_text


def test_score_recall_at_3_and_p_at_1_per_language():
    ranked = [["a", "b", "c"], ["x", "a"], []]
    gold = [frozenset({"b"}), frozenset({"a", "z"}), frozenset({"a"})]
    figures = score(ranked, gold, ["en", "zh", "zh"])
    assert figures["all"] == {"passages": 3, "p_at_1": 0.0, "recall_at_3": round((1 + 0.5 + 0) / 3, 4)}
    assert figures["en"]["recall_at_3"] == 1.0 and figures["zh"]["passages"] == 2


def test_passages_and_gold_codes(study):
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    outer = find_span(text, "My employer took my passport on the first day.")
    inner = find_span(text, "took my passport")
    add_coding(study, transcript_id=tid, start=outer[0], end=outer[1], code_id="exploitation/document_retention",
               by="coder1")
    add_coding(study, transcript_id=tid, start=outer[0], end=outer[1], code_id="exploitation/violence_threats",
               by="admin1")
    add_coding(study, transcript_id=tid, start=inner[0], end=inner[1], code_id="barriers/delay", by="coder1")
    found = {(p.start, p.end): p.gold for p in passages(study)}
    assert found[outer] == {"exploitation/document_retention", "exploitation/violence_threats"}
    assert found[inner] == {"exploitation/document_retention", "exploitation/violence_threats", "barriers/delay"}


@pytest.mark.slow  # trains the learned suggester
def test_evaluate_on_the_demo(demo_study):
    figures = evaluate(demo_study, rules=study_rules(demo_study), k=3)
    assert figures["passages"] > 100 and figures["folds"] == 3
    for method in ("rules", "learned", "combined"):
        assert set(figures[method]) >= {"all", "en", "zh"}
        assert 0 < figures[method]["all"]["recall_at_3"] <= 1 and 0 <= figures[method]["all"]["p_at_1"] <= 1
    assert figures["combined"]["all"]["recall_at_3"] >= figures["rules"]["all"]["recall_at_3"]
