"""bench/__main__.py and bench/results.py: every benchmark is listed and runnable by name; figures are merged."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

from bench import BENCHMARKS, results
from bench.synthetic import interview
from tests.helpers import REPO
from workbench.text.turns import split_turns


def test_help_lists_every_benchmark_and_an_unknown_name_is_refused():
    shown = subprocess.run([sys.executable, "-m", "bench", "--help"], capture_output=True, text=True, cwd=REPO, check=True)
    assert all(b.name in shown.stdout for b in BENCHMARKS)
    wrong = subprocess.run([sys.executable, "-m", "bench", "nope"], capture_output=True, text=True, cwd=REPO)
    assert wrong.returncode != 0 and "no benchmark nope" in wrong.stderr


def test_every_benchmark_names_a_function_that_exists():
    assert len({b.name for b in BENCHMARKS}) == len(BENCHMARKS)
    for benchmark in BENCHMARKS:
        module, function = benchmark.target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), benchmark.name


def test_record_keeps_the_other_benchmarks_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path / "results.json")
    results.record("a", {"x": 1})
    results.record("b", {"y": 2})
    results.record("a", {"x": 3})
    stored = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert stored["a"]["figures"] == {"x": 3} and stored["b"]["figures"] == {"y": 2}


def test_table_pads_columns():
    lines = results.table(["name", "ms"], [["search", 12.5], ["import", 1234.0]]).splitlines()
    assert lines[0].startswith("name") and len({len(line) for line in lines[1:]}) == 1   # numbers right-aligned


def test_synthetic_interviews_alternate_speakers_with_the_asked_size_or_turns():
    text = interview("en", turns=200)
    turns = split_turns(text).turns
    assert len(turns) == 200 and {t.speaker for t in turns} == {"Interviewer", "Participant"}
    assert 50_000 <= len(interview("zh", size=50_000).encode()) < 52_000
