"""workbench.services.analysis.cooccurrence: overlapping spans and the code × participant matrix."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from tests.services.analysis import expected
from workbench.services.analysis import code_cooccurrence, code_participant_matrix
from workbench.services.analysis.drilldown import cooccurrence_quotes
from workbench.services.coding import list_codings


def _expected_pairs(study, *, same_coder: bool) -> dict[tuple[str, str], int]:
    """Overlapping coding pairs counted in Python over every pair of codings of a transcript."""
    by_transcript = defaultdict(list)
    for coding in list_codings(study):
        by_transcript[coding["transcript_id"]].append(coding)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for codings in by_transcript.values():
        for a, b in combinations(codings, 2):
            if a["code_id"] == b["code_id"] or (same_coder and a["coder"] != b["coder"]):
                continue
            if a["start"] < b["end"] and b["start"] < a["end"]:
                pairs[tuple(sorted((a["code_id"], b["code_id"])))] += 1
    return dict(pairs)


def test_cooccurrence_counts_overlapping_pairs_of_the_same_coder(demo_study):
    table = code_cooccurrence(demo_study)
    got = {(r["code_a"], r["code_b"]): r["overlaps"] for r in table.to_dict("records")}
    assert got == _expected_pairs(demo_study, same_coder=True)
    assert set(table["overlap"]) == {"spans overlap (same coder)"}


def test_cooccurrence_across_coders_counts_more(demo_study):
    table = code_cooccurrence(demo_study, same_coder=False)
    got = {(r["code_a"], r["code_b"]): r["overlaps"] for r in table.to_dict("records")}
    assert got == _expected_pairs(demo_study, same_coder=False)
    assert table["overlaps"].sum() >= code_cooccurrence(demo_study)["overlaps"].sum()


def test_cooccurrence_cell_lists_both_codes_passages(demo_study):
    pair = code_cooccurrence(demo_study).iloc[0]
    rows = cooccurrence_quotes(demo_study, {"code_a": pair["code_a"], "code_b": pair["code_b"]})
    assert set(rows["code"]) == {pair["code_a"], pair["code_b"]}


def test_participant_matrix_long_and_wide(demo_study):
    long = code_participant_matrix(demo_study)
    got = {(r["code"], r["participant"]): r["codings"] for r in long.to_dict("records")}
    assert got == expected.participant_matrix()
    assert long["present"].all()
    wide = code_participant_matrix(demo_study, wide=True, level="theme").set_index("code")
    for (theme, person), count in expected.participant_matrix(key="theme").items():
        assert wide.at[theme, person] == count
    assert set(wide.columns) == {e["participant"] for e in expected.manifest().values()}
