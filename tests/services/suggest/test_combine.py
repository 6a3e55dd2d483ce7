"""workbench.services.suggest.combine: ranking, scores in 0..1, methods and evidence."""

from __future__ import annotations

import pytest

from workbench.services.suggest.combine import apply_logistic, fit_logistic, rank
from workbench.services.suggest.units import units_from_texts


def test_rules_only_ranking_is_best_first_and_capped(rules):
    units = units_from_texts(["They kept my passport, never paid my salary and I waited a long time. 等咗好耐。"])
    ranked = rank(units, rules=rules, model=None, method="rules", top=2)[0]
    assert len(ranked) == 2 and ranked[0].score >= ranked[1].score
    assert all(s.method == "rules" and s.evidence and 0 < s.score < 1 for s in ranked)


def test_every_unit_gets_a_list_even_without_matches(rules):
    assert rank(units_from_texts(["Nice weather.", "天氣好好。"]), rules=rules, model=None, top=5) == [[], []]


def test_fit_logistic_separates_and_returns_probabilities():
    rows = [[0.0], [0.1], [0.9], [1.0]] * 10
    weights = fit_logistic(rows, [0, 0, 1, 1] * 10)
    assert apply_logistic(weights, [1.0]) > 0.8 > 0.2 > apply_logistic(weights, [0.0])
    assert fit_logistic([[1.0], [2.0]], [0, 0])[-1] < 0    # one class only: a low constant


@pytest.fixture(scope="module")
def demo_model(demo, rules):
    from workbench.services.suggest.trainer import train
    from workbench.services.suggest.training import training_set
    from workbench.store.study import Study

    with Study.open(demo.path) as study:
        return train(training_set(study), rules=rules)


def test_combined_scores_are_probabilities_with_both_kinds_of_evidence(demo_model, rules):
    units = units_from_texts(["The agency kept my passport for two years.", "僱主收走護照。", "Nothing here."])
    results = rank(units, rules=rules, model=demo_model, method="auto", top=5)
    for ranked in results:
        assert len(ranked) <= 5 and all(0 <= s.score <= 1 for s in ranked)
        assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert results[0][0].code == results[1][0].code == "exploitation/document_retention"
    assert results[0][0].method in ("rules", "rules+learned") and "passport" in results[0][0].evidence
    learned = rank(units, rules=rules, model=demo_model, method="learned", top=3)
    assert all(s.method == "learned" for r in learned for s in r) and len(learned[2]) == 3


def test_a_combined_suggestion_explains_both_parts(demo_model, rules):
    top = rank(units_from_texts(["The agency kept my passport for two years."]), rules=rules, model=demo_model,
               method="auto", top=3)[0][0]
    details = top.details
    assert details["rules"] is not None and 0 < details["learned"] < 1 and details["score"] == round(top.score, 4)
    assert [p["words"] for p in details["patterns"]] and details["patterns"][0]["pattern"]
    # the combined score is 1 - (1 - stacker)(1 - rules): never below the rules' own score
    assert details["score"] >= details["rules"]
    assert top.as_json(explain=True)["details"] == details and "details" not in top.as_json()
