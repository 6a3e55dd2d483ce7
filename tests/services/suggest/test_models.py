"""workbench.services.suggest.models and migration 0002: models cached in the study file and in memory."""

from __future__ import annotations

import pytest

from workbench.errors import PermissionDenied
from workbench.services.suggest import models
from workbench.services.suggest.learned import Model
from workbench.services.suggest.service import study_rules
from workbench.store import schema
from workbench.store.study import Study


def test_migration_0002_adds_the_models_table(tmp_path):
    names = [m.name for m in schema.migrations._migrations]
    assert "0002_suggestion_models" in names and names.index("0002_suggestion_models") == 1
    with Study.open(tmp_path / "s.db", create=True) as study:
        columns = {c.name for c in study.db["suggestion_models"].columns}
    assert {"version", "method", "created_at", "created_by", "training_size", "metrics", "model"} <= columns


@pytest.mark.slow  # trains the learned suggester
def test_policies_train_store_and_reuse(demo_study):
    rules = study_rules(demo_study)
    assert models.ensure_model(demo_study, rules=rules, by="chan", policy="never") is None
    first = models.ensure_model(demo_study, rules=rules, by="chan", policy="exact")
    stored = models.latest(demo_study, rules=rules)
    assert stored["version"] == first.version and stored["created_by"] == "chan"
    assert stored["training_size"] == first.meta["training_size"] and stored["metrics"]["labels"] > 0
    assert models.ensure_model(demo_study, rules=rules, by="chan", policy="exact") is first   # cached by version
    assert models.ensure_model(demo_study, rules=rules, by="chan", policy="auto") is first    # nothing new
    models._cache.clear()
    reloaded = models.ensure_model(demo_study, rules=rules, by="chan", policy="never")
    assert reloaded is not first and reloaded.version == first.version                       # read back from the file


@pytest.mark.slow  # trains the learned suggester
def test_auto_retrains_only_after_enough_new_codings(demo_study, monkeypatch):
    rules = study_rules(demo_study)
    first = models.ensure_model(demo_study, rules=rules, by="chan", policy="auto")
    monkeypatch.setattr(models, "training_size", lambda _study: first.meta["training_size"] + models.RETRAIN_AFTER)
    monkeypatch.setattr(models, "RETRAIN_SHARE", 0.0)
    calls = []
    monkeypatch.setattr(models, "train", lambda data, **kw: calls.append(1) or first)
    models.ensure_model(demo_study, rules=rules, by="chan", policy="auto")
    assert calls == [1]


@pytest.mark.slow  # trains the learned suggester
def test_only_the_newest_models_are_kept(demo_study):
    rules = study_rules(demo_study)
    trained = models.ensure_model(demo_study, rules=rules, by="chan", policy="always")
    for n in range(models.KEEP_MODELS + 2):
        model = Model.from_bytes(trained.to_bytes())   # cached models are shared: never change one in place
        model.meta["version"] = f"v{n}"
        models.save(demo_study, model, by="chan")
    assert demo_study.db.execute("SELECT count(*) FROM suggestion_models").fetchone()[0] == models.KEEP_MODELS


def test_reviewer_cannot_train(demo_study):
    with pytest.raises(PermissionDenied):
        models.ensure_model(demo_study, rules=study_rules(demo_study), by="reviewer", policy="always")


@pytest.mark.slow  # trains the learned suggester
def test_a_model_cached_for_another_study_is_still_stored_in_this_one(demo, demo_study, tmp_path):
    from tests.helpers import copy_study

    rules = study_rules(demo_study)
    models.ensure_model(demo_study, rules=rules, by="chan", policy="exact")
    with Study.open(copy_study(demo.path, tmp_path / "other.db")) as other:
        models.ensure_model(other, rules=rules, by="chan", policy="exact")
        assert other.db.execute("SELECT count(*) FROM suggestion_models").fetchone()[0] == 1
