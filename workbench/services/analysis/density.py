"""Coding density along each transcript: codings per stretch of text, by theme."""

from __future__ import annotations

import pandas as pd

from workbench.errors import InputError
from workbench.services.analysis.base import Filters, codings_sql, frame
from workbench.store.study import Study


def coding_density(study: Study, *, bins: int = 40, filters: Filters | None = None) -> pd.DataFrame:
    """Codings starting in each of `bins` equal stretches of every transcript, per theme.

    Columns: transcript, participant, bin (0-based), bin_start and bin_end (code-point offsets into the
    transcript), position (bin's middle as a share of the transcript, 0–1), theme, codings.
    """
    if bins < 1:
        raise InputError("bins must be at least 1")
    params: list = []
    sql = (codings_sql(filters, params)
           + ", sizes AS (SELECT id, length(text) AS n FROM transcripts) "
           "SELECT t.stem AS transcript, p.pseudonym AS participant, "
           "min(CAST(b.start * ? / sizes.n AS INTEGER), ? - 1) AS bin, sizes.n AS characters, b.theme, "
           "count(*) AS codings FROM base b JOIN sizes ON sizes.id = b.transcript_id "
           "JOIN transcripts t ON t.id = b.transcript_id LEFT JOIN participants p ON p.id = t.participant_id "
           "GROUP BY t.stem, 3, b.theme ORDER BY t.stem, 3")
    table = frame(study, sql, params + [bins, bins])
    # bin k holds starts with k <= start * bins / n < k + 1, i.e. ceil(k n / bins) <= start < ceil((k + 1) n / bins)
    table["bin_start"] = (-(-table["bin"] * table["characters"] // bins)).astype(int)
    table["bin_end"] = (-(-(table["bin"] + 1) * table["characters"] // bins)).astype(int)
    table["position"] = (table["bin"] + 0.5) / bins
    return table
