"""The real-text suggestion set (bench/data/suggest_real_{dev,test}.jsonl): loading, the dev/test split and scoring.

Definitions (see bench/data/SUGGEST_REAL_README.md):
- P@1: the first suggestion is one of the passage's gold or acceptable codes (no suggestion counts as wrong).
- recall@3: |gold ∩ top 3| / min(3, |gold|), averaged over passages (acceptable codes earn nothing here).
- Per code: recall@3 over the passages whose gold holds the code (is it in the top 3?), and precision@1 over
  the passages whose first suggestion is the code (is it gold or acceptable there?).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
PARTS = ("dev", "test")
# Each batch is split on its own (adding a batch never moves an earlier passage across the split).
BATCHES = ("suggest_real", "suggest_real2")


def path_of(part: str, *, batch: str = BATCHES[0]) -> Path:
    """The file of one part of one batch of the set."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    if batch not in BATCHES:
        raise ValueError(f"batch must be one of {BATCHES}, not {batch!r}")
    return DATA / f"{batch}_{part}.jsonl"


def load_batch(part: str, *, batch: str) -> list[dict[str, Any]]:
    """The passages of one part of one batch, in file order."""
    lines = path_of(part, batch=batch).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_real(part: str) -> list[dict[str, Any]]:
    """The passages of one part, every batch, in batch then file order."""
    return [row for batch in BATCHES for row in load_batch(part, batch=batch)]


def _rank_key(passage_id: str) -> str:
    return hashlib.sha256(passage_id.encode("utf-8")).hexdigest()


def split(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Deterministic split stratified by language: within each language, passages ordered by the SHA-256 of
    their id alternate dev, test, dev, … (so each language is halved, the odd one going to dev)."""
    parts: dict[str, list[dict[str, Any]]] = {part: [] for part in PARTS}
    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_language[row["lang"]].append(row)
    for language in sorted(by_language):
        for index, row in enumerate(sorted(by_language[language], key=lambda r: _rank_key(r["id"]))):
            parts[PARTS[index % 2]].append(row)
    for part in PARTS:
        parts[part].sort(key=lambda r: r["id"])
    return parts


def write_parts(rows: list[dict[str, Any]], *, batch: str) -> dict[str, int]:
    """Split one batch of passages and write its two files; returns how many went to each part."""
    parts = split(rows)
    for part, members in parts.items():
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in members)
        path_of(part, batch=batch).write_text(text, encoding="utf-8")
    return {part: len(members) for part, members in parts.items()}


REFERENCE = Path(__file__).resolve().parent.parent / "codebooks" / "justice_access.reference.jsonl"


def export_reference(path: Path = REFERENCE) -> int:
    """Write the dev part (every batch, never the test part) as the codebook's reference passages; returns how many."""
    rows = load_real("dev")
    path.write_text("".join(json.dumps({"id": r["id"], "lang": r["lang"], "text": r["text"], "codes": r["gold"],
                                        "source": r["source"]}, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return len(rows)


def score_real(ranked: list[list[str]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """recall@3 and P@1 overall and per language, and per code."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    recall_of: dict[str, list[float]] = defaultdict(list)
    precision_of: dict[str, list[float]] = defaultdict(list)
    for codes, row in zip(ranked, rows):
        gold, fine = set(row["gold"]), set(row["gold"]) | set(row.get("acceptable", []))
        value = (float(bool(codes) and codes[0] in fine), len(set(codes[:3]) & gold) / min(3, len(gold)))
        groups["all"].append(value)
        groups[row["lang"]].append(value)
        for code in gold:
            recall_of[code].append(float(code in codes[:3]))
        if codes:
            precision_of[codes[0]].append(float(codes[0] in fine))
    result: dict[str, Any] = {
        key: {"passages": len(values), "p_at_1": round(sum(v[0] for v in values) / len(values), 4),
              "recall_at_3": round(sum(v[1] for v in values) / len(values), 4)}
        for key, values in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0]))}
    result["per_code"] = {
        code: {"gold_passages": len(recall_of.get(code, [])),
               "recall_at_3": _mean(recall_of.get(code)), "top1_count": len(precision_of.get(code, [])),
               "precision_at_1": _mean(precision_of.get(code))}
        for code in sorted(set(recall_of) | set(precision_of))}
    return result


def _mean(values: list[float] | None) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="The real-text suggestion set")
    parser.add_argument("--export-reference", action="store_true",
                        help="write the dev part as codebooks/justice_access.reference.jsonl")
    if parser.parse_args().export_reference:
        print(f"{export_reference()} dev passages written to {REFERENCE}")
