"""workbench.services.suggest.training: the coding version (training_key) and the training set cached by it."""

from __future__ import annotations

import pytest

from tests.helpers import CODE_PASSPORT
from workbench.services.coding import add_coding, remove_coding
from workbench.services.suggest import models, training
from workbench.services.suggest.service import generate, list_suggestions, reject, study_rules
from workbench.services.suggest.training import cached_training_set, training_key, training_set


def test_the_coding_version_follows_what_training_reads(demo_study):
    key = training_key(demo_study)
    assert training_key(demo_study) == key
    generate(demo_study, 1, by="chan", method="rules")   # open suggestions are not training data
    assert training_key(demo_study) == key
    coding = add_coding(demo_study, transcript_id=1, start=0, end=40, code_id=CODE_PASSPORT, by="chan")
    added = training_key(demo_study)
    assert added != key
    remove_coding(demo_study, coding, by="chan")
    assert training_key(demo_study) == key
    reject(demo_study, list_suggestions(demo_study, 1)[0]["id"], by="chan")
    assert training_key(demo_study) not in (key, added)


def test_the_training_set_is_built_once_per_coding_version(demo_study):
    training._CACHED.clear()
    first = cached_training_set(demo_study)
    assert cached_training_set(demo_study) is first
    assert first.digest() == training_set(demo_study).digest()
    add_coding(demo_study, transcript_id=1, start=0, end=40, code_id=CODE_PASSPORT, by="chan")
    assert cached_training_set(demo_study) is not first


@pytest.mark.slow  # trains the learned suggester
def test_a_model_of_the_current_codings_is_found_without_building_the_training_set(demo_study):
    rules = study_rules(demo_study)
    first = models.ensure_model(demo_study, rules=rules, by="chan", policy="exact")
    training._CACHED.clear()
    models._cache.clear()
    again = models.ensure_model(demo_study, rules=rules, by="chan", policy="exact")   # a new process, as the CLI
    assert again.version == first.version and training._CACHED == {}
    add_coding(demo_study, transcript_id=1, start=0, end=40, code_id=CODE_PASSPORT, by="chan")
    assert models.ensure_model(demo_study, rules=rules, by="chan", policy="exact").version != first.version
