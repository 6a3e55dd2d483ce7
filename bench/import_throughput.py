"""Import throughput against the raw tokenizers on the same text (spaCy blank English; jieba for Chinese)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import jieba
import spacy
import yaml

from workbench.services.importing import prepare, store
from workbench.store.study import Study
from workbench.text.nlp import chinese, english
from workbench.text.readers import read_bytes

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
REPEAT = 3


def _demo_files() -> dict[str, list[tuple[str, bytes]]]:
    """The demo transcripts by language (mixed ones count as Chinese: they go through jieba)."""
    manifest = yaml.safe_load((TRANSCRIPTS / "manifest.yaml").read_text(encoding="utf-8"))
    files: dict[str, list[tuple[str, bytes]]] = {"en": [], "zh": []}
    for entry in manifest:
        lang = "en" if entry["language"] == "en" else "zh"
        files[lang].append((entry["file"], (TRANSCRIPTS / entry["file"]).read_bytes()))
    return files


def _import_seconds(blobs: list[tuple[str, bytes]]) -> float:
    """Best time to prepare and store the files into a fresh study (study creation not timed)."""
    best = float("inf")
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as tmp, Study.open(Path(tmp) / "bench.db", create=True) as study:
            start = time.perf_counter()
            for name, data in blobs:
                store(study, prepare(name, data), participant=None, by="system")
            best = min(best, time.perf_counter() - start)
    return best


def _raw_seconds(lang: str, texts: list[str]) -> tuple[float, int]:
    """Best time of the raw tokenizer alone over the same texts, and the token count."""
    if lang == "en":
        nlp = spacy.blank("en")
        tokenize = lambda t: list(nlp(t))  # noqa: E731
    else:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenize = lambda t: list(tokenizer.cut(t))  # noqa: E731
    best, tokens = float("inf"), 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        tokens = sum(len(tokenize(t)) for t in texts)
        best = min(best, time.perf_counter() - start)
    return best, tokens


def run() -> None:
    """Print tokens per second of the raw tokenizer and of the import, and import/raw as a ratio."""
    english(), chinese()  # pipelines load once per process, not per import
    for lang, blobs in _demo_files().items():
        texts = [read_bytes(name, data).text for name, data in blobs]
        raw, tokens = _raw_seconds(lang, texts)
        whole = _import_seconds(blobs)
        print(f"import {lang:<2}: {len(blobs)} files, {tokens:,} tokens | raw tokenizer {tokens / raw:,.0f} tok/s | "
              f"import (read, turns, sentences, words, SQLite) {tokens / whole:,.0f} tok/s | "
              f"ratio import/raw {raw / whole:.2f} (aim >= 0.5)")


if __name__ == "__main__":
    run()
