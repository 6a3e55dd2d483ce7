"""Trained models cached in the study file (table suggestion_models) and in memory, by version."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from workbench.errors import InputError
from workbench.services.suggest.learned import SETTINGS, Model
from workbench.services.suggest.reference import with_reference
from workbench.services.suggest.rules import RuleSet
from workbench.services.suggest.trainer import train, version_of
from workbench.services.suggest.training import cached_training_set, training_key, training_size
from workbench.store.study import Study, User, now

KEEP_MODELS = 3           # older versions are deleted from the study file
RETRAIN_AFTER = 20        # automatic retraining once this many new codings or rejections arrived …
RETRAIN_SHARE = 0.10      # … and at least this share of the training size
_cache: OrderedDict[str, Model] = OrderedDict()
_lock = threading.Lock()


def _remember(model: Model) -> Model:
    with _lock:
        _cache[model.version] = model
        _cache.move_to_end(model.version)
        while len(_cache) > 4:
            _cache.popitem(last=False)
    return model


def latest(study: Study, *, rules: RuleSet | None) -> dict[str, Any] | None:
    """Version, training size, metrics and date of the newest model trained with these rules."""
    row = study.db.execute(
        "SELECT m.version, m.training_size, m.metrics, m.created_at, u.username FROM suggestion_models m "
        "LEFT JOIN users u ON u.id = m.created_by WHERE m.rules IS ? ORDER BY m.id DESC LIMIT 1",
        [rules.fingerprint if rules else None]).fetchone()
    if row is None:
        return None
    return {"version": row[0], "training_size": row[1], "metrics": json.loads(row[2]), "created_at": row[3],
            "created_by": row[4]}


def load(study: Study, version: str) -> Model | None:
    """A model stored in this study, by version (its bytes are read and parsed once per process)."""
    if not study.db.execute("SELECT 1 FROM suggestion_models WHERE version = ?", [version]).fetchone():
        return None
    with _lock:
        if version in _cache:
            return _cache[version]
    row = study.db.execute("SELECT model FROM suggestion_models WHERE version = ?", [version]).fetchone()
    return _remember(Model.from_bytes(row[0]))


def save(study: Study, model: Model, *, by: str | User, metrics: dict[str, Any] | None = None) -> None:
    """Store a trained model (and forget all but the newest few)."""
    with study.writing(by=by, action="suggestions.generate") as actor:
        study.db.execute("DELETE FROM suggestion_models WHERE version = ?", [model.version])
        study.db.table("suggestion_models").insert(
            {"version": model.version, "method": model.meta["settings"]["algorithm"], "rules": model.meta.get("rules"),
             "created_at": now(), "created_by": actor.id, "training_size": model.meta["training_size"],
             "metrics": json.dumps({**{k: model.meta[k] for k in ("labels", "positives", "seconds")},
                                    **(metrics or {})}, ensure_ascii=False),
             "model": model.to_bytes()})
        study.db.execute("DELETE FROM suggestion_models WHERE id NOT IN "
                         "(SELECT id FROM suggestion_models ORDER BY id DESC LIMIT ?)", [KEEP_MODELS])
        study.audit(actor, "train", "suggestion_model", model.version, {"training_size": model.meta["training_size"]})
    _remember(model)


def set_metrics(study: Study, version: str, metrics: dict[str, Any], *, by: str | User) -> None:
    """Attach evaluation figures to a stored model."""
    with study.writing(by=by, action="suggestions.generate") as actor:
        row = study.db.execute("SELECT metrics FROM suggestion_models WHERE version = ?", [version]).fetchone()
        if row:
            merged = {**json.loads(row[0]), **metrics}
            study.db.execute("UPDATE suggestion_models SET metrics = ? WHERE version = ?",
                             [json.dumps(merged, ensure_ascii=False), version])
            study.audit(actor, "set_metrics", "suggestion_model", version, {"keys": sorted(metrics)})


def ensure_model(study: Study, *, rules: RuleSet | None, by: str | User, policy: str = "auto",
                 progress: Callable[[float, str], None] | None = None) -> Model | None:
    """The model to suggest with, training one when the policy says so; None if there is too little data.

    Policies: 'never' (newest stored model or None), 'auto' (retrain when enough new codings arrived;
    only counts are read, so this is cheap), 'exact' (the model of exactly the current codings: loads
    it when cached, else trains), 'always' (train now).
    """
    by = study.actor(by, action="suggestions.generate")  # refuse before seconds of training, not after
    current = latest(study, rules=rules)
    if policy == "never" or (policy == "auto" and current and not _stale(study, current)):
        return load(study, current["version"]) if current else None
    coding_version = training_key(study)
    key = _key(coding_version, rules=rules)
    if policy == "exact":
        known = _by_key(study, key)   # the study's coding version is unchanged since this model was trained
        if known is not None:
            return known
    data = with_reference(cached_training_set(study, key=coding_version), study)
    if policy == "exact":
        cached = load(study, version_of(data, settings=SETTINGS, rules=rules))
        if cached is not None:
            set_metrics(study, cached.version, {"training_key": key}, by=by)
            return cached
    try:
        model = train(data, rules=rules, progress=progress)
    except InputError:
        if policy == "always":
            raise
        return load(study, current["version"]) if current else None
    save(study, model, by=by, metrics={"training_key": key})
    return model


def _key(coding_version: str, *, rules: RuleSet | None) -> str:
    """The coding version, the settings and the rules: what a model of exactly the current codings depends on."""
    return hashlib.sha256(json.dumps([coding_version, SETTINGS, rules.fingerprint if rules else None],
                                     sort_keys=True).encode()).hexdigest()[:24]


def _by_key(study: Study, key: str) -> Model | None:
    row = study.db.execute("SELECT version FROM suggestion_models WHERE json_extract(metrics, '$.training_key') = ? "
                           "ORDER BY id DESC LIMIT 1", [key]).fetchone()
    return load(study, row[0]) if row else None


def _stale(study: Study, current: dict[str, Any]) -> bool:
    grown = training_size(study) - current["training_size"]
    return grown >= max(RETRAIN_AFTER, RETRAIN_SHARE * current["training_size"])
