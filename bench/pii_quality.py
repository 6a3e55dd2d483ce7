"""Precision and recall of the PII recognisers per kind (`python -m bench pii`) on two hand-written sets:
bench/data/pii_labelled.jsonl (written while building the recognisers) and bench/data/pii_check.jsonl (harder
strings written after they were frozen, never used to tune them).

Scoring (see bench/data/PII_LABELLED_README.md): an expected item is found (true positive) when a finding of its
kind overlaps it; exact when the spans are equal. Every other finding is a false positive of its kind (on
negative strings, beside the expected item, or of the wrong kind).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.text.pii import detect

DATA_DIR = Path(__file__).resolve().parent / "data"
SETS = {"labelled": DATA_DIR / "pii_labelled.jsonl", "check": DATA_DIR / "pii_check.jsonl"}
RESULTS = Path(__file__).resolve().parent / "results.json"
TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"


def load(name: str = "labelled") -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The names list (first line) and the labelled strings of one set."""
    lines = [json.loads(line) for line in SETS[name].read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[0]["names"], lines[1:]


def score(names: dict[str, str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind (and per language): expected, true and false positives, exact spans, precision, recall."""
    tally: dict[str, Counter[str]] = {}
    for row in rows:
        text = row["text"]
        findings = detect(text, names=names)
        used: set[int] = set()
        for kind, value in row["expect"]:
            start = text.index(value)
            end = start + len(value)
            hit = next((i for i, f in enumerate(findings) if f.kind == kind and f.start < end and start < f.end), None)
            for key in (kind, f"{kind}:{row['lang']}"):
                counter = tally.setdefault(key, Counter())
                counter["expected"] += 1
                counter["tp" if hit is not None else "fn"] += 1
                counter["exact"] += int(hit is not None and (findings[hit].start, findings[hit].end) == (start, end))
            if hit is not None:
                used.add(hit)
        for i, finding in enumerate(findings):
            if i not in used:
                for key in (finding.kind, f"{finding.kind}:{row['lang']}"):
                    tally.setdefault(key, Counter())["fp"] += 1
    result = {}
    for key in sorted(tally, key=lambda k: (":" in k, k)):
        c = tally[key]
        found = c["tp"] + c["fp"]
        result[key] = {"expected": c["expected"], "tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "exact": c["exact"],
                       "precision": round(c["tp"] / found, 4) if found else None,
                       "recall": round(c["tp"] / c["expected"], 4) if c["expected"] else None}
    all_tp = sum(tally[k]["tp"] for k in tally if ":" not in k)
    all_fp = sum(tally[k]["fp"] for k in tally if ":" not in k)
    all_expected = sum(tally[k]["expected"] for k in tally if ":" not in k)
    result["all"] = {"expected": all_expected, "tp": all_tp, "fp": all_fp,
                     "precision": round(all_tp / (all_tp + all_fp), 4), "recall": round(all_tp / all_expected, 4)}
    return result


def cost(*, repeat: int = 3) -> dict[str, float]:
    """Seconds to screen the demo transcripts beside seconds to prepare them (read, turns, spaCy/jieba), best of runs."""
    from workbench.services.importing import prepare
    from workbench.services.pii_gate import Gate
    from workbench.text.readers import read_bytes

    files = [(p.name, p.read_bytes()) for p in sorted(TRANSCRIPTS.iterdir()) if p.suffix in (".txt", ".md", ".docx", ".vtt")]
    documents = [read_bytes(name, data) for name, data in files]
    prepare(*files[0])  # load the pipelines before timing
    screen = min(_timed(lambda: [Gate().findings(d) for d in documents]) for _ in range(repeat))
    segment = min(_timed(lambda: [prepare(name, data) for name, data in files]) for _ in range(repeat))
    chars = sum(len(d.text) for d in documents)
    print(f"screening {chars:,} characters of the demo transcripts: {screen:.3f} s; preparing them: {segment:.3f} s "
          f"(screening adds {screen / segment:.0%} to prepare)")
    return {"characters": chars, "screen_seconds": round(screen, 4), "prepare_seconds": round(segment, 4),
            "ratio": round(screen / segment, 4)}


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run(*, write: bool = True) -> dict[str, Any]:
    """Score both sets, time screening against preparing, and record it in bench/results.json under 'pii'."""
    recorded: dict[str, Any] = {}
    for name in SETS:
        print(f"-- {SETS[name].name}")
        recorded[name] = run_set(name)
    recorded["cost"] = cost()
    if write:
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results["pii"] = {**results.get("pii", {}), **recorded}  # keeps the recorded first blind run
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return recorded


def run_set(name: str) -> dict[str, Any]:
    """Score one set and print its table."""
    names, rows = load(name)
    started = time.perf_counter()
    figures = score(names, rows)
    elapsed = time.perf_counter() - started
    positives = sum(1 for r in rows if r["expect"])
    print(f"{len(rows)} strings ({positives} with an item, {len(rows) - positives} without); "
          f"{elapsed * 1000 / len(rows):.2f} ms per string")
    print(f"{'kind':<22}{'expected':>9}{'TP':>5}{'FP':>5}{'FN':>5}{'exact':>7}{'precision':>11}{'recall':>8}")
    for key, f in figures.items():
        label = key.replace(":", " (") + ")" if ":" in key else key
        precision = "-" if f["precision"] is None else f"{f['precision']:.3f}"
        recall = "-" if f["recall"] is None else f"{f['recall']:.3f}"
        print(f"{label[:21]:<22}{f['expected']:>9}{f['tp']:>5}{f['fp']:>5}{f.get('fn', f['expected'] - f['tp']):>5}"
              f"{f.get('exact', ''):>7}{precision:>11}{recall:>8}")
    return {"data": SETS[name].name, "strings": len(rows), "positive": positives, "negative": len(rows) - positives,
            "figures": figures}
