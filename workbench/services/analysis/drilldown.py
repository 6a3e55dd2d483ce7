"""From a clicked chart mark (the fields of its point selection) to the quotes behind it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.services.analysis.base import Filters
from workbench.services.analysis.kwic import keyword_in_context
from workbench.services.analysis.quotes import quotes
from workbench.store.study import Study


def quotes_for_point(study: Study, chart: str, point: dict[str, Any], *,
                     filters: Filters | None = None) -> pd.DataFrame:
    """The quotes behind one mark of a chart (heatmap, assessment, frequency, cooccurrence, density, words).

    For 'words' the rows are keyword-in-context lines of the word inside the clicked code, theme or group.
    """
    base = filters or Filters()
    if chart == "heatmap":
        return quotes(study, filters=replace(base, codes=(point["row_id"],), measures=(point["measure"],)))
    if chart == "assessment":
        return quotes(study, filters=replace(base, measures=(point["measure"],), assessments=(point["assessment"],)))
    if chart == "frequency":
        return quotes(study, filters=replace(base, codes=(point["code"],), groups=(point["group"],)))
    if chart == "cooccurrence":
        a, b = point["code_a"], point["code_b"]
        both = [quotes(study, filters=replace(base, codes=(x,)), cooccurring_with=y) for x, y in ((a, b), (b, a))]
        return pd.concat(both, ignore_index=True).sort_values(["transcript", "start"]).reset_index(drop=True)
    if chart == "density":
        return quotes(study, filters=replace(base, transcripts=(point["transcript"],)),
                      within=(int(point["bin_start"]), int(point["bin_end"])))
    if chart == "words":
        key = next(k for k in point if k != "word")
        if key == "group":
            return keyword_in_context(study, point["word"], groups=(point[key],))
        return keyword_in_context(study, point["word"], code=point[key])
    raise InputError(f"no chart called {chart!r}")
