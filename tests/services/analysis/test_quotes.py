"""workbench.services.analysis.quotes, density and drill-down from chart marks."""

from __future__ import annotations

import pytest

from tests.services.analysis import expected
from workbench.errors import InputError
from workbench.services.analysis import Filters, coding_density, quotes, quotes_for_point


def test_quotes_carry_pseudonym_group_transcript_and_turn(demo_study):
    table = quotes(demo_study, filters=Filters(codes=("exploitation/document_retention",)))
    want = {(r["transcript"], r["quote"]) for r in expected.codings() if r["code"] == "exploitation/document_retention"}
    assert len(table) == len(want)
    people = expected.manifest()
    for row in table.to_dict("records"):
        assert row["participant"] == people[row["transcript"]]["participant"]
        assert row["group"] == people[row["transcript"]]["group"]
        assert row["turn"] >= 1 and row["speaker"]
    assert {s.strip() for s in table["snippet"]} == {q.strip() for _, q in want}


def test_one_row_per_coder_when_asked(demo_study):
    merged = quotes(demo_study, filters=Filters(codes=("barriers/delay",)))
    separate = quotes(demo_study, filters=Filters(codes=("barriers/delay",)), merge_coders=False)
    assert len(separate) == sum(1 for r in expected.codings() if r["code"] == "barriers/delay")
    assert len(merged) <= len(separate)


def test_unassessed_codings_are_filtered_as_none(demo_study):
    table = quotes(demo_study, filters=Filters(assessments=("none",)), merge_coders=False)
    assert len(table) == sum(1 for r in expected.codings() if r["assessment"] == "none")


def test_density_covers_every_coding_once(demo_study):
    density = coding_density(demo_study, bins=20)
    per_transcript = density.groupby("transcript")["codings"].sum().to_dict()
    want: dict[str, int] = {}
    for row in expected.codings():
        want[row["transcript"]] = want.get(row["transcript"], 0) + 1
    assert per_transcript == want
    assert density["bin"].between(0, 19).all()


def test_density_bin_lists_the_codings_starting_there(demo_study):
    density = coding_density(demo_study, bins=10)
    cell = density.groupby(["transcript", "bin", "bin_start", "bin_end"], as_index=False)["codings"].sum().iloc[3]
    rows = quotes_for_point(demo_study, "density", cell.to_dict())
    separate = quotes(demo_study, filters=Filters(transcripts=(cell["transcript"],)),
                      within=(int(cell["bin_start"]), int(cell["bin_end"])), merge_coders=False)
    assert len(separate) == cell["codings"]
    assert rows["start"].between(cell["bin_start"], cell["bin_end"] - 1).all()


@pytest.mark.parametrize("chart,point", [("assessment", {"measure": "NM-f", "assessment": "barrier"}),
                                         ("frequency", {"code": "barriers", "group": "survivor"}),
                                         ("words", {"word": "passport", "group": "survivor"})])
def test_every_chart_mark_leads_to_rows(demo_study, chart, point):
    assert len(quotes_for_point(demo_study, chart, point)) > 0


def test_unknown_chart_is_refused(demo_study):
    with pytest.raises(InputError):
        quotes_for_point(demo_study, "pie", {})
