"""Quotes: the coded passages behind every figure, with pseudonym, group, transcript and turn."""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import LANGUAGE_SQL, Filters, codings_sql, frame
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
    """
    params: list = []
    base = codings_sql(filters, params, language=bool(filters and filters.needs_language()))
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
           f"k.\"end\", {LANGUAGE_SQL} AS language, group_concat(DISTINCT b.coder) AS coders, "
           "group_concat(DISTINCT b.assessment) AS assessments, group_concat(DISTINCT k.memo) AS memos, "
           "(SELECT group_concat(cm.measure_id, ' ') FROM code_measures cm WHERE cm.code_id = k.code_id) AS measures "
           "FROM base b JOIN codings k ON k.id = b.id JOIN codes c ON c.id = k.code_id "
           "JOIN codes th ON th.id = b.theme JOIN transcripts t ON t.id = k.transcript_id "
           f"LEFT JOIN participants p ON p.id = t.participant_id LEFT JOIN segments s ON s.id = {TURN_SQL} "
           + (f"WHERE {' AND '.join(conds)} " if conds else "")
           + f"GROUP BY {group} ORDER BY th.position, c.position, t.stem, k.start"
           + (" LIMIT ?" if limit else ""))
    return frame(study, sql, params + ([limit] if limit else []))
