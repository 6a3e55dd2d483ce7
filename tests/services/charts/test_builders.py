"""workbench.services.charts.builders: what each chart draws and says, in both languages."""

from __future__ import annotations

import pytest

from tests.services.analysis import expected
from workbench.services import analysis, charts
from workbench.services.analysis import Filters
from workbench.vocab import ASSESSMENTS, GROUPS


def _layers(chart) -> list[dict]:
    spec = chart.to_dict()
    return spec.get("layer") or [spec.get("spec") or spec]


def _subtitle(chart) -> str:
    title = chart.to_dict()["title"]
    return " ".join(title["subtitle"]) if isinstance(title["subtitle"], list) else title["subtitle"]


@pytest.fixture(scope="module")
def heatmap(demo_study):
    return charts.CHARTS["heatmap"].chart(demo_study, lang="en")


def test_heatmap_starts_at_zero_writes_counts_and_names_measures(heatmap, demo_study):
    cells, counts = _layers(heatmap)
    assert cells["mark"]["type"] == "rect" and counts["mark"]["type"] == "text"
    assert counts["encoding"]["text"]["field"] == "participants"
    scale = cells["encoding"]["color"]["scale"]
    assert scale["domainMin"] == 0 and scale["zero"] is True
    assert cells["encoding"]["y"]["field"] == "measure_label"
    titles = dict(demo_study.db.execute("SELECT id, title_en FROM measures"))
    assert set(heatmap.data["measure_label"]) == {f"{m} {title}" for m, title in titles.items()}


def test_heatmap_shows_every_theme_even_without_measures(heatmap):
    themes = {c["name"]["en"] for c in expected.codebook().values() if not c.get("parent")}
    assert set(heatmap.data["row"]) == themes and "Voice" in " ".join(themes)


@pytest.mark.parametrize("derived,words", [(False, "measures confirmed by the coders"),
                                           (True, "derived from the codebook mapping")])
def test_heatmap_says_what_it_counts(demo_study, derived, words):
    chart = charts.CHARTS["heatmap"].chart(demo_study, filters=Filters(include_derived=derived))
    assert "participants with at least one coded passage" in _subtitle(chart) and words in _subtitle(chart)


def test_assessment_bars_are_grouped_never_stacked_and_end_at_the_population(demo_study):
    chart = charts.CHARTS["assessment"].chart(demo_study)
    enc = chart.to_dict()["encoding"]
    assert "stack" not in enc["x"] and enc["yOffset"]["field"] == "assessment_label"
    people = len(expected.manifest())
    assert enc["x"]["scale"]["domain"] == [0, people] and str(people) in enc["x"]["title"]
    assert chart.data["participants"].max() <= people
    assert "One person can appear in several bars" in _subtitle(chart)


@pytest.mark.parametrize("metric", ["participants", "transcripts", "codings"])
def test_counts_by_group_have_whole_number_ticks(demo_study, metric):
    enc = charts.CHARTS["frequency"].chart(demo_study, metric=metric).to_dict()["encoding"]
    assert enc["x"]["field"] == metric and enc["x"]["axis"]["format"] == "d" and enc["x"]["axis"]["tickMinStep"] == 1


def test_share_of_group_runs_from_0_to_100_percent(demo_study):
    chart = charts.CHARTS["frequency"].chart(demo_study, metric="share")
    enc = chart.to_dict()["encoding"]
    assert enc["x"]["field"] == "share" and enc["x"]["scale"]["domain"] == [0, 1] and enc["x"]["axis"]["format"] == "%"
    assert chart.data["share"].between(0, 1).all()
    assert "survivor 5" in _subtitle(chart) and "stakeholder 4" in _subtitle(chart)


def test_cooccurrence_labels_are_never_cut_and_follow_the_codebook(demo_study):
    chart = charts.CHARTS["cooccurrence"].chart(demo_study)
    cells = _layers(chart)[0]
    for axis in ("x", "y"):
        assert cells["encoding"][axis]["axis"]["labelLimit"] >= 400
    longest = max(chart.data["label_a"], key=len)
    assert len(longest) * 7 < cells["encoding"]["x"]["axis"]["labelLimit"]
    order = analysis.code_names(demo_study)["name_en"].tolist()
    sort = cells["encoding"]["x"]["sort"]
    assert sort == sorted(sort, key=order.index)


def test_chinese_mode_switches_titles_legends_and_group_names(demo_study):
    chart = charts.CHARTS["frequency"].chart(demo_study, lang="zh")
    enc = chart.to_dict()["encoding"]
    assert enc["color"]["title"] == "受訪者組別" and enc["x"]["title"] == "受訪者人數"
    assert set(chart.data["group_label"]) == {GROUPS.label("survivor", "zh"), GROUPS.label("stakeholder", "zh")}
    bars = charts.CHARTS["assessment"].chart(demo_study, lang="zh")
    assert set(bars.data["assessment_label"]) == {a.zh for a in ASSESSMENTS}
    assert bars.to_dict()["encoding"]["color"]["title"] == "評估"
    words = charts.CHARTS["words"].chart(demo_study, lang="zh")
    assert set(words.data["key_label"]) == {GROUPS.label("survivor", "zh"), GROUPS.label("stakeholder", "zh")}
    for kind in charts.CHARTS:
        text = str(charts.CHARTS[kind].chart(demo_study, lang="zh").to_dict()["title"])
        assert not any(word in text for word in ("Participants", "Codings", "Measure", "Theme", "Code"))


def test_bad_label_language_is_refused(demo_study):
    from workbench.errors import InputError

    with pytest.raises(InputError):
        charts.measure_heatmap(analysis.theme_measure_matrix(demo_study), lang="fr")
