"""Suggestion accountability: per code how suggestions fared, which model versions made them, and whether the
passages coded by accepting suggestions agree with the passages coded by hand on doubly coded transcripts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.services.agreement.stats import cohen_kappa
from workbench.services.agreement.units import Span, unit_table
from workbench.services.suggest.service import suggestion_counts
from workbench.store.schema import CONSENSUS_USER
from workbench.store.study import Study

SUGGESTED, HUMAN = "accepted suggestions", "human-only coding"


def doubly_coded(study: Study) -> list[int]:
    """Transcripts two or more coders marked done, by id."""
    return [r[0] for r in study.db.execute(
        "SELECT transcript_id FROM transcript_coders WHERE done_at IS NOT NULL GROUP BY transcript_id "
        "HAVING count(*) >= 2 ORDER BY transcript_id").fetchall()]


def suggestion_vs_human(study: Study) -> dict[str, dict[str, Any]]:
    """Per code: Cohen's κ between accepted-suggestion codings and hand-made codings (any coder), and its units.

    Units are the sentences of the doubly coded transcripts that either side coded with some code; a
    sentence is 'suggested' for a code when an accepted suggestion's coding of that code overlaps it, and
    'human' when a coding made without a suggestion does.
    """
    ids = doubly_coded(study)
    if not ids:
        return {}
    rows = study.db.execute(
        'SELECT k.origin, k.transcript_id, k.start, k."end", k.code_id FROM codings k JOIN users u ON u.id = k.coder_id '
        f"WHERE u.username != ? AND k.transcript_id IN ({', '.join('?' * len(ids))})", [CONSENSUS_USER, *ids]).fetchall()
    spans = [Span(SUGGESTED if origin == "suggestion" else HUMAN, tid, s, e, code) for origin, tid, s, e, code in rows]
    if not any(s.rater == SUGGESTED for s in spans):
        return {}
    table = unit_table(study, spans, raters=[SUGGESTED, HUMAN], transcript_ids=ids, unit="segment")
    touched = table.touched
    found = {}
    for index, code in enumerate(table.codes):
        column = table.values[:, touched, index]
        found[code] = {"kappa": cohen_kappa(column[0], column[1]), "units": int(touched.sum()),
                       "suggested_units": int(column[0].sum()), "human_units": int(column[1].sum())}
    return found


def model_versions(study: Study) -> dict[str, str]:
    """Per code, the model versions that made its suggestions with how many each ('rules:1a2b ×3, …')."""
    found: dict[str, list[str]] = {}
    for code, version, n in study.db.execute(
            "SELECT code_id, model_version, count(*) FROM suggestions GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2").fetchall():
        found.setdefault(code, []).append(f"{version} ×{n}")
    return {code: ", ".join(parts) for code, parts in found.items()}


def accountability(study: Study) -> pd.DataFrame:
    """Per code: suggested, accepted, rejected, accepted share, κ against hand coding (and units), model versions."""
    versions = model_versions(study)
    kappas = suggestion_vs_human(study)
    rows = []
    for r in suggestion_counts(study):
        k = kappas.get(r["code_id"], {})
        rows.append({"code": r["code_id"], "name": r["name_en"], "suggested": r["suggested"], "accepted": r["accepted"],
                     "rejected": r["rejected"], "open": r["open"], "accepted share": r["accept_rate"],
                     "kappa vs hand coding": k.get("kappa"), "units compared": k.get("units"),
                     "model versions": versions.get(r["code_id"], "")})
    return pd.DataFrame(rows)


def by_model(study: Study) -> pd.DataFrame:
    """Per model version: its method, how many suggestions it made, and how many were accepted and rejected."""
    rows = study.db.execute(
        "SELECT model_version, group_concat(DISTINCT method), count(*), sum(status = 'accepted'), "
        "sum(status = 'rejected'), min(created_at), max(created_at) FROM suggestions GROUP BY 1 ORDER BY 6").fetchall()
    frame = pd.DataFrame(rows, columns=["model version", "method", "suggested", "accepted", "rejected", "first",
                                        "last"])
    decided = frame["accepted"] + frame["rejected"]
    frame["accepted share"] = np.where(decided > 0, frame["accepted"] / decided.where(decided > 0, 1), np.nan)
    return frame
