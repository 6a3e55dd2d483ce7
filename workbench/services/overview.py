"""Study figures for the overview page (SQL aggregations)."""

from __future__ import annotations

from workbench.services.transcripts import rows_of as _rows
from workbench.store.study import Study


def participants_by_group(study: Study) -> dict[str, int]:
    """How many participants in each group."""
    return {r["participant_group"]: r["n"] for r in _rows(
        study, "SELECT participant_group, count(*) AS n FROM participants GROUP BY 1 ORDER BY 1")}


def codings_per_coder(study: Study) -> dict[str, int]:
    """How many codings each coder made."""
    return {r["username"]: r["n"] for r in _rows(
        study, "SELECT u.username, count(*) AS n FROM codings k JOIN users u ON u.id = k.coder_id GROUP BY 1 ORDER BY 1")}


def memo_counts(study: Study) -> dict[str, int]:
    """Memos written in the memos table (on the study, transcripts, codes, participants) and on codings."""
    return {r["kind"]: r["n"] for r in _rows(
        study, "SELECT 'memos' AS kind, count(*) AS n FROM memos UNION ALL SELECT 'coding_memos', count(*) "
               "FROM codings WHERE memo IS NOT NULL AND memo != ''")}
