"""Code frequencies counted three ways: codings, transcripts and participants."""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import (
    DIMENSIONS,
    Filters,
    check_dimension,
    check_level,
    code_names,
    counts_sql,
    frame,
)
from workbench.store.study import Study

COUNTS = ("codings", "transcripts", "participants")


def code_frequencies(study: Study, *, by: str | None = None, level: str = "code",
                     filters: Filters | None = None) -> pd.DataFrame:
    """Long table: one row per code (or theme) and value of `by`, with codings, transcripts, participants.

    `by` is group, language, coder or assessment (None: totals only). A participant is counted once per
    code however many of their transcripts or codings carry it; codings on a theme itself count for the theme.
    """
    check_level(level)
    check_dimension(by)
    params: list = []
    key = "b.theme" if level == "theme" else "b.code_id"
    split = f", b.{DIMENSIONS[by]} AS \"{by}\"" if by else ""
    group_by = "1, 2" if by else "1"
    sql = (counts_sql(filters, params) + f" SELECT {key} AS code{split}, sum(b.n) AS codings, count(DISTINCT b.transcript_id) AS "
           f"transcripts, count(DISTINCT b.participant_id) AS participants FROM pre b GROUP BY {group_by}")
    counts = frame(study, sql, params)
    names = code_names(study)
    if level == "theme":
        names = names[names["parent"].isna()]
    table = names[["code", "theme", "name_en", "name_zh"]].merge(counts, on="code", how="inner")
    return table.reset_index(drop=True)


def frequency_table(study: Study, *, split_by: str = "group", level: str = "code", filters: Filters | None = None,
                    include_zero: bool = False) -> pd.DataFrame:
    """Wide table: one row per code with codings, transcripts, participants and `<count>_<value>` splits."""
    totals = code_frequencies(study, level=level, filters=filters)
    long = code_frequencies(study, by=split_by, level=level, filters=filters)
    if not long.empty:
        wide = long.pivot(index="code", columns=split_by, values=list(COUNTS))
        wide.columns = [f"{count}_{value}" for count, value in wide.columns]
        wide = wide.fillna(0).astype(int).reset_index()
        totals = totals.merge(wide, on="code", how="left")
    if include_zero:
        names = code_names(study)
        if level == "theme":
            names = names[names["parent"].isna()]
        totals = names[["code", "theme", "name_en", "name_zh"]].merge(
            totals.drop(columns=["theme", "name_en", "name_zh"]), on="code", how="left")
    numeric = [c for c in totals.columns if c.split("_")[0] in COUNTS]
    totals[numeric] = totals[numeric].fillna(0).astype(int)
    return totals.reset_index(drop=True)
