"""workbench.services.agreement.stats: percent, κ and α checked against the reference packages to 1e-9."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from workbench.services.agreement.stats import cohen_kappa, krippendorff_alpha, pairwise_kappa, percent_agreement

TOLERANCE = 1e-9


def reference_alpha(values: np.ndarray) -> float:
    return float(krippendorff.alpha(reliability_data=values.astype(float), level_of_measurement="nominal"))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("coders", [2, 3, 5])
def test_alpha_and_kappa_match_the_reference_packages(seed, coders):
    rng = np.random.default_rng(seed)
    base = rng.random(300) < rng.uniform(0.05, 0.6)
    flips = rng.random((coders, 300)) < rng.uniform(0.0, 0.3)
    values = base ^ flips
    assert krippendorff_alpha(values) == pytest.approx(reference_alpha(values), abs=TOLERANCE)
    assert cohen_kappa(values[0], values[1]) == pytest.approx(cohen_kappa_score(values[0], values[1]), abs=TOLERANCE)
    names = [f"c{i}" for i in range(coders)]
    pairs = pairwise_kappa(values, names)
    assert len(pairs) == coders * (coders - 1) // 2
    assert pairs[f"c0|c{coders - 1}"] == pytest.approx(cohen_kappa_score(values[0], values[-1]), abs=TOLERANCE)


@pytest.mark.parametrize("seed", range(6))
def test_weighted_units_equal_the_units_repeated(seed):
    """A stretch of n characters weighted n gives exactly the figures of n single characters."""
    rng = np.random.default_rng(100 + seed)
    values = rng.random((3, 40)) < 0.3
    weights = rng.integers(1, 30, size=40).astype(float)
    expanded = np.repeat(values, weights.astype(int), axis=1)
    assert krippendorff_alpha(values, weights) == pytest.approx(reference_alpha(expanded), abs=TOLERANCE)
    assert cohen_kappa(values[0], values[2], weights) == pytest.approx(
        cohen_kappa_score(expanded[0], expanded[2]), abs=TOLERANCE)
    same = np.all(expanded == expanded[0], axis=0).mean() * 100
    assert percent_agreement(values, weights) == pytest.approx(same, abs=TOLERANCE)


def test_percent_agreement_counts_units_where_every_coder_agrees():
    values = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 0, 1]], dtype=bool)
    assert percent_agreement(values) == 50.0


def test_perfect_agreement_is_one():
    values = np.array([[1, 0, 1, 0], [1, 0, 1, 0]], dtype=bool)
    assert krippendorff_alpha(values) == 1.0
    assert cohen_kappa(values[0], values[1]) == 1.0


def test_figures_without_variation_are_undefined_not_a_number():
    """Nobody applied the code anywhere: no chance correction is possible (the references give nan or raise)."""
    values = np.zeros((2, 10), dtype=bool)
    assert krippendorff_alpha(values) is None
    assert cohen_kappa(values[0], values[1]) is None
    assert percent_agreement(values) == 100.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(cohen_kappa_score(values[0], values[1]))


def test_no_units_gives_no_figures():
    values = np.zeros((2, 0), dtype=bool)
    assert percent_agreement(values) is None
    assert cohen_kappa(values[0], values[1]) is None
    assert krippendorff_alpha(values) is None
