"""Expected figures of the demo study, computed straight from the files (not through the workbench's SQL)."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
TRANSCRIPTS = REPO / "transcripts"


@lru_cache(maxsize=1)
def codings() -> list[dict]:
    """Every reference coding with participant and group from the manifest, and theme from the codebook."""
    people = manifest()
    rows = []
    for file in sorted((TRANSCRIPTS / "reference_codings").glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                who = people[row["transcript"]]
                rows.append({**row, "participant": who["participant"], "group": who["group"],
                             "theme": theme_of(row["code"]), "assessment": row.get("assessment") or "none"})
    return rows


@lru_cache(maxsize=1)
def manifest() -> dict[str, dict]:
    """Manifest entries by transcript stem."""
    entries = yaml.safe_load((TRANSCRIPTS / "manifest.yaml").read_text(encoding="utf-8"))
    return {Path(e["file"]).stem: e for e in entries}


@lru_cache(maxsize=1)
def codebook() -> dict[str, dict]:
    """Codes of the shipped codebook by id (parent, measures)."""
    book = yaml.safe_load((REPO / "codebooks" / "justice_access.yaml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in book["codes"]}


def theme_of(code: str) -> str:
    """The top-level ancestor of a code."""
    book = codebook()
    while book[code].get("parent"):
        code = book[code]["parent"]
    return code


def frequencies(*, key: str = "code", split: str | None = None) -> dict[tuple, dict[str, int]]:
    """{(code[, split value]): {codings, transcripts, participants}}."""
    cells: dict[tuple, dict[str, set | int]] = defaultdict(lambda: {"codings": 0, "transcripts": set(),
                                                                    "participants": set()})
    for row in codings():
        cell = cells[(row[key],) + ((row[split],) if split else ())]
        cell["codings"] += 1
        cell["transcripts"].add(row["transcript"])
        cell["participants"].add(row["participant"])
    return {k: {"codings": v["codings"], "transcripts": len(v["transcripts"]), "participants": len(v["participants"])}
            for k, v in cells.items()}


def measures_of(row: dict, *, include_derived: bool = False) -> list[str]:
    """The measures a reference coding counts for: those its coder confirmed (the row's "measures"), or, when
    the row has no decision and derived ones are included, its code's mapping in the codebook."""
    if "measures" in row:
        return list(row["measures"])
    return list(codebook()[row["code"]].get("measures", [])) if include_derived else []


def theme_measure(*, key: str = "theme", include_derived: bool = False) -> dict[tuple[str, str], dict[str, int]]:
    """{(theme or code, measure): {participants, participants_<assessment>, participants_<group>, codings}}."""
    cells: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    counts: dict[tuple, int] = defaultdict(int)
    for row in codings():
        for measure in measures_of(row, include_derived=include_derived):
            cell = cells[(row[key], measure)]
            cell["participants"].add(row["participant"])
            cell[f"participants_{row['assessment']}"].add(row["participant"])
            cell[f"participants_{row['group']}"].add(row["participant"])
            counts[(row[key], measure)] += 1
    return {k: {**{name: len(s) for name, s in v.items()}, "codings": counts[k]} for k, v in cells.items()}


def participant_matrix(*, key: str = "code") -> dict[tuple[str, str], int]:
    """{(code, participant): codings}."""
    result: dict[tuple[str, str], int] = defaultdict(int)
    for row in codings():
        result[(row[key], row["participant"])] += 1
    return dict(result)
