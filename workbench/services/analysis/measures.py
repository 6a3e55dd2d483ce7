"""Themes (or codes) against a framework's measures, through the code → measure mapping (code_measures)."""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import (NO_ASSESSMENT, Filters, check_level, code_names, codings_sql, frame,
                                               groups_present)
from workbench.services.codebook import ASSESSMENTS
from workbench.store.study import Study

SPLITS = (*ASSESSMENTS, NO_ASSESSMENT)


def _cell_counts(groups: list[str]) -> tuple[str, list[str]]:
    """SELECT list counting distinct participants and codings per assessment and per group."""
    parts = ["count(DISTINCT pre.participant_id) AS participants", "sum(pre.n) AS codings",
             "count(DISTINCT pre.transcript_id) AS transcripts"]
    params: list[str] = []
    for value in SPLITS:
        parts.append(f"count(DISTINCT CASE WHEN pre.assessment = ? THEN pre.participant_id END) AS \"participants_{value}\"")
        parts.append(f"coalesce(sum(CASE WHEN pre.assessment = ? THEN pre.n END), 0) AS \"codings_{value}\"")
        params += [value, value]
    for group in groups:
        parts.append(f"count(DISTINCT CASE WHEN pre.grp = ? THEN pre.participant_id END) AS \"participants_{group}\"")
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
    base = codings_sql(filters, params, language=bool(filters and filters.needs_language()))
    key = "pre.theme" if level == "theme" else "pre.code_id"
    groups = groups_present(study)
    counts, count_params = _cell_counts(groups)
    fw = ""
    if framework:
        fw = "WHERE m.framework_id = ? "
    # Collapse the codings to distinct (code, transcript, assessment) first: the join with the mapping
    # then runs over thousands of rows, not millions.
    sql = (base + ", pre AS (SELECT b.code_id, b.theme, b.transcript_id, b.participant_id, b.grp, b.assessment, "
           "count(*) AS n FROM base b GROUP BY b.code_id, b.transcript_id, b.assessment) "
           f"SELECT {key} AS row_id, cm.measure_id AS measure, m.pillar, m.framework_id AS framework, "
           f"m.title_en AS measure_en, coalesce(nullif(m.title_zh, ''), m.title_en) AS measure_zh, "
           f"m.position AS measure_position, {counts} "
           "FROM pre JOIN code_measures cm ON cm.code_id = pre.code_id JOIN measures m ON m.id = cm.measure_id "
           f"{fw}GROUP BY 1, 2 ORDER BY m.position, 1")
    cells = frame(study, sql, params + count_params + ([framework] if framework else []))
    names = code_names(study).rename(columns={"code": "row_id", "name_en": "row_en", "name_zh": "row_zh"})
    cells = cells.merge(names[["row_id", "theme", "row_en", "row_zh", "position"]], on="row_id", how="left")
    cells = cells.sort_values(["position", "measure_position"], kind="stable").drop(columns=["position"])
    return cells.reset_index(drop=True)


def measure_summary(study: Study, *, framework: str | None = None, filters: Filters | None = None) -> pd.DataFrame:
    """Every measure of the catalogue (also those nobody spoke to) with participants per assessment."""
    params: list = []
    base = codings_sql(filters, params, language=bool(filters and filters.needs_language()))
    groups = groups_present(study)
    counts, count_params = _cell_counts(groups)
    sql = (base + ", pre AS (SELECT b.code_id, b.transcript_id, b.participant_id, b.grp, b.assessment, "
           "count(*) AS n FROM base b GROUP BY b.code_id, b.transcript_id, b.assessment), "
           "hits AS (SELECT cm.measure_id, pre.* FROM pre JOIN code_measures cm ON cm.code_id = pre.code_id) "
           f"SELECT m.id AS measure, m.framework_id AS framework, m.pillar, m.kind, m.title_en AS measure_en, "
           "coalesce(nullif(m.title_zh, ''), m.title_en) AS measure_zh, m.description_en, m.description_zh, "
           f"m.source, {counts} "
           "FROM measures m LEFT JOIN hits pre ON pre.measure_id = m.id "
           + ("WHERE m.framework_id = ? " if framework else "") + "GROUP BY m.id ORDER BY m.position, m.id")
    table = frame(study, sql, params + count_params + ([framework] if framework else []))
    numeric = [c for c in table.columns if c.startswith(("participants", "codings", "transcripts"))]
    table[numeric] = table[numeric].fillna(0).astype(int)
    return table


def measure_codes(study: Study) -> pd.DataFrame:
    """The code → measure mapping with names (which codes speak to each measure)."""
    return frame(study, "SELECT cm.measure_id AS measure, cm.code_id AS code, c.name_en, "
                        "coalesce(nullif(c.name_zh, ''), c.name_en) AS name_zh FROM code_measures cm "
                        "JOIN codes c ON c.id = cm.code_id WHERE c.status = 'active' ORDER BY cm.measure_id, c.position")


def measure_participants(study: Study, measure: str, *, filters: Filters | None = None) -> pd.DataFrame:
    """The participants whose codings speak to a measure: pseudonym, group, codings and assessments given."""
    params: list = []
    sql = (codings_sql(filters, params, language=bool(filters and filters.needs_language()))
           + " SELECT p.pseudonym AS participant, b.grp AS \"group\", count(*) AS codings, "
           "group_concat(DISTINCT b.assessment) AS assessments FROM base b "
           "JOIN code_measures cm ON cm.code_id = b.code_id AND cm.measure_id = ? "
           "JOIN participants p ON p.id = b.participant_id GROUP BY p.id ORDER BY b.grp DESC, p.pseudonym")
    return frame(study, sql, params + [measure])
