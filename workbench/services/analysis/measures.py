"""Themes (or codes) against a framework's measures, through each coding's measure attributions.

A coding counts for a measure when its coder confirmed it, or, with `Filters.include_derived`, when nobody
decided on that coding's measures and its code's mapping names the measure (see services/attributions.py).
"""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import (
    NO_ASSESSMENT,
    NO_GROUP,
    Filters,
    check_level,
    code_names,
    codings_sql,
    frame,
    groups_present,
    where_clause,
)
from workbench.services.codes import TREE_CTE
from workbench.store.study import Study
from workbench.vocab import ASSESSMENTS

SPLITS = (*ASSESSMENTS.values, NO_ASSESSMENT)
_JOINS = ("JOIN tree ON tree.id = k.code_id JOIN transcripts t ON t.id = k.transcript_id "
          "LEFT JOIN participants p ON p.id = t.participant_id JOIN users u ON u.id = k.coder_id")
_ROW = f"k.code_id, tree.theme, k.transcript_id, t.participant_id, coalesce(p.participant_group, '{NO_GROUP}') AS grp"


def _in_measures(column: str, filters: Filters, params: list) -> str:
    if not filters.measures:
        return ""
    params.extend(filters.measures)
    return f" AND {column} IN ({', '.join('?' * len(filters.measures))})"


def attributions_sql(filters: Filters | None, params: list) -> str:
    """CTEs ending in `att`: attributed codings per code, transcript, assessment and measure (and finer).

    `att` has code_id, theme, transcript_id, participant_id, grp, assessment, measure and n (codings, > 0). It reads
    the trigger-kept summaries (attribution_tallies for confirmed; the undecided codings of coding_counts for
    derived) unless a filter needs the codings themselves, then counts the codings.
    """
    filters = filters or Filters()
    if not filters.summarised(by_measure=True):
        return _attributions_from_codings(filters, params)
    confirmed = (f"SELECT {_ROW}, k.assessment, k.measure_id AS measure, k.n FROM attribution_tallies k {_JOINS} "
                 f"WHERE {where_clause(filters, params, measures=False)}" + _in_measures("k.measure_id", filters, params))
    if not filters.include_derived:
        return f"WITH RECURSIVE {TREE_CTE}, att AS ({confirmed})"
    # Derived: the codings nobody decided on (n - decided), once for each measure of their code's mapping.
    derived = (f"SELECT {_ROW}, k.assessment, cm.measure_id, k.n - k.decided FROM coding_counts k "
               f"JOIN code_measures cm ON cm.code_id = k.code_id {_JOINS} WHERE k.n > k.decided AND "
               f"{where_clause(filters, params, measures=False)}" + _in_measures("cm.measure_id", filters, params))
    return f"WITH RECURSIVE {TREE_CTE}, att AS ({confirmed} UNION ALL {derived})"


def _attributions_from_codings(filters: Filters, params: list) -> str:
    sql = (codings_sql(filters, params) + ", att AS (SELECT b.code_id, b.theme, b.transcript_id, b.participant_id, "
           "b.grp, b.assessment, a.measure_id AS measure, count(*) AS n FROM base b JOIN coding_measures a "
           "ON a.coding_id = b.id AND a.status = 'confirmed'" + _in_measures("a.measure_id", filters, params)
           + " GROUP BY b.code_id, b.transcript_id, b.coder, b.assessment, a.measure_id")
    if filters.include_derived:
        sql += (" UNION ALL SELECT b.code_id, b.theme, b.transcript_id, b.participant_id, b.grp, b.assessment, "
                "cm.measure_id, count(*) FROM base b JOIN code_measures cm ON cm.code_id = b.code_id WHERE NOT EXISTS "
                "(SELECT 1 FROM coding_measures a WHERE a.coding_id = b.id)"
                + _in_measures("cm.measure_id", filters, params)
                + " GROUP BY b.code_id, b.transcript_id, b.coder, b.assessment, cm.measure_id")
    return sql + ")"


