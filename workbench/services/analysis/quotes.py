"""Quotes: the coded passages behind every figure, with pseudonym, group, transcript and turn."""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import Filters, codings_sql, frame
from workbench.store.study import Study

TURN_SQL = ("(SELECT s2.id FROM segments s2 WHERE s2.transcript_id = k.transcript_id AND s2.kind = 'turn' "
            "AND s2.start <= k.start ORDER BY s2.start DESC LIMIT 1)")


def quotes(study: Study, *, filters: Filters | None = None, merge_coders: bool = True,
           within: tuple[int, int] | None = None, cooccurring_with: str | None = None,
           limit: int | None = None) -> pd.DataFrame:
    """Coded passages matching the filters, in codebook then reading order.

    With `merge_coders` a passage coded alike by several coders is one row (`coders`, `assessments`
    list them); `within` keeps codings starting in [start, end) of the filtered transcript(s);
    `cooccurring_with` keeps codings that overlap a same-coder coding of that code or theme.
    Measures (space-separated ids): `measures_confirmed` by a coder of the passage, `measures_derived` from the
    code's mapping where a coder of the passage has not decided, and `measures`, those counted under the filters.
    """
    params: list = []
    base = codings_sql(filters, params)
    conds = []
    if within is not None:
        conds.append("k.start >= ? AND k.start < ?")
        params += list(within)
    if cooccurring_with:
        conds.append("EXISTS (SELECT 1 FROM codings o JOIN tree ot ON ot.id = o.code_id WHERE o.transcript_id = "
                     "k.transcript_id AND o.start < k.\"end\" AND k.start < o.\"end\" AND o.coder_id = k.coder_id "
                     "AND o.id != k.id AND instr(ot.path, '>' || ? || '>') > 0)")
        params.append(cooccurring_with)
    group = 'k.code_id, k.transcript_id, k.start, k."end"' if merge_coders else "k.id"
    sql = (base + " SELECT min(k.id) AS id, b.theme, k.code_id AS code, c.name_en, "
           "coalesce(nullif(c.name_zh, ''), c.name_en) AS name_zh, th.name_en AS theme_en, "
           "coalesce(nullif(th.name_zh, ''), th.name_en) AS theme_zh, k.snippet, p.pseudonym AS participant, "
           "b.grp AS \"group\", t.stem AS transcript, k.transcript_id, s.seq + 1 AS turn, s.speaker, k.start, "
           "k.\"end\", k.language, group_concat(DISTINCT b.coder) AS coders, "
           "group_concat(DISTINCT b.assessment) AS assessments, group_concat(DISTINCT k.memo) AS memos, "
           "group_concat(k.id) AS coding_ids FROM base b JOIN codings k ON k.id = b.id JOIN codes c ON c.id = k.code_id "
           "JOIN codes th ON th.id = b.theme JOIN transcripts t ON t.id = k.transcript_id "
           f"LEFT JOIN participants p ON p.id = t.participant_id LEFT JOIN segments s ON s.id = {TURN_SQL} "
           + (f"WHERE {' AND '.join(conds)} " if conds else "")
           + f"GROUP BY {group} ORDER BY th.position, c.position, t.stem, k.start"
           + (" LIMIT ?" if limit else ""))
    table = frame(study, sql, params + ([limit] if limit else []))
    return _with_measures(study, table, include_derived=bool(filters and filters.include_derived))


def _with_measures(study: Study, table: pd.DataFrame, *, include_derived: bool) -> pd.DataFrame:
    """Add measures_confirmed, measures_derived and measures (what is counted) to quote rows with coding_ids."""
    ids = [int(i) for cell in table["coding_ids"] for i in str(cell).split(",")] if len(table) else []
    confirmed: dict[int, set[str]] = {}
    decided: dict[int, set[str]] = {}
    mapped: dict[int, set[str]] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        marks = ", ".join("?" * len(chunk))
        for coding, measure, status in study.db.execute(
                f"SELECT coding_id, measure_id, status FROM coding_measures WHERE coding_id IN ({marks})", chunk):
            decided.setdefault(coding, set()).add(measure)
            if status == "confirmed":
                confirmed.setdefault(coding, set()).add(measure)
        for coding, measure in study.db.execute(
                "SELECT k.id, cm.measure_id FROM codings k JOIN code_measures cm ON cm.code_id = k.code_id "
                f"WHERE k.id IN ({marks})", chunk):
            mapped.setdefault(coding, set()).add(measure)
    order = {m: i for i, (m,) in enumerate(study.db.execute("SELECT id FROM measures ORDER BY position, id"))}

    def joined(found: set[str]) -> str:
        return " ".join(sorted(found, key=lambda m: order.get(m, len(order))))

    sure, derived = [], []
    for cell in table["coding_ids"]:
        codings = [int(i) for i in str(cell).split(",")]
        yes = set().union(*(confirmed.get(c, set()) for c in codings))
        sure.append(yes)
        derived.append(set().union(*(mapped.get(c, set()) for c in codings if c not in decided)) - yes)
    return table.assign(measures_confirmed=[joined(x) for x in sure], measures_derived=[joined(x) for x in derived],
                        measures=[joined(x | y if include_derived else x) for x, y in zip(sure, derived)])
