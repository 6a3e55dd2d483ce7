"""From a clicked chart mark (the fields of its point selection) to what lies behind it.

One function per chart, each `(study, point, *, filters) -> DataFrame`; the chart registry
(workbench.services.charts.registry) names which one a chart uses.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from workbench.services.analysis.base import Filters
from workbench.services.analysis.kwic import keyword_in_context
from workbench.services.analysis.quotes import quotes
from workbench.store.study import Study


def heatmap_quotes(study: Study, point: dict[str, Any], *, filters: Filters | None = None) -> pd.DataFrame:
    """Quotes of a theme (or code) that speak to a measure."""
    base = filters or Filters()
    return quotes(study, filters=replace(base, codes=(point["row_id"],), measures=(point["measure"],)))


def assessment_quotes(study: Study, point: dict[str, Any], *, filters: Filters | None = None) -> pd.DataFrame:
    """Quotes that speak to a measure with one assessment."""
    base = filters or Filters()
    return quotes(study, filters=replace(base, measures=(point["measure"],), assessments=(point["assessment"],)))


def frequency_quotes(study: Study, point: dict[str, Any], *, filters: Filters | None = None) -> pd.DataFrame:
    """Quotes of a code (or theme) from one participant group."""
    base = filters or Filters()
    return quotes(study, filters=replace(base, codes=(point["code"],), groups=(point["group"],)))


def cooccurrence_quotes(study: Study, point: dict[str, Any], *, filters: Filters | None = None) -> pd.DataFrame:
    """The passages of either code that overlap a same-coder passage of the other, in reading order."""
    base = filters or Filters()
    a, b = point["code_a"], point["code_b"]
    both = [quotes(study, filters=replace(base, codes=(x,)), cooccurring_with=y) for x, y in ((a, b), (b, a))]
    return pd.concat(both, ignore_index=True).sort_values(["transcript", "start"]).reset_index(drop=True)


def density_quotes(study: Study, point: dict[str, Any], *, filters: Filters | None = None) -> pd.DataFrame:
    """Quotes starting in one stretch of one transcript."""
    base = filters or Filters()
    return quotes(study, filters=replace(base, transcripts=(point["transcript"],)),
                  within=(int(point["bin_start"]), int(point["bin_end"])))


def word_lines(study: Study, point: dict[str, Any], *, filters: Filters | None = None) -> pd.DataFrame:
    """Keyword-in-context lines of a word inside the clicked code, theme or group (point: word, by, key)."""
    if point["by"] == "group":
        return keyword_in_context(study, point["word"], groups=(point["key"],))
    return keyword_in_context(study, point["word"], code=point["key"])
