"""Inter-coder agreement of a study: per code and overall, on the transcripts every compared coder marked done.

Figures come twice: over the units some compared coder coded (the default: text nobody coded, such as
greetings and questions, would otherwise inflate agreement) and over every unit (`with_uncoded`).
Overall figures pool every (unit, code) decision of the codes any compared coder applied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from workbench.errors import InputError
from workbench.services.agreement.assignments import coders_done, done_by_all
from workbench.services.agreement.stats import krippendorff_alpha, pairwise_kappa, percent_agreement
from workbench.services.agreement.units import Span, UnitTable, check_unit, unit_table
from workbench.store.study import Study


@dataclass(frozen=True)
class Figures:
    """Percent agreement (0–100), Krippendorff's α, Cohen's κ per coder pair, and the units they rest on."""

    percent: float | None
    alpha: float | None
    kappa: dict[str, float | None]
    units: float  # sentences, or characters at character level

    def as_json(self) -> dict[str, Any]:
        """The JSON form: kappa is one number for two coders, a map 'A|B' → κ for more."""
        kappa: Any = next(iter(self.kappa.values())) if len(self.kappa) == 1 else dict(self.kappa)
        return {"percent": self.percent, "alpha": self.alpha, "kappa": kappa, "units": int(self.units)}


@dataclass(frozen=True)
class CodeAgreement:
    """One code's figures, and on how many units each coder applied it."""

    code: str
    name_en: str
    name_zh: str
    coded: Figures  # over units some coder coded (the default)
    all_units: Figures  # over every unit
    applied: dict[str, int]


@dataclass(frozen=True)
class Agreement:
    """The agreement of some coders on some transcripts at one unit."""

    unit: str
    coders: list[str]
    transcripts: list[str]
    overall: Figures
    overall_all_units: Figures
    codes: list[CodeAgreement]

    def as_json(self) -> dict[str, Any]:
        """The published JSON: `overall` and `codes` (by code id), each with percent, alpha, kappa, units."""
        return {"unit": self.unit, "coders": self.coders, "transcripts": self.transcripts,
                "units_counted": "coded units (units no compared coder coded are left out; see with_uncoded)",
                "overall": {**self.overall.as_json(), "with_uncoded": self.overall_all_units.as_json()},
                "codes": {c.code: {**c.coded.as_json(), "name": c.name_en, "applied": c.applied,
                                   "with_uncoded": c.all_units.as_json()} for c in self.codes}}


def figures(values: NDArray[np.bool_], weights: NDArray[np.float64], coders: list[str]) -> Figures:
    """The three statistics of a (coders, units) value array."""
    return Figures(percent=percent_agreement(values, weights), alpha=krippendorff_alpha(values, weights),
                   kappa=pairwise_kappa(values, coders, weights), units=float(weights.sum()))


def table_figures(table: UnitTable) -> tuple[Figures, Figures, list[tuple[str, Figures, Figures, dict[str, int]]]]:
    """Overall (coded units, all units) and per-code figures of a value table."""
    touched = table.touched
    raters, values, weights = table.raters, table.values, table.weights

    def pooled(mask: NDArray[np.bool_]) -> Figures:
        chosen = values[:, mask, :]  # pool every (unit, code) decision; the units stay the units
        pooled = figures(chosen.reshape(len(raters), -1), np.repeat(weights[mask], len(table.codes)), raters)
        return replace(pooled, units=float(weights[mask].sum()))

    per_code = []
    for index, code in enumerate(table.codes):
        column = values[:, :, index]
        applied = {r: int((weights * column[i]).sum()) for i, r in enumerate(raters)}
        per_code.append((code, figures(column[:, touched], weights[touched], raters),
                         figures(column, weights, raters), applied))
    return pooled(touched), pooled(np.ones(len(weights), dtype=bool)), per_code


