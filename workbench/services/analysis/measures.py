"""Themes (or codes) against a framework's measures, through the code → measure mapping (code_measures)."""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import (
    NO_ASSESSMENT,
    Filters,
    check_level,
    code_names,
    counts_sql,
    frame,
    groups_present,
)
from workbench.services.codebook import ASSESSMENTS
from workbench.store.study import Study

SPLITS = (*ASSESSMENTS, NO_ASSESSMENT)


def _staged(filters: Filters | None, params: list, *, key: str) -> str:
    """CTEs ending in `cell`: one row per (row key, measure, transcript) with assessment flags and counts.

    Aggregating in stages (code × transcript, then × measure) keeps the distinct counts over a few
    thousand rows even for a million codings.
    """
    flags = ", ".join(f"max(assessment = '{a}') AS has_{a}, sum(CASE WHEN assessment = '{a}' THEN n ELSE 0 END) "
                      f"AS n_{a}" for a in SPLITS)
    carry = ", ".join(f"max(has_{a}) AS has_{a}, sum(n_{a}) AS n_{a}" for a in SPLITS)
    return (counts_sql(filters, params)
            + f", l1 AS (SELECT code_id, theme, transcript_id, participant_id, grp, sum(n) AS n, {flags} FROM pre "
            "GROUP BY code_id, transcript_id), "
            f"cell AS (SELECT {key} AS row_id, cm.measure_id AS measure, l1.transcript_id, l1.participant_id, "
            f"l1.grp, sum(l1.n) AS n, {carry} FROM l1 JOIN code_measures cm ON cm.code_id = l1.code_id "
            "GROUP BY 1, 2, 3)")


def _cell_counts(groups: list[str]) -> tuple[str, list[str]]:
    """SELECT list over `cell`: distinct participants and codings, per assessment and per group."""
    parts = ["count(DISTINCT cell.participant_id) AS participants", "coalesce(sum(cell.n), 0) AS codings",
             "count(cell.transcript_id) AS transcripts"]
    for value in SPLITS:
        parts.append(f"count(DISTINCT CASE WHEN cell.has_{value} THEN cell.participant_id END) "
                     f"AS \"participants_{value}\"")
        parts.append(f"coalesce(sum(cell.n_{value}), 0) AS \"codings_{value}\"")
    params: list[str] = []
    for group in groups:
        parts.append(f"count(DISTINCT CASE WHEN cell.grp = ? THEN cell.participant_id END) AS \"participants_{group}\"")
        params.append(group)
    return ", ".join(parts), params


def theme_measure_matrix(study: Study, *, level: str = "theme", framework: str | None = None,
                         filters: Filters | None = None) -> pd.DataFrame:
    """One row per (theme or code, measure) that codings connect, with the measure's pillar.

    `participants` counts distinct participants with at least one coding of that theme/code whose code
    speaks to the measure; `participants_<assessment>` counts those with at least one such coding of that
    assessment (a participant may count as both facilitator and barrier); `participants_<group>` splits by group.
    """
    check_level(level)
    params: list = []
    base = _staged(filters, params, key="l1.theme" if level == "theme" else "l1.code_id")
    counts, count_params = _cell_counts(groups_present(study))
    sql = (base + " SELECT cell.row_id, cell.measure, m.pillar, m.framework_id AS framework, m.title_en AS measure_en, "
           "coalesce(nullif(m.title_zh, ''), m.title_en) AS measure_zh, m.position AS measure_position, "
           f"{counts} FROM cell JOIN measures m ON m.id = cell.measure "
           + ("WHERE m.framework_id = ? " if framework else "") + "GROUP BY 1, 2 ORDER BY m.position, 1")
    cells = frame(study, sql, params + count_params + ([framework] if framework else []))
    names = code_names(study).rename(columns={"code": "row_id", "name_en": "row_en", "name_zh": "row_zh"})
    cells = cells.merge(names[["row_id", "theme", "row_en", "row_zh", "position"]], on="row_id", how="left")
    cells = cells.sort_values(["position", "measure_position"], kind="stable").drop(columns=["position"])
    return cells.reset_index(drop=True)


def measure_summary(study: Study, *, framework: str | None = None, filters: Filters | None = None) -> pd.DataFrame:
    """Every measure of the catalogue (also those nobody spoke to) with participants per assessment."""
    params: list = []
    base = _staged(filters, params, key="NULL")
    counts, count_params = _cell_counts(groups_present(study))
    sql = (base + " SELECT m.id AS measure, m.framework_id AS framework, m.pillar, m.kind, m.title_en AS measure_en, "
           "coalesce(nullif(m.title_zh, ''), m.title_en) AS measure_zh, m.description_en, m.description_zh, "
           f"m.source, {counts} FROM measures m LEFT JOIN cell ON cell.measure = m.id "
           + ("WHERE m.framework_id = ? " if framework else "") + "GROUP BY m.id ORDER BY m.position, m.id")
    table = frame(study, sql, params + count_params + ([framework] if framework else []))
    numeric = [c for c in table.columns if c.startswith(("participants", "codings", "transcripts"))]
    table[numeric] = table[numeric].fillna(0).astype(int)
    return table


def measure_codes(study: Study) -> pd.DataFrame:
    """The code → measure mapping with names (which codes speak to each measure)."""
    return frame(study, "SELECT cm.measure_id AS measure, cm.code_id AS code, c.name_en, "
                        "coalesce(nullif(c.name_zh, ''), c.name_en) AS name_zh FROM code_measures cm "
                        "JOIN codes c ON c.id = cm.code_id WHERE c.status = 'active' "
                        "ORDER BY cm.measure_id, c.position")


def measure_participants(study: Study, measure: str, *, filters: Filters | None = None) -> pd.DataFrame:
    """The participants whose codings speak to a measure: pseudonym, group, codings and assessments given."""
    params: list = []
    sql = (counts_sql(filters, params)
           + " SELECT p.pseudonym AS participant, b.grp AS \"group\", sum(b.n) AS codings, "
           "group_concat(DISTINCT b.assessment) AS assessments FROM pre b "
           "JOIN code_measures cm ON cm.code_id = b.code_id AND cm.measure_id = ? "
           "JOIN participants p ON p.id = b.participant_id GROUP BY p.id ORDER BY b.grp DESC, p.pseudonym")
    return frame(study, sql, params + [measure])
