"""bench/suggest_real.py: the real-text set is well formed and its dev/test files match the documented split."""

from __future__ import annotations

from bench.suggest_real import BATCHES, PARTS, load_batch, load_real, score_real, split
from tests.helpers import SHIPPED_CODEBOOK
from workbench.services.codebook import load_codebook


def test_files_hold_the_documented_split_and_valid_codes():
    rows = {part: load_real(part) for part in PARTS}
    everything = rows["dev"] + rows["test"]
    assert len(everything) >= 200 and sum(r["lang"] == "zh" for r in everything) >= 80
    assert len({r["id"] for r in everything}) == len(everything)
    for batch in BATCHES:   # each batch is split on its own, so a new batch moves no earlier passage
        parts = {part: load_batch(part, batch=batch) for part in PARTS}
        assert split(parts["dev"] + parts["test"]) == parts
    codes = {c.id for c in load_codebook(SHIPPED_CODEBOOK).codes}
    for row in everything:
        assert row["gold"] and set(row["gold"]) | set(row["acceptable"]) <= codes
        assert not set(row["gold"]) & set(row["acceptable"])
        assert {"title", "publisher", "year", "url"} <= set(row["source"])


def test_acceptable_codes_count_for_p_at_1_not_for_recall():
    rows = [{"lang": "en", "gold": ["a"], "acceptable": ["b"]}]
    figures = score_real([["b", "c"]], rows)
    assert figures["all"] == {"passages": 1, "p_at_1": 1.0, "recall_at_3": 0.0}
    assert figures["per_code"]["a"]["recall_at_3"] == 0.0 and figures["per_code"]["b"]["precision_at_1"] == 1.0
