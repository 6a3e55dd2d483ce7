"""Suggestion speed (issue 9): a 10,000-word transcript warm ≤ 1 s, 100,000 words ≤ 5 s, `workbench suggest
--study` on one line ≤ 2× the rules-only call; and training on about 1,000 codings (≤ 10 s).

Transcripts are synthetic interviews (bench/synthetic.py) imported into the demo study. "Warm" means the
pipelines are loaded and the learned model trained; the rules' per-sentence cache is emptied before each run,
so every sentence is scored again. Generation scores the words stored at import (nothing is analysed again)
and stores the suggestions. The command-line figures are medians of 3 fresh processes each, after one call that
trained and stored the model the --study call then finds by the study's coding version.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import record, table
from bench.synthetic import interview_words
from workbench.demo import CODEBOOK, TRANSCRIPTS, build_demo, reference_codings
from workbench.services.coding import add_coding, find_span
from workbench.services.importing import prepare, store
from workbench.services.suggest.models import ensure_model
from workbench.services.suggest.service import generate, study_rules
from workbench.services.suggest.trainer import train
from workbench.services.suggest.training import training_set
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study
from workbench.text.readers import read_bytes

SIZES = [("en", 10_000, 1.0), ("zh", 10_000, 1.0), ("en", 100_000, 5.0), ("zh", 100_000, 5.0)]
LINE = '{"id": 1, "text": "The agency kept my passport and I could not leave."}\n'


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


def _uncached(study: Study, tid: int, method: str) -> None:
    study_rules(study)._cache.clear()
    generate(study, tid, by="admin", method=method)


def _double_codings(study: Study) -> int:
    """Import a second copy of each demo transcript with the reference codings applied again (~1,000 codings)."""
    rows = reference_codings(TRANSCRIPTS / "reference_codings")
    for stem in sorted({r["transcript"] for r in rows}):
        source = next(TRANSCRIPTS.glob(f"{stem}.*"))
        document = read_bytes(source.name, source.read_bytes())
        copy = prepare(f"{stem}_copy.txt", (document.text + "\n\nNote: second copy for the benchmark\n").encode())
        tid = store(study, copy, participant=None, by="admin")
        text = transcript_text(study, tid)
        for row in (r for r in rows if r["transcript"] == stem):
            start, end = find_span(text, row["quote"], occurrence=int(row.get("occurrence", 1)))
            add_coding(study, transcript_id=tid, start=start, end=end, code_id=row["code"], by=row["coder"])
    return study.db.execute("SELECT count(*) FROM codings").fetchone()[0]


def _cli(study: Path, tmp: Path) -> dict[str, float]:
    """Median seconds of `workbench suggest` on one line: rules only, and with --study."""
    source = tmp / "one.jsonl"
    source.write_text(LINE, encoding="utf-8")
    workbench = str(Path(sys.executable).parent / "workbench")
    rules = [workbench, "suggest", "--codebook", str(CODEBOOK), "--input", str(source)]
    learned = rules + ["--study", str(study)]
    subprocess.run(learned, check=True, capture_output=True)   # trains and stores the model of these codings
    times: dict[str, list[float]] = {"rules": [], "study": []}
    for _ in range(3):
        for name, command in (("rules", rules), ("study", learned)):
            began = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) for name, values in times.items()}


def run() -> dict:
    """Print the figures (and what they include); record them."""
    figures: dict = {}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build_demo(path)
        with Study.open(path) as study:
            for language, words, aim in SIZES:
                text = interview_words(language, words=words)
                tid = store(study, prepare(f"long_{language}_{words}.txt", text.encode()), participant=None,
                            by="admin")
                counted = study.db.execute("SELECT sum(length(words) - length(replace(words, ' ', '')) + 1) FROM segments "
                                           "WHERE transcript_id = ? AND kind = 'sentence' AND words != ''",
                                           [tid]).fetchone()[0]
                for method in ("rules", "auto"):
                    generate(study, tid, by="admin", method=method)        # cold: pipelines, rules, model
                    warm = _best(lambda: _uncached(study, tid, method))  # noqa: B023
                    stored = study.db.execute("SELECT count(*) FROM suggestions WHERE transcript_id = ? AND "
                                              "status = 'open'", [tid]).fetchone()[0]
                    figures[f"{language}_{words}_{method}"] = {"words": counted, "seconds": round(warm, 3),
                                                               "suggestions": stored, "aim": aim}
                    rows.append([f"{language}, {counted:,} words", method, warm, stored, f"≤ {aim:g} s",
                                 "yes" if warm <= aim else "NO"])
            codings = _double_codings(study)
            rules = study_rules(study)
            began = time.perf_counter()
            data = training_set(study)
            gathered = time.perf_counter() - began
            seconds = _best(lambda: train(data, rules=rules), repeat=2)
            began = time.perf_counter()
            ensure_model(study, rules=rules, by="admin", policy="always")
            stored_seconds = time.perf_counter() - began
        cli = _cli(path, Path(tmp))
    print(table(["transcript", "method", "warm s", "suggestions stored", "aim", "within"], rows))
    ratio = cli["study"] / cli["rules"]
    print(f"workbench suggest, one line: rules only {cli['rules']:.2f} s, --study {cli['study']:.2f} s: "
          f"{ratio:.2f}× (aim ≤ 2×: {'yes' if ratio <= 2 else 'NO'}; medians of 3 fresh processes)")
    print(f"train on {codings:,} codings ({len(data.units):,} sentences): gather {gathered:.2f} s, train with "
          f"cross-validated calibration {seconds:.2f} s, gather + train + store {stored_seconds:.2f} s (aim ≤ 10 s)")
    figures.update({"cli_rules_s": round(cli["rules"], 3), "cli_study_s": round(cli["study"], 3),
                    "cli_ratio": round(ratio, 3), "train": {"codings": codings, "sentences": len(data.units),
                                                            "gather_s": round(gathered, 3), "train_s": round(seconds, 3),
                                                            "total_s": round(stored_seconds, 3)}})
    record("suggest_speed", figures)
    return figures


if __name__ == "__main__":
    run()
