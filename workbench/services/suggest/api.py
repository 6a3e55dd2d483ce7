"""Entry points the faces call: suggestions for loose texts, retraining with evaluation, the latest figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.errors import InputError
from workbench.services.suggest.combine import Suggestion, rank
from workbench.services.suggest.evaluate import evaluate
from workbench.services.suggest.methods import method as method_named
from workbench.services.suggest.models import ensure_model, latest, set_metrics
from workbench.services.suggest.rules import RuleSet
from workbench.services.suggest.service import study_rules
from workbench.services.suggest.units import units_from_texts
from workbench.store.study import SYSTEM_USER, Study, User

Progress = Callable[[float, str], None]


def suggest_texts(texts: list[str], *, rules: RuleSet | None, study: Study | None = None, method: str = "auto",
                  top: int = 5, by: str | User = SYSTEM_USER) -> list[list[Suggestion]]:
    """Ranked suggestions for each text (language detected per text), best first, at most `top`.

    Without a study only the rules are used. With one, the model of exactly the study's current codings
    is loaded from the study file, or trained and stored there first.
    """
    chosen = method_named(method)
    if top < 1:
        raise InputError("top must be at least 1")
    model = None
    if study is not None and chosen.uses_model:
        model = ensure_model(study, rules=rules, by=by, policy="exact")
    if not chosen.uses_rules and model is None:
        raise InputError("the learned method needs a study with enough codings (--study)")
    if not chosen.uses_model and rules is None:
        raise InputError("the rules method needs a codebook")
    return rank(units_from_texts(texts), rules=rules, model=model, method=method, top=top)


def _part(progress: Progress | None, low: float, high: float) -> Progress:
    """A progress callback mapped into [low, high] of the caller's bar."""
    return lambda fraction, message: progress(low + (high - low) * fraction, message) if progress else None


def retrain(study: Study, *, by: str | User, progress: Progress | None = None, with_evaluation: bool = True
            ) -> dict[str, Any]:
    """Train the learned model on the study's codings now, cross-validate it, store both; returns the figures."""
    actor = study.actor(by, action="suggestions.generate")
    rules = study_rules(study)
    model = ensure_model(study, rules=rules, by=actor, policy="always", progress=_part(progress, 0.0, 0.3))
    assert model is not None  # policy "always" raises rather than returning no model
    figures: dict[str, Any] = {}
    if with_evaluation:
        figures = evaluate(study, rules=rules, progress=_part(progress, 0.3, 1.0))
        set_metrics(study, model.version, {"evaluation": figures}, by=actor)
    if progress:
        progress(1.0, "done")
    return {"version": model.version, "training_size": model.meta["training_size"], "evaluation": figures}


def latest_quality(study: Study) -> dict[str, Any] | None:
    """The newest model's version, date, training size and stored cross-validated figures (None if untrained)."""
    return latest(study, rules=study_rules(study))


def evaluate_study(study: Study, *, rules: RuleSet | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Cross-validated figures with the study's own rules unless others are given (nothing is stored)."""
    return evaluate(study, rules=rules if rules is not None else study_rules(study), progress=progress)
