"""workbench.services.analysis.frequencies against counts made straight from the reference codings."""

from __future__ import annotations

import pytest

from tests.services.analysis import expected
from workbench.errors import InputError
from workbench.services.analysis import Filters, code_frequencies, frequency_table

COUNTS = ("codings", "transcripts", "participants")


def test_frequency_table_matches_reference_codings(demo_study):
    table = frequency_table(demo_study).set_index("code")
    want = expected.frequencies()
    assert set(table.index) == {k[0] for k in want}
    for (code,), counts in want.items():
        assert {c: table.at[code, c] for c in COUNTS} == counts, code


def test_frequency_table_splits_by_group(demo_study):
    table = frequency_table(demo_study, split_by="group").set_index("code")
    for (code, group), counts in expected.frequencies(split="group").items():
        for count in COUNTS:
            assert table.at[code, f"{count}_{group}"] == counts[count], (code, group, count)


@pytest.mark.parametrize("split", ["coder", "assessment", "group"])
def test_long_frequencies_by_dimension(demo_study, split):
    table = code_frequencies(demo_study, by=split)
    got = {(r["code"], r[split]): {c: r[c] for c in COUNTS} for r in table.to_dict("records")}
    assert got == expected.frequencies(split=split)


def test_theme_level_counts_each_participant_once(demo_study):
    table = code_frequencies(demo_study, level="theme").set_index("code")
    for (theme,), counts in expected.frequencies(key="theme").items():
        assert {c: table.at[theme, c] for c in COUNTS} == counts
    assert table["participants"].max() <= len(expected.manifest())


def test_language_split_adds_up_to_totals(demo_study):
    totals = code_frequencies(demo_study).set_index("code")["codings"]
    by_language = code_frequencies(demo_study, by="language")
    assert set(by_language["language"]) <= {"en", "zh", "mixed"}
    assert by_language.groupby("code")["codings"].sum().sort_index().equals(totals.sort_index())
    chinese = code_frequencies(demo_study, filters=Filters(languages=("zh",)))
    assert chinese["codings"].sum() == by_language[by_language["language"] == "zh"]["codings"].sum()


def test_filters_narrow_the_counts(demo_study):
    survivors = frequency_table(demo_study, filters=Filters(groups=("survivor",))).set_index("code")
    want = expected.frequencies(split="group")
    for (code, group), counts in want.items():
        if group == "survivor":
            assert survivors.at[code, "participants"] == counts["participants"]
    barrier = code_frequencies(demo_study, filters=Filters(assessments=("barrier",), coders=("chan",)))
    rows = [r for r in expected.codings() if r["assessment"] == "barrier" and r["coder"] == "chan"]
    assert barrier["codings"].sum() == len(rows)


def test_theme_filter_takes_in_the_codes_below(demo_study):
    table = code_frequencies(demo_study, filters=Filters(codes=("barriers",)))
    assert set(table["theme"]) == {"barriers"}
    assert table["codings"].sum() == sum(1 for r in expected.codings() if r["theme"] == "barriers")


def test_include_zero_lists_uncoded_codes(demo_study):
    table = frequency_table(demo_study, include_zero=True)
    assert len(table) == len([c for c in expected.codebook()])
    counted = {}
    for row in expected.codings():
        counted[row["code"]] = counted.get(row["code"], 0) + 1
    by_code = dict(zip(table["code"], table["codings"]))
    uncoded = [c for c in expected.codebook() if c not in counted]
    assert uncoded, "the demo should leave some code uncoded for this test to mean anything"
    assert all(by_code[c] == 0 for c in uncoded)
    assert all(by_code[c] == n for c, n in counted.items())


def test_bad_options_are_refused(demo_study):
    with pytest.raises(InputError):
        code_frequencies(demo_study, by="colour")
    with pytest.raises(InputError):
        code_frequencies(demo_study, level="branch")


def test_empty_study_gives_empty_tables(study):
    assert code_frequencies(study).empty
    assert frequency_table(study).empty