def _staged(filters: Filters | None, params: list, *, key: str) -> str:
    """CTEs ending in `cell`: one row per (row key, measure, transcript) with assessment flags and counts.

    Aggregating in stages (code × transcript × measure, then row key) keeps the distinct counts over a few
    thousand rows even for a million codings.
    """
    flags = ", ".join(f"max(assessment = '{a}') AS has_{a}, sum(CASE WHEN assessment = '{a}' THEN n ELSE 0 END) "
                      f"AS n_{a}" for a in SPLITS)
    carry = ", ".join(f"max(has_{a}) AS has_{a}, sum(n_{a}) AS n_{a}" for a in SPLITS)
    return (attributions_sql(filters, params)
            + f", l1 AS (SELECT code_id, theme, transcript_id, participant_id, grp, measure, sum(n) AS n, {flags} "
            "FROM att GROUP BY code_id, transcript_id, measure), "
            f"cell AS (SELECT {key} AS row_id, measure, transcript_id, participant_id, grp, sum(n) AS n, {carry} "
            "FROM l1 GROUP BY 1, 2, 3)")


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
                         filters: Filters | None = None, complete: bool = False) -> pd.DataFrame:
    """One row per (theme or code, measure) that attributed codings connect, with the measure's pillar.

    `participants` counts distinct participants with at least one coding of that theme/code attributed to the
    measure; `participants_<assessment>` those with at least one such coding of that assessment (a participant
    may count as both facilitator and barrier); `participants_<group>` splits by group. With `complete`, every
    theme (or code) × every measure, zeros included, so a chart shows what nobody spoke to.
    """
    check_level(level)
    params: list = []
    base = _staged(filters, params, key="theme" if level == "theme" else "code_id")
    counts, count_params = _cell_counts(groups_present(study))
    sql = (base + " SELECT cell.row_id, cell.measure, m.pillar, m.framework_id AS framework, m.title_en AS measure_en, "
           "coalesce(nullif(m.title_zh, ''), m.title_en) AS measure_zh, m.position AS measure_position, "
           f"{counts} FROM cell JOIN measures m ON m.id = cell.measure "
           + ("WHERE m.framework_id = ? " if framework else "") + "GROUP BY 1, 2 ORDER BY m.position, 1")
    cells = frame(study, sql, params + count_params + ([framework] if framework else []))
    names = code_names(study).rename(columns={"code": "row_id", "name_en": "row_en", "name_zh": "row_zh"})
    if complete:
        cells = _complete(study, cells, names, level=level, framework=framework, filters=filters)
    cells = cells.merge(names[["row_id", "theme", "row_en", "row_zh", "position"]], on="row_id", how="left")
    cells = cells.sort_values(["position", "measure_position"], kind="stable").drop(columns=["position"])
    return cells.reset_index(drop=True)


def _complete(study: Study, cells: pd.DataFrame, names: pd.DataFrame, *, level: str, framework: str | None,
              filters: Filters | None) -> pd.DataFrame:
    """Every row × every measure of the catalogue (restricted by the code and measure filters), zeros filled."""
    rows = names[names["parent"].isna()] if level == "theme" else names[names["parent"].notna()]
    if filters and filters.codes:
        rows = rows[rows["row_id"].isin(filters.codes) | rows["theme"].isin(filters.codes)]
    measures = frame(study, "SELECT id AS measure, pillar, framework_id AS framework, title_en AS measure_en, "
                            "coalesce(nullif(title_zh, ''), title_en) AS measure_zh, position AS measure_position "
                            "FROM measures" + (" WHERE framework_id = ?" if framework else ""),
                     [framework] if framework else [])
    if filters and filters.measures:
        measures = measures[measures["measure"].isin(filters.measures)]
    grid = rows[["row_id"]].merge(measures, how="cross")
    full = grid.merge(cells.drop(columns=[c for c in measures.columns if c != "measure"]), on=["row_id", "measure"],
                      how="left")
    numeric = [c for c in cells.columns if c.startswith(("participants", "codings", "transcripts"))]
    full[numeric] = full[numeric].fillna(0).astype(int)
    return full


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
    """The code → measure mapping with names (which codes speak to each measure by default)."""
    return frame(study, "SELECT cm.measure_id AS measure, cm.code_id AS code, c.name_en, "
                        "coalesce(nullif(c.name_zh, ''), c.name_en) AS name_zh FROM code_measures cm "
                        "JOIN codes c ON c.id = cm.code_id WHERE c.status = 'active' "
                        "ORDER BY cm.measure_id, c.position")


def measure_participants(study: Study, measure: str, *, filters: Filters | None = None) -> pd.DataFrame:
    """The participants whose codings speak to a measure: pseudonym, group, codings and assessments given."""
    params: list = []
    sql = (attributions_sql(filters, params)
           + " SELECT p.pseudonym AS participant, b.grp AS \"group\", sum(b.n) AS codings, "
           "group_concat(DISTINCT b.assessment) AS assessments FROM att b JOIN participants p ON p.id = b.participant_id "
           "WHERE b.measure = ? GROUP BY p.id ORDER BY b.grp DESC, p.pseudonym")
    return frame(study, sql, params + [measure])
