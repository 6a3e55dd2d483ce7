"""workbench.services.analysis.quotes, density and drill-down from chart marks."""

from __future__ import annotations

from tests.services.analysis import expected
from workbench.services.analysis import Filters, coding_density, quotes
from workbench.services.analysis.drilldown import density_quotes


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
    rows = density_quotes(demo_study, cell.to_dict())
    separate = quotes(demo_study, filters=Filters(transcripts=(cell["transcript"],)),
                      within=(int(cell["bin_start"]), int(cell["bin_end"])), merge_coders=False)
    assert len(separate) == cell["codings"]
    assert rows["start"].between(cell["bin_start"], cell["bin_end"] - 1).all()


def test_quotes_say_which_measures_are_confirmed_and_which_derived(demo_study):
    confirmed = quotes(demo_study, filters=Filters(codes=("barriers/immigration_status",)), merge_coders=False)
    derived = quotes(demo_study, filters=Filters(codes=("barriers/immigration_status",), include_derived=True),
                     merge_coders=False)
    rows = [r for r in expected.codings() if r["code"] == "barriers/immigration_status"]
    mapping = " ".join(expected.codebook()["barriers/immigration_status"]["measures"])
    assert sorted(confirmed["measures_confirmed"]) == sorted(" ".join(r.get("measures", [])) for r in rows)
    assert (confirmed["measures"] == confirmed["measures_confirmed"]).all()
    undecided = derived[derived["measures_confirmed"] == ""]
    assert len(undecided) == sum(1 for r in rows if "measures" not in r) > 0
    assert set(undecided["measures_derived"]) == {mapping} and set(undecided["measures"]) == {mapping}
