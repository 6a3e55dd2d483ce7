"""Training the learned suggester with its calibration: out-of-fold decisions (folds grouped by transcript)
fit the Platt scaling and the rules+learned stacker; then the final model is fitted on everything."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.services.suggest.combine import features, fit_logistic
from workbench.services.suggest.learned import SETTINGS, Model, fit, label_set
from workbench.services.suggest.rules import RuleSet
from workbench.services.suggest.training import TrainingSet

Progress = Callable[[float, str], None]
MIN_CODED = 10     # coded sentences (besides the codebook's seed texts) needed to train


def folds(groups: list[int], *, k: int) -> list[tuple[list[int], list[int]]]:
    """Train/test index lists, whole transcripts per fold (by units when there is only one transcript).

    Units of a negative group (the codebook's seed texts) are always on the training side.
    """
    distinct = sorted(g for g in set(groups) if g >= 0)
    if len(distinct) >= 2:
        buckets = {g: i % min(k, len(distinct)) for i, g in enumerate(distinct)}
        keys = [buckets.get(g, -1) for g in groups]
    else:
        keys = [i % k if g >= 0 else -1 for i, g in enumerate(groups)]
    return [([i for i, key in enumerate(keys) if key != fold], [i for i, key in enumerate(keys) if key == fold])
            for fold in sorted(set(keys) - {-1})]


def version_of(data: TrainingSet, *, settings: dict[str, Any], rules: RuleSet | None) -> str:
    """The model version: a hash of the training data, the settings and the rules it is combined with."""
    h = hashlib.sha256(data.digest().encode())
    h.update(json.dumps(settings, sort_keys=True).encode())
    h.update((rules.fingerprint if rules else "-").encode())
    return h.hexdigest()[:16]


def train(data: TrainingSet, *, rules: RuleSet | None, settings: dict[str, Any] | None = None,
          progress: Progress | None = None) -> Model:
    """A calibrated model (InputError when there is too little to learn from)."""
    began = time.perf_counter()
    opts = {**SETTINGS, **(settings or {})}
    labels = label_set(data, min_positives=opts["min_positives"])
    coded = sum(1 for g, p in zip(data.groups, data.positives) if g >= 0 and p)
    if not labels or coded < MIN_CODED:
        raise InputError(f"too few codings to learn from yet ({coded} coded sentences; "
                         f"the learned suggester needs {MIN_CODED})")
    report = progress or (lambda _f, _m: None)
    splits = folds(data.groups, k=opts["folds"])
    oof = np.zeros((len(data.units), len(labels)), dtype=np.float32)
    for number, (train_idx, test_idx) in enumerate(splits):
        report(number / (len(splits) + 1), f"cross-validating (fold {number + 1} of {len(splits)})")
        part = fit(data.subset(train_idx), labels=labels, settings=opts)
        oof[test_idx] = part.decision([data.units[i] for i in test_idx])
    report(len(splits) / (len(splits) + 1), "fitting the final model")
    model = fit(data, labels=labels, settings=opts)
    scored = sorted(i for _train, test in splits for i in test)   # units with out-of-fold decisions
    y = np.array([[label in data.positives[i] for label in labels] for i in scored], dtype=np.int8)
    model.platt = tuple(fit_logistic(oof[scored].reshape(-1, 1).tolist(), y.reshape(-1).tolist()))  # type: ignore[assignment]
    if rules is not None:
        model.stack = _fit_stack(data, rules, labels, oof, scored)
    model.meta.update({"version": version_of(data, settings=opts, rules=rules), "labels": len(labels),
                       "training_size": data.size, "rules": rules.fingerprint if rules else None,
                       "positives": int(y.sum()), "seconds": round(time.perf_counter() - began, 2)})
    report(1.0, "trained")
    return model


def _fit_stack(data: TrainingSet, rules: RuleSet, labels: list[str], oof: np.ndarray, scored: list[int]) -> list[float]:
    """Fit the pooled stacker on out-of-fold learned decisions and rule hits of the sentences."""
    codes = sorted(set(labels) | set(rules.codes))
    rows, y = [], []
    for u in scored:
        for code, row in features(rules.score(data.units[u]), oof[u], labels, codes).items():
            rows.append(row)
            y.append(int(code in data.positives[u]))
    return fit_logistic(rows, y)
