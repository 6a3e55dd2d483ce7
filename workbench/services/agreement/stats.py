"""Agreement statistics on binary unit values: percent agreement, Cohen's κ, Krippendorff's α (nominal).

Values are arrays of shape (coders, units) holding 0 or 1, every coder valuing every unit (agreement
only compares transcripts all compared coders marked done, so nothing is missing). `weights` gives each
unit a weight (a stretch of n characters counts as n units); omitted, every unit weighs 1. Undefined
figures (a coefficient whose expected disagreement is zero: every value the same) are None.
Checked against the `krippendorff` package and scikit-learn's `cohen_kappa_score` in the tests.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from numpy.typing import NDArray

Values = NDArray[np.bool_]


def _weights(values: Values, weights: NDArray[np.float64] | None) -> NDArray[np.float64]:
    return np.ones(values.shape[1]) if weights is None else np.asarray(weights, dtype=float)


def percent_agreement(values: Values, weights: NDArray[np.float64] | None = None) -> float | None:
    """Share (0–100) of units on which every coder gave the same value."""
    w = _weights(values, weights)
    total = w.sum()
    if total == 0:
        return None
    same = np.all(values == values[0], axis=0)
    return float(100.0 * (w * same).sum() / total)


def cohen_kappa(a: Values, b: Values, weights: NDArray[np.float64] | None = None) -> float | None:
    """Cohen's κ of two coders' binary values: (observed − expected agreement) / (1 − expected)."""
    w = np.ones(len(a)) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    if total == 0:
        return None
    observed = (w * (a == b)).sum() / total
    pa, pb = (w * a).sum() / total, (w * b).sum() / total
    expected = pa * pb + (1 - pa) * (1 - pb)
    if np.isclose(expected, 1.0, rtol=0, atol=1e-15):
        return None
    return float((observed - expected) / (1 - expected))


def krippendorff_alpha(values: Values, weights: NDArray[np.float64] | None = None) -> float | None:
    """Krippendorff's α for nominal data, two or more coders, no missing values.

    With m coders and s_u ones on unit u, the observed disagreement is Σ s_u(m − s_u)/(m − 1) and the
    expected one n₁n₀/(n − 1) over the n = m·N pairable values, so α = 1 − (n − 1)·Σ s_u(m − s_u) / ((m − 1)·n₁·n₀).
    """
    m = values.shape[0]
    if m < 2:
        return None
    w = _weights(values, weights)
    ones = values.sum(axis=0).astype(float)
    n = m * w.sum()
    n1 = (w * ones).sum()
    n0 = n - n1
    if n1 == 0 or n0 == 0 or n <= 1:
        return None
    observed = (w * ones * (m - ones)).sum() / (m - 1)
    return float(1.0 - (n - 1) * observed / (n1 * n0))


def pairwise_kappa(values: Values, coders: list[str], weights: NDArray[np.float64] | None = None
                   ) -> dict[str, float | None]:
    """Cohen's κ for every pair of coders, keyed 'A|B' in the coders' order."""
    return {f"{coders[i]}|{coders[j]}": cohen_kappa(values[i], values[j], weights)
            for i, j in combinations(range(len(coders)), 2)}
