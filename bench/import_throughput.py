"""Import time against the raw tokenizer on the same text, by size (issue 9: aim ≤ 1.5× at every size).

Texts: synthetic interviews (bench/synthetic.py) of 50 KB, 1 MB and 4 MB in English, 0.2 and 1.5 MB in
Traditional Chinese. Import = prepare (read, turns, languages, sentences, words) + store (rows and both search
indexes, into a fresh study file). References, measured in the same loop as the import (best of the repeats,
so every figure is warm: pipelines built, caches filled):
- joined: the raw tokenizer on the whole text at once (spaCy's blank English tokenizer; jieba's own tokenizer
  with its default dictionary),
- lines: the same tokenizer line by line (the importer tokenizes turn by turn, which is line by line here).
Both ratios are printed; the aim is checked on `lines`, the stricter one. The last column compares the first
import of a process (fresh pipelines and caches) with a fresh tokenizer on the joined text. Each step is timed in CPU seconds of
this process (steady on a shared machine) and in wall seconds (store waits for the disk too); the ratios use
wall time. `growth` is the import's CPU time growth over the size before, divided by the size's growth (1.00 =
linear). The last row imports 4 MB of English with the command line (a fresh process, cold caches) against a
fresh process that only tokenizes the same file with spaCy (wall seconds, and CPU seconds of the child).
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jieba
import spacy

from bench.results import record, table
from bench.synthetic import interview
from workbench.services.importing import prepare, store
from workbench.store.study import Study
from workbench.text import analysis, nlp
from workbench.text.nlp import english, segmenter

SIZES = [("en", 50_000), ("en", 1_000_000), ("en", 4_000_000), ("zh", 200_000), ("zh", 1_500_000)]
AIM = 1.5


def _repeats(size: int) -> int:
    return 5 if size < 500_000 else 2


def _raw(language: str) -> Callable[[str], int]:
    """The raw tokenizer: a function from text to its token count."""
    if language == "en":
        tokenizer = spacy.blank("en").tokenizer
        return lambda text: len(tokenizer(text))
    cutter = jieba.Tokenizer()
    cutter.initialize()
    return lambda text: sum(1 for _ in cutter.cut(text))


def _cold(language: str, text: str, data: bytes) -> dict[str, float]:
    """Wall and CPU seconds of a fresh tokenizer on the whole text, and of prepare with fresh pipelines and caches
    (what the first import in a process pays; the issue's own table measured this way). English only: jieba keeps
    no cache of words seen, so for Chinese cold and warm are the same."""
    if language != "en":
        return {}
    tokenizer = spacy.blank("en").tokenizer
    joined_wall, joined_cpu, _ = _timed(lambda: tokenizer(text))
    for cached in (nlp.english, nlp._lemma_table, analysis._english_lookups):
        cached.cache_clear()
    english()
    prepare_wall, prepare_cpu, _ = _timed(lambda: prepare("cold.txt", data))
    return {"joined_cold": joined_wall, "joined_cold_cpu": joined_cpu, "prepare_cold": prepare_wall,
            "prepare_cold_cpu": prepare_cpu}


def _timed(func: Callable[[], object]) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    value = func()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def _store_timed(prepared) -> tuple[float, float]:
    """Wall and CPU seconds of storing into a fresh study file (creating the file is not timed)."""
    with tempfile.TemporaryDirectory() as tmp, Study.open(Path(tmp) / "bench.db", create=True) as study:
        wall, cpu, _ = _timed(lambda: store(study, prepared, participant=None, by="system"))
    return wall, cpu


def measure(language: str, size: int) -> dict[str, float]:
    """Best-of-N wall and CPU seconds of each step, side by side (one round of every step per repeat)."""
    text = interview(language, size=size)
    data, lines, raw = text.encode(), text.split("\n"), _raw(language)
    best: dict[str, float] = {}
    tokens, prepared = 0, None
    steps: dict[str, Callable[[], object]] = {
        "joined": lambda: raw(text), "lines": lambda: sum(raw(line) for line in lines),
        "prepare": lambda: prepare(f"{language}_{size}.txt", data)}
    for _ in range(_repeats(size)):
        for name, step in steps.items():
            wall, cpu, value = _timed(step)
            best[name] = min(best.get(name, math.inf), wall)
            best[f"{name}_cpu"] = min(best.get(f"{name}_cpu", math.inf), cpu)
            tokens = value if name == "joined" else tokens
            prepared = value if name == "prepare" else prepared
        wall, cpu = _store_timed(prepared)
        best["store"], best["store_cpu"] = min(best.get("store", math.inf), wall), min(best.get("store_cpu", math.inf), cpu)
        for name, value in _cold(language, text, data).items():
            best[name] = min(best.get(name, math.inf), value)
    if "prepare_cold" in best:
        best["import_cold"] = best["prepare_cold"] + best["store"]
    return {**best, "import": best["prepare"] + best["store"], "import_cpu": best["prepare_cpu"] + best["store_cpu"],
            "bytes": len(data), "tokens": tokens, "turns": len(prepared.segments),
            "sentences": sum(len(s.sentences) for s in prepared.segments)}


def cli_import(size: int = 4_000_000) -> dict[str, float]:
    """`workbench import` of an English file (a fresh process) against tokenizing it in a fresh process."""
    workbench = str(Path(sys.executable).parent / "workbench")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "long_en.txt"
        source.write_text(interview("en", size=size), encoding="utf-8")
        tokenize = f"import spacy; spacy.blank('en').tokenizer(open({str(source)!r}, encoding='utf-8').read())"
        best: dict[str, float] = {}
        for attempt in range(2):
            study = Path(tmp) / f"cli{attempt}.db"
            subprocess.run([workbench, "init", str(study)], check=True, capture_output=True)
            for name, command in (("cli_import", [workbench, "import", str(study), str(source)]),
                                  ("cli_tokenize", [sys.executable, "-c", tokenize])):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                began = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                best[name] = min(best.get(name, math.inf), time.perf_counter() - began)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                best[f"{name}_cpu"] = min(best.get(f"{name}_cpu", math.inf), cpu)
    return best


def run() -> dict:
    """Print the table and record the figures."""
    english(), segmenter()   # pipelines load once per process, not per import
    rows, figures, previous = [], {}, {}
    for language, size in SIZES:
        found = measure(language, size)
        ratio = found["import"] / found["lines"]
        growth = "—"
        if language in previous:
            last_size, last_time = previous[language]
            growth = f"{found['import_cpu'] / last_time / (size / last_size):.2f}"
        previous[language] = (size, found["import_cpu"])
        figures[f"{language}_{size}"] = {**{k: round(v, 4) for k, v in found.items()}, "ratio_lines": round(ratio, 3),
                                         "ratio_joined": round(found["import"] / found["joined"], 3)}
        rows.append([f"{language} {size / 1e6:g} MB", found["tokens"], _pair(found, "joined"), _pair(found, "lines"),
                     _pair(found, "prepare"), _pair(found, "store"), _pair(found, "import"),
                     f"{found['import'] / found['joined']:.2f}×", f"{ratio:.2f}×",
                     f"{found['import_cpu'] / found['lines_cpu']:.2f}×", growth, "yes" if ratio <= AIM else "NO",
                     f"{found['import_cold'] / found['joined_cold']:.2f}×" if "import_cold" in found else "—"])
    cli = cli_import()
    figures["cli_en_4000000"] = {k: round(v, 3) for k, v in cli.items()}
    rows.append(["en 4 MB, CLI (cold)", "", _pair(cli, "cli_tokenize"), "", "", "", _pair(cli, "cli_import"),
                 f"{cli['cli_import'] / cli['cli_tokenize']:.2f}×", "", "", "", "", ""])
    print(table(["text", "tokens", "raw joined s", "raw lines s", "prepare s", "store s", "import s",
                 "import/joined", "import/lines", "(CPU)", "growth", f"≤ {AIM}× lines", "cold: import/joined"], rows))
    print("seconds as wall / CPU, best of repeats (warm); ratios on wall time, (CPU) on CPU time; growth (of CPU "
          "time, per size step) 1.00 = linear; cold = fresh pipelines and caches on both sides (a process's first import)")
    record("import", figures)
    return figures


def _pair(found: dict[str, float], name: str) -> str:
    return f"{found[name]:.3f} / {found[name + '_cpu']:.3f}"


if __name__ == "__main__":
    run()
