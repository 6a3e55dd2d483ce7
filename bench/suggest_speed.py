"""Suggestion speed: one 10,000-word transcript warm (target <= 1 s) and training on 1,000 codings (target <= 10 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from workbench.demo import TRANSCRIPTS, build_demo, reference_codings
from workbench.services.coding import add_coding, find_span
from workbench.services.importing import prepare, store
from workbench.services.suggest.models import ensure_model
from workbench.services.suggest.service import generate, study_rules
from workbench.services.suggest.trainer import train
from workbench.services.suggest.training import training_set
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study
from workbench.text.readers import read_bytes

WORDS = 10_000


def _long_transcript(study: Study, language: str) -> int:
    """A transcript of about WORDS words made by repeating the demo transcripts of one language (speed only)."""
    texts = [t for (t,) in study.db.execute("SELECT text FROM transcripts WHERE language = ?", [language]).fetchall()]
    per_word = 1.5 if language == "zh" else 1.0  # Chinese words average about 1.5 characters
    body, size = [], 0
    while size < WORDS:
        for text in texts:
            body.append(text)
            size += len(text) / per_word / (1 if language == "zh" else 5.5)
    prepared = prepare(f"long_{language}.txt", ("\n\n".join(body) + f"\n\nNote: {language} bench\n").encode())
    return store(study, prepared, participant=None, by="admin")


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


def _uncached(study: Study, tid: int, method: str) -> None:
    """Generate with pipelines, rules and model loaded but nothing about this text cached."""
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


def run() -> None:
    """Print the two figures (and what they include)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build_demo(path)
        with Study.open(path) as study:
            for language in ("en", "zh"):
                tid = _long_transcript(study, language)
                words = study.db.execute("SELECT sum(length(words) - length(replace(words, ' ', '')) + 1) "
                                         "FROM segments WHERE transcript_id = ? AND kind = 'sentence'",
                                         [tid]).fetchone()[0]
                for method in ("rules", "auto"):
                    generate(study, tid, by="admin", method=method)        # cold: pipelines, rules, model
                    warm = _best(lambda: _uncached(study, tid, method))  # noqa: B023
                    stored = study.db.execute("SELECT count(*) FROM suggestions WHERE transcript_id = ? AND "
                                              "status = 'open'", [tid]).fetchone()[0]
                    print(f"suggest {language} transcript, {words:,} words, method {method:<5}: {warm:.2f} s warm "
                          f"(target <= 1 s; analysis, scoring, storing {stored} suggestions)")
            codings = _double_codings(study)
            rules = study_rules(study)
            began = time.perf_counter()
            data = training_set(study)
            gathered = time.perf_counter() - began
            seconds = _best(lambda: train(data, rules=rules), repeat=2)
            began = time.perf_counter()
            ensure_model(study, rules=rules, by="admin", policy="always")
            stored = time.perf_counter() - began
            print(f"train on {codings:,} codings ({len(data.units):,} sentences): gather {gathered:.2f} s, "
                  f"train with cross-validated calibration {seconds:.2f} s, "
                  f"gather + train + store {stored:.2f} s (target <= 10 s)")


if __name__ == "__main__":
    run()