def coding_spans(study: Study, *, coders: list[str], transcript_ids: list[int]) -> list[Span]:
    """Every coding of the coders on the transcripts, as spans rated by their coder."""
    if not coders or not transcript_ids:
        return []
    params = [*coders, *transcript_ids]
    rows = study.db.execute(
        'SELECT u.username, k.transcript_id, k.start, k."end", k.code_id FROM codings k JOIN users u '
        f"ON u.id = k.coder_id WHERE u.username IN ({', '.join('?' * len(coders))}) "
        f"AND k.transcript_id IN ({', '.join('?' * len(transcript_ids))})", params).fetchall()
    return [Span(*r) for r in rows]


def compared(study: Study, *, coders: list[str] | None = None, transcripts: list[str] | None = None
             ) -> tuple[list[str], list[tuple[int, str]]]:
    """The coders compared (default: all who marked something done) and the transcripts all of them marked done."""
    chosen = list(dict.fromkeys(coders)) if coders else coders_done(study)
    for username in chosen:
        study.user(username)  # NotFoundError names an unknown coder
    if len(chosen) < 2:
        raise InputError("agreement needs two or more coders who marked transcripts done "
                         f"(found: {', '.join(chosen) or 'none'}); mark one with: workbench done STUDY "
                         "--transcript T --as USER")
    done = done_by_all(study, chosen)
    if transcripts:
        wanted = set(transcripts)
        done = [d for d in done if d[1] in wanted or str(d[0]) in wanted]
    if not done:
        raise InputError(f"no transcript{' of those chosen' if transcripts else ''} has been marked done by all of "
                         f"{', '.join(chosen)}; agreement compares only finished transcripts")
    return chosen, done


def agreement(study: Study, *, coders: list[str] | None = None, unit: str = "segment",
              transcripts: list[str] | None = None) -> Agreement:
    """Agreement of the coders on the transcripts they all marked done (optionally only some, by stem)."""
    check_unit(unit)
    chosen, done = compared(study, coders=coders, transcripts=transcripts)
    ids = [d[0] for d in done]
    table = unit_table(study, coding_spans(study, coders=chosen, transcript_ids=ids), raters=chosen,
                       transcript_ids=ids, unit=unit)
    overall, overall_all, per_code = table_figures(table)
    names = {r[0]: (r[1], r[2] or r[1]) for r in study.db.execute("SELECT id, name_en, name_zh FROM codes").fetchall()}
    codes = [CodeAgreement(code, *names.get(code, (code, code)), coded, every, applied)
             for code, coded, every, applied in per_code]
    return Agreement(unit=unit, coders=chosen, transcripts=[d[1] for d in done], overall=overall,
                     overall_all_units=overall_all, codes=codes)


def agreement_table(result: Agreement) -> pd.DataFrame:
    """One row per code (first 'overall'): units, percent, α and κ per pair, over coded units and all units."""
    rows = []
    entries: list[tuple[str, str, str, Figures, Figures, dict[str, int]]] = [
        ("overall", "All codes (pooled)", "所有編碼（合併）", result.overall, result.overall_all_units, {})]
    entries += [(c.code, c.name_en, c.name_zh, c.coded, c.all_units, c.applied) for c in result.codes]
    for code, name, name_zh, coded, every, applied in entries:
        row: dict[str, Any] = {"code": code, "name": name, "name_zh": name_zh, "unit": result.unit,
                               "units": int(coded.units),
                               "percent": coded.percent, "alpha": coded.alpha}
        row.update({f"kappa {pair}": value for pair, value in coded.kappa.items()})
        row.update({"units (with uncoded)": int(every.units), "percent (with uncoded)": every.percent,
                    "alpha (with uncoded)": every.alpha})
        row.update({f"kappa {pair} (with uncoded)": value for pair, value in every.kappa.items()})
        row.update({f"applied by {coder}": n for coder, n in applied.items()})
        rows.append(row)
    return pd.DataFrame(rows)
