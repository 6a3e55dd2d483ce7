"""workbench.services.charts.registry: every chart's numbers equal an independent count from the demo's files.

The independent counts come from transcripts/reference_codings/*.jsonl, the manifest and the codebook
(tests/services/analysis/expected.py), and for spans from the stored text read with plain SQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import pytest

from tests.services.analysis import expected
from workbench.errors import InputError
from workbench.services import charts
from workbench.services.analysis import Filters
from workbench.services.coding import find_span


def test_every_chart_has_a_registry_entry_with_two_titles_and_a_drilldown():
    assert list(charts.CHARTS) == ["heatmap", "assessment", "frequency", "cooccurrence", "density", "words"]
    for kind, spec in charts.CHARTS.items():
        assert spec.kind == kind and spec.title("en") and spec.title("zh") != spec.title("en")
        assert spec.hint and spec.fields and callable(spec.drilldown)


@pytest.mark.parametrize("derived", [False, True])
def test_heatmap_cells_equal_participants_counted_from_the_files(demo_study, derived):
    chart = charts.CHARTS["heatmap"].chart(demo_study, filters=Filters(include_derived=derived))
    want = expected.theme_measure(include_derived=derived)
    for row in chart.data.to_dict("records"):
        cell = want.get((row["row_id"], row["measure"]), {})
        assert row["participants"] == cell.get("participants", 0), (row["row_id"], row["measure"])


@pytest.mark.parametrize("derived", [False, True])
def test_assessment_bars_equal_participants_counted_from_the_files_and_never_exceed_them(demo_study, derived):
    chart = charts.CHARTS["assessment"].chart(demo_study, filters=Filters(include_derived=derived))
    people: dict[tuple[str, str], set] = defaultdict(set)
    for row in expected.codings():
        for measure in expected.measures_of(row, include_derived=derived):
            people[(measure, row["assessment"])].add(row["participant"])
    population = len(expected.manifest())
    for row in chart.data.to_dict("records"):
        assert row["participants"] == len(people[(row["measure"], row["assessment"])])
        assert row["participants"] <= row["population"] == population


def test_assessment_population_follows_the_group_filter(demo_study):
    chart = charts.CHARTS["assessment"].chart(demo_study, filters=Filters(groups=("stakeholder",)))
    stakeholders = sum(1 for e in expected.manifest().values() if e["group"] == "stakeholder")
    assert set(chart.data["population"]) == {stakeholders}
    assert chart.to_dict()["encoding"]["x"]["scale"]["domain"] == [0, stakeholders]


@pytest.mark.parametrize("level,key", [("code", "code"), ("theme", "theme")])
def test_codes_by_group_equal_counts_from_the_files(demo_study, level, key):
    chart = charts.CHARTS["frequency"].chart(demo_study, level=level, metric="share")
    want = expected.frequencies(key=key, split="group")
    sizes = Counter(e["group"] for e in expected.manifest().values())
    assert len(chart.data) == len(want)
    for row in chart.data.to_dict("records"):
        cell = want[(row["code"], row["group"])]
        assert (row["participants"], row["transcripts"], row["codings"]) == (
            cell["participants"], cell["transcripts"], cell["codings"])
        assert row["group_size"] == sizes[row["group"]]
        assert row["share"] == pytest.approx(cell["participants"] / sizes[row["group"]])


def _spans(study) -> list[dict]:
    """Every reference coding with its code-point span, located in the stored text with plain SQL and str.find."""
    texts = dict(study.db.execute("SELECT stem, text FROM transcripts"))
    return [{**row, "span": find_span(texts[row["transcript"]], row["quote"], occurrence=int(row.get("occurrence", 1)))}
            for row in expected.codings()]


def test_cooccurrence_cells_equal_overlapping_pairs_counted_from_the_files(demo_study):
    chart = charts.CHARTS["cooccurrence"].chart(demo_study)
    pairs: Counter = Counter()
    by_transcript = defaultdict(list)
    for row in _spans(demo_study):
        by_transcript[row["transcript"]].append(row)
    for rows in by_transcript.values():
        for a, b in combinations(rows, 2):
            (sa, ea), (sb, eb) = a["span"], b["span"]
            if a["coder"] == b["coder"] and a["code"] != b["code"] and sa < eb and sb < ea:
                pairs[tuple(sorted((a["code"], b["code"])))] += 1
    drawn = {(r["code_a"], r["code_b"]): r["overlaps"] for r in chart.data.to_dict("records")}
    assert drawn == {**pairs, **{(b, a): n for (a, b), n in pairs.items()}}


def test_density_cells_equal_codings_per_stretch_counted_from_the_files(demo_study):
    chart = charts.CHARTS["density"].chart(demo_study)
    bins = 40
    lengths = dict(demo_study.db.execute("SELECT stem, length(text) FROM transcripts"))
    want = Counter((row["transcript"], min(row["span"][0] * bins // lengths[row["transcript"]], bins - 1))
                   for row in _spans(demo_study))
    assert {(r["transcript"], r["bin"]): r["codings"] for r in chart.data.to_dict("records")} == want


def test_word_bars_equal_occurrences_counted_in_the_coded_sentences(demo_study):
    code = "support/hotline_information"
    chart = charts.CHARTS["words"].chart(demo_study, by="code", code=code)
    sentences = demo_study.db.execute(
        "SELECT DISTINCT s.id, s.words FROM codings k JOIN segments s ON s.transcript_id = k.transcript_id "
        "AND s.kind = 'sentence' AND s.start < k.\"end\" AND k.start < s.\"end\" WHERE k.code_id = ?", [code]).fetchall()
    text = " | ".join(" ".join(words.lower().split()) for _, words in sentences)
    assert set(chart.data["key"]) == {code}
    for row in chart.data.to_dict("records"):
        assert row["count"] == len([m for m in f" {text} ".split(f" {row['word']} ")][1:]), row["word"]


@pytest.mark.parametrize("kind,point", [
    ("heatmap", {"row_id": "support", "measure": "NM-f"}),
    ("assessment", {"measure": "NM-f", "assessment": "barrier"}),
    ("frequency", {"code": "barriers", "group": "survivor"}),
    ("cooccurrence", {"code_a": "barriers/delay", "code_b": "barriers/cost_livelihood"}),
    ("density", {"transcript": "SV01_dewi", "bin": 0, "bin_start": 0, "bin_end": 100_000}),
    ("words", {"word": "passport", "by": "group", "key": "survivor"}),
])
def test_every_chart_mark_leads_to_what_is_behind_it(demo_study, kind, point):
    rows = charts.behind_point(demo_study, kind, point)
    assert len(rows) > 0
    if kind == "assessment":
        assert all("NM-f" in m.split() for m in rows["measures"]) and set(rows["assessments"]) >= {"barrier"}


def test_unknown_chart_is_refused(demo_study):
    with pytest.raises(InputError, match="heatmap"):
        charts.behind_point(demo_study, "pie", {})


def test_options_default_to_their_first_choice_and_code_only_when_asked(demo_study):
    words = charts.CHARTS["words"]
    assert words.choose(demo_study) == {"by": "group"}
    assert words.choose(demo_study, by="code")["code"] == "exploitation/deception"
    assert charts.CHARTS["frequency"].choose(demo_study, metric="share") == {"level": "theme", "metric": "share"}
