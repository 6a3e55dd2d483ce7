"""Co-occurrence of codes (overlapping spans) and the code × participant matrix."""

from __future__ import annotations

import pandas as pd

from workbench.services.analysis.base import Filters, check_level, code_names, codings_sql, frame
from workbench.store.study import Study


def code_cooccurrence(study: Study, *, level: str = "code", same_coder: bool = True,
                      filters: Filters | None = None) -> pd.DataFrame:
    """Pairs of codes (code_a < code_b) whose codings overlap in the same transcript.

    Co-occurrence means overlapping spans (a.start < b.end and b.start < a.end), not merely the same
    segment. With `same_coder` (the default) both codings must be by the same coder, so two coders
    disagreeing on one passage is not counted as co-occurrence. `overlaps` counts overlapping coding
    pairs; `transcripts` and `participants` count where they occur; `position_a`/`_b` give codebook order.
    """
    check_level(level)
    params: list = []
    key = "theme" if level == "theme" else "code_id"
    coder = "AND a.coder = b.coder " if same_coder else ""
    sql = (codings_sql(filters, params)
           + f" SELECT a.{key} AS code_a, b.{key} AS code_b, count(*) AS overlaps, "
           "count(DISTINCT a.transcript_id) AS transcripts, count(DISTINCT a.participant_id) AS participants "
           "FROM base a JOIN base b ON b.transcript_id = a.transcript_id AND b.start < a.\"end\" "
           f"AND a.start < b.\"end\" AND a.{key} < b.{key} {coder}GROUP BY 1, 2")
    pairs = frame(study, sql, params)
    names = code_names(study)[["code", "name_en", "name_zh", "position"]]
    for side in ("a", "b"):
        renamed = names.rename(columns={"code": f"code_{side}", "name_en": f"name_en_{side}",
                                        "name_zh": f"name_zh_{side}", "position": f"position_{side}"})
        pairs = pairs.merge(renamed, on=f"code_{side}", how="left")
    pairs["overlap"] = "spans overlap" + (" (same coder)" if same_coder else " (any coders)")
    return pairs.sort_values(["position_a", "position_b"]).reset_index(drop=True)


def code_participant_matrix(study: Study, *, level: str = "code", wide: bool = False,
                            filters: Filters | None = None) -> pd.DataFrame:
    """Codings per code (or theme) and participant; `present` says whether the participant has any.

    Long form: code, participant, group, codings, present. With `wide`, one row per code and one
    column per participant pseudonym holding the coding count (0 where absent).
    """
    check_level(level)
    params: list = []
    key = "b.theme" if level == "theme" else "b.code_id"
    sql = (codings_sql(filters, params)
           + f" SELECT {key} AS code, p.pseudonym AS participant, b.grp AS \"group\", count(*) AS codings "
           "FROM base b JOIN participants p ON p.id = b.participant_id GROUP BY 1, 2 ORDER BY 1, 2")
    long = frame(study, sql, params)
    long["present"] = long["codings"] > 0
    if not wide:
        return long
    order = code_names(study)["code"].tolist()
    table = long.pivot(index="code", columns="participant", values="codings").fillna(0).astype(int)
    table = table.reindex([c for c in order if c in table.index])
    return table.reset_index()
