"""workbench.services.suggest.training / learned / trainer: labelled sentences, training and prediction on the demo."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.errors import InputError
from workbench.services.suggest.learned import Model, fit
from workbench.services.suggest.trainer import folds, train
from workbench.services.suggest.training import SEED_GROUP, covers, training_set
from workbench.services.suggest.units import units_from_texts
from workbench.store.study import Study


@pytest.fixture(scope="module")
def demo_data(demo):
    with Study.open(demo.path) as study:
        return training_set(study)


@pytest.fixture(scope="module")
def demo_model(demo_data, rules):
    return train(demo_data, rules=rules)


def test_a_coding_covers_the_sentences_it_overlaps_enough():
    assert covers(0, 100, 10, 60)          # half the sentence
    assert covers(0, 100, 90, 200) is False  # a sliver of the sentence and of the coding
    assert covers(0, 100, 80, 110)         # most of a short coding
    assert covers(0, 100, 100, 120) is False


def test_training_set_of_the_demo(demo_data, demo):
    coded = [p for p, g in zip(demo_data.positives, demo_data.groups) if g != SEED_GROUP and p]
    assert demo_data.codings == demo.codings
    assert len(coded) > 200
    assert SEED_GROUP in demo_data.groups           # the codebook's definitions and examples seed the model
    assert len(set(demo_data.groups) - {SEED_GROUP}) == demo.imported


def test_folds_keep_transcripts_together_and_seeds_in_training():
    groups = [1, 1, 2, 2, 3, SEED_GROUP]
    splits = folds(groups, k=2)
    assert len(splits) == 2
    for train_idx, test_idx in splits:
        assert 5 in train_idx and 5 not in test_idx
        assert not {groups[i] for i in train_idx} & {groups[i] for i in test_idx}


def test_model_predicts_demo_like_passages(demo_model):
    units = units_from_texts(["My employer kept my passport and would not give it back.",
                              "僱主收埋我本護照，唔肯還俾我。",
                              "I waited almost two years for the Labour Tribunal hearing."])
    best = [demo_model.labels[i] for i in demo_model.decision(units).argmax(axis=1)]
    assert best[0] == best[1] == "exploitation/document_retention"
    assert best[2] in {"barriers/delay", "remedies/labour_tribunal"}


def test_probabilities_are_calibrated_into_0_1(demo_model):
    p = demo_model.probability(demo_model.decision(units_from_texts(["passport", "天氣好好"])))
    assert ((0 <= p) & (p <= 1)).all()


def test_explanation_names_the_terms_that_weighed_most(demo_model):
    unit = units_from_texts(["My employer kept my passport in her drawer."])[0]
    explained = demo_model.explain(unit, ["exploitation/document_retention", "barriers/delay"])
    assert "passport" in explained["exploitation/document_retention"]


def test_model_round_trips_through_bytes_without_pickle(demo_model):
    loaded = Model.from_bytes(demo_model.to_bytes())
    units = units_from_texts(["passport kept by the agency", "勞資審裁處"])
    assert np.allclose(loaded.decision(units), demo_model.decision(units), atol=1e-4)
    assert loaded.version == demo_model.version and loaded.stack == demo_model.stack


def test_version_is_a_hash_of_data_and_settings(demo_data, rules, demo_model):
    from workbench.services.suggest.learned import SETTINGS
    from workbench.services.suggest.trainer import version_of

    assert version_of(demo_data, settings=SETTINGS, rules=rules) == demo_model.version
    assert version_of(demo_data, settings={**SETTINGS, "alpha": 0.5}, rules=rules) != demo_model.version
    fewer = demo_data.subset(list(range(len(demo_data.units) - 1)))
    assert version_of(fewer, settings=SETTINGS, rules=rules) != demo_model.version


def test_rejected_suggestions_are_negatives(demo_data):
    data = demo_data.subset(list(range(len(demo_data.units))))
    index = next(i for i, p in enumerate(data.positives) if not p)
    data.negatives[index] = frozenset({"barriers/delay"})
    plain, weighted = fit(demo_data), fit(data)
    unit = [data.units[index]]
    col = plain.labels.index("barriers/delay")
    assert weighted.decision(unit)[0, col] < plain.decision(unit)[0, col]


def test_too_few_codings_refuse_to_train(study, rules):
    with pytest.raises(InputError, match="too few codings"):
        train(training_set(study), rules=rules)
