"""Benchmarks: each prints a table of figures measured side by side in one run and records them in
bench/results.json; tests never assert timings.

`python -m bench` runs them all (what `make bench` does), `python -m bench NAME …` runs some, and
`python -m bench --help` lists them. A benchmark is one entry of BENCHMARKS: a name, what it measures, and the
function that runs it ("module:function", imported only when it runs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    """One benchmark `python -m bench` can run."""

    name: str
    measures: str
    target: str   # "bench.module:function"


BENCHMARKS = [
    Benchmark("segmentation", "Chinese word segmentation F1 against the hand-made Hong Kong gold set",
              "bench.segmentation_f1:main"),
    Benchmark("docx", "the streaming .docx reader against python-docx (seconds, peak Python memory), bombs included",
              "bench.docx_reader:run"),
    Benchmark("import", "import time against the raw tokenizer, 50 KB to 4 MB English and 0.2 / 1.5 MB Chinese, "
              "and a 4 MB import from the command line", "bench.import_throughput:run"),
    Benchmark("pages", "coding page rerun (AppTest): demo, and a 10,000-turn transcript with 9,000 open suggestions "
              "in a study 50 times the demo", "bench.page_rerun:run"),
    Benchmark("code-search", "the code picker's ranking: top-1 on typed queries, time per query",
              "bench.code_search:run"),
    Benchmark("search", "search on a study holding a 4 MB transcript (median of the queries)", "bench.search_speed:run"),
    Benchmark("analysis", "theme × measure and searches on a synthetic study of 1,000 transcripts and "
              "1,000,000 codings", "bench.analysis_speed:run"),
    Benchmark("suggest-speed", "suggestions for 10,000- and 100,000-word transcripts, `workbench suggest --study` "
              "against the rules-only call, training on 1,000 codings", "bench.suggest_speed:run"),
    Benchmark("suggest-quality", "suggestion recall@3 and P@1 on bench/data/suggest_dev.jsonl", "bench.suggest_quality:run"),
    Benchmark("suggest-real", "suggestion recall@3 and P@1 on real public text (bench/data/suggest_real_*.jsonl)",
              "bench.suggest_quality:run_real"),
    Benchmark("pii", "PII recognisers: precision and recall per kind on bench/data/pii_labelled.jsonl and the check set",
              "bench.pii_quality:run"),
]
