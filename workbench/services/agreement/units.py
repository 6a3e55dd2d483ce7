"""Units of agreement: what each coder said about each unit of text, per code.

A unit is a sentence segment of the study (the default) or a character. A coder's value for a code
on a unit is 1 when any of that coder's codings of that code overlaps the unit, else 0. Characters are
not stored one by one: the text is cut at every coding boundary and each piece is one unit weighted
by its length, which gives exactly the per-character figures at a fraction of the cost.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from workbench.errors import InputError
from workbench.store.study import Study

UNITS = ("segment", "character")


@dataclass(frozen=True)
class Span:
    """One coding reduced to what agreement needs: who (the rater), where, which code."""

    rater: str
    transcript_id: int
    start: int
    end: int
    code_id: str


@dataclass(frozen=True)
class UnitTable:
    """Every rater's value for every unit and code of the compared transcripts."""

    unit: str
    raters: list[str]
    codes: list[str]
    places: list[tuple[int, int, int]]  # (transcript id, start, end) of each unit
    weights: NDArray[np.float64]  # units (1 per sentence; the length of a stretch of characters)
    values: NDArray[np.bool_]  # shape (raters, units, codes)

    @property
    def touched(self) -> NDArray[np.bool_]:
        """Units some rater applied some code to (units no rater touched are False)."""
        return np.asarray(self.values.any(axis=(0, 2)), dtype=bool)


def check_unit(unit: str) -> str:
    """'segment' or 'character', else an InputError."""
    if unit not in UNITS:
        raise InputError(f"unit must be segment or character, not {unit!r}")
    return unit


def unit_table(study: Study, spans: Iterable[Span], *, raters: list[str], transcript_ids: list[int],
               unit: str = "segment", codes: list[str] | None = None) -> UnitTable:
    """The value table of the raters' spans over the transcripts' units (codes: those applied, in codebook order)."""
    check_unit(unit)
    by_transcript: dict[int, list[Span]] = {t: [] for t in transcript_ids}
    for span in spans:
        if span.transcript_id in by_transcript and span.rater in raters:
            by_transcript[span.transcript_id].append(span)
    if codes is None:
        used = {s.code_id for found in by_transcript.values() for s in found}
        codes = [c for c in _codebook_order(study) if c in used] + sorted(used - set(_codebook_order(study)))
    places: list[tuple[int, int, int]] = []
    cells: list[tuple[int, int, int]] = []  # (rater, unit, code) set to 1
    code_index = {c: i for i, c in enumerate(codes)}
    rater_index = {r: i for i, r in enumerate(raters)}
    lengths = _lengths(study, transcript_ids) if unit == "character" else {}
    sentences = _sentences(study, transcript_ids) if unit == "segment" else {}
    for tid in transcript_ids:
        found = [s for s in by_transcript[tid] if s.code_id in code_index]
        if unit == "segment":
            bounds = sentences.get(tid, [])
        else:
            cuts = sorted({0, lengths[tid], *(min(max(p, 0), lengths[tid]) for s in found for p in (s.start, s.end))})
            bounds = list(zip(cuts, cuts[1:]))
        starts, ends = [b[0] for b in bounds], [b[1] for b in bounds]
        offset = len(places)
        places.extend((tid, a, b) for a, b in bounds)
        for s in found:
            first, stop = bisect_right(ends, s.start), bisect_left(starts, s.end)
            cells.extend((rater_index[s.rater], offset + i, code_index[s.code_id]) for i in range(first, stop))
    values = np.zeros((len(raters), len(places), len(codes)), dtype=bool)
    if cells:
        r, u, c = np.array(cells).T
        values[r, u, c] = True
    weights = np.array([b - a if unit == "character" else 1 for _t, a, b in places], dtype=float)
    return UnitTable(unit=unit, raters=list(raters), codes=list(codes), places=places, weights=weights, values=values)


def _codebook_order(study: Study) -> list[str]:
    return [r[0] for r in study.db.execute("SELECT id FROM codes ORDER BY position, id").fetchall()]


def _sentences(study: Study, transcript_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    marks = ", ".join("?" * len(transcript_ids))
    for tid, start, end in study.db.execute(
            f'SELECT transcript_id, start, "end" FROM segments WHERE kind = \'sentence\' AND transcript_id IN ({marks}) '
            'AND "end" > start ORDER BY transcript_id, start', transcript_ids).fetchall():
        found.setdefault(tid, []).append((start, end))
    return found


def _lengths(study: Study, transcript_ids: list[int]) -> dict[int, int]:
    marks = ", ".join("?" * len(transcript_ids))
    return dict(study.db.execute(f"SELECT id, length(text) FROM transcripts WHERE id IN ({marks})",
                                 transcript_ids).fetchall())
