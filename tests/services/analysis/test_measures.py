"""workbench.services.analysis.measures: themes × measures through each coding's confirmed (or derived) measures."""

from __future__ import annotations

import pytest

from tests.helpers import import_text
from tests.services.analysis import expected
from workbench.services.analysis import (
    Filters,
    measure_codes,
    measure_participants,
    measure_summary,
    theme_measure_matrix,
)
from workbench.services.analysis import base as analysis_base
from workbench.services.analysis.drilldown import heatmap_quotes
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook
from workbench.services.coding import add_coding, find_span
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

COLUMNS = ("participants", "codings", "participants_barrier", "participants_facilitator", "participants_neutral",
           "participants_none", "participants_survivor", "participants_stakeholder")


@pytest.mark.parametrize("derived", [False, True], ids=["confirmed", "with-derived"])
@pytest.mark.parametrize("level", ["theme", "code"])
def test_matrix_matches_reference_codings(demo_study, derived, level):
    matrix = theme_measure_matrix(demo_study, level=level, filters=Filters(include_derived=derived))
    want = expected.theme_measure(key="theme" if level == "theme" else "code", include_derived=derived)
    assert want, "the demo must have attributions to count"
    assert {(r.row_id, r.measure) for r in matrix.itertuples()} == set(want)
    for row in matrix.to_dict("records"):
        cell = want[(row["row_id"], row["measure"])]
        for column in COLUMNS:
            assert row[column] == cell.get(column, 0), (row["row_id"], row["measure"], column)


def test_confirmed_attributions_tell_gov2_and_gov3_apart(demo_study):
    """The mapping sends every authority-response coding to both measures; the coders' confirmations do not."""
    mapping = measure_codes(demo_study)
    assert set(mapping.query("measure == 'GOV-2'")["code"]) == set(mapping.query("measure == 'GOV-3'")["code"])
    summary = measure_summary(demo_study).set_index("measure")
    derived = measure_summary(demo_study, filters=Filters(include_derived=True)).set_index("measure")
    gov = summary.loc[["GOV-2", "GOV-3"], ["participants", "codings", "participants_barrier"]]
    assert gov.loc["GOV-2"].tolist() != gov.loc["GOV-3"].tolist()
    for measure in ("GOV-2", "GOV-3"):
        people = {r["participant"] for r in expected.codings() if measure in expected.measures_of(r)}
        assert summary.loc[measure, "participants"] == len(people)
    assert (summary["participants"] <= derived["participants"]).all()


def test_matrix_with_complete_grid_has_every_theme_and_measure(demo_study):
    grid = theme_measure_matrix(demo_study, complete=True)
    themes = {c["id"] for c in expected.codebook().values() if not c.get("parent")}
    measures = {r[0] for r in demo_study.db.execute("SELECT id FROM measures")}
    assert set(grid["row_id"]) == themes and "voice" in themes
    assert set(zip(grid["row_id"], grid["measure"])) == {(t, m) for t in themes for m in measures}
    sparse = theme_measure_matrix(demo_study).set_index(["row_id", "measure"])["participants"]
    full = grid.set_index(["row_id", "measure"])["participants"]
    assert full[sparse.index].tolist() == sparse.tolist() and full.drop(sparse.index).eq(0).all()


@pytest.mark.parametrize("filters", [
    Filters(), Filters(include_derived=True), Filters(languages=("zh",)), Filters(languages=("en",), include_derived=True),
    Filters(groups=("survivor",), coders=("chan",)), Filters(measures=("ON-3", "NM-f"), include_derived=True),
    Filters(assessments=("barrier", "none"), codes=("barriers",)),
], ids=lambda f: f.describe() or "none")
def test_summaries_and_codings_give_the_same_figures(demo_study, filters, monkeypatch):
    """The fast path (trigger-kept summaries) against counting every coding (the path other filters take)."""
    fast = theme_measure_matrix(demo_study, filters=filters, level="code")
    monkeypatch.setattr(analysis_base.Filters, "summarised", lambda self, **kw: False)
    slow = theme_measure_matrix(demo_study, filters=filters, level="code")
    assert fast.to_dict("records") == slow.to_dict("records")


@pytest.mark.parametrize("derived", [False, True])
def test_language_filter_splits_the_codings(demo_study, derived):
    """Each coding has one language (its turn's): the codings counted per language add up to all of them."""
    def codings(languages: tuple[str, ...] = ()) -> dict:
        table = theme_measure_matrix(demo_study, filters=Filters(languages=languages, include_derived=derived))
        return {(r.row_id, r.measure): r.codings for r in table.itertuples()}

    parts = [codings((language,)) for language in ("en", "zh", "mixed")]
    assert parts[0] and parts[1]
    total = codings()
    assert {k: sum(p.get(k, 0) for p in parts) for k in total} == total


def test_matrix_carries_the_measure_pillar_and_names(demo_study):
    matrix = theme_measure_matrix(demo_study)
    pillars = dict(demo_study.db.execute("SELECT id, pillar FROM measures").fetchall())
    assert all(pillars[m] == p for m, p in zip(matrix["measure"], matrix["pillar"]))
    assert {"row_en", "row_zh", "measure_en", "measure_zh", "framework"} <= set(matrix.columns)


def test_code_level_rows_are_codes(demo_study):
    matrix = theme_measure_matrix(demo_study, level="code")
    assert all("/" in row for row in matrix["row_id"])


@pytest.mark.parametrize("derived", [False, True])
def test_measure_summary_lists_every_measure(demo_study, derived):
    summary = measure_summary(demo_study, filters=Filters(include_derived=derived))
    measures = [r[0] for r in demo_study.db.execute("SELECT id FROM measures ORDER BY position").fetchall()]
    assert summary["measure"].tolist() == measures
    people: dict[str, set] = {}
    barrier: dict[str, set] = {}
    for row in expected.codings():
        for measure in expected.measures_of(row, include_derived=derived):
            people.setdefault(measure, set()).add(row["participant"])
            if row["assessment"] == "barrier":
                barrier.setdefault(measure, set()).add(row["participant"])
    for row in summary.to_dict("records"):
        assert row["participants"] == len(people.get(row["measure"], ())), row["measure"]
        assert row["participants_barrier"] == len(barrier.get(row["measure"], ())), row["measure"]


@pytest.mark.parametrize("derived", [False, True])
def test_measure_participants_names_them(demo_study, derived):
    table = measure_participants(demo_study, "ON-3", filters=Filters(include_derived=derived))
    want = {r["participant"] for r in expected.codings() if "ON-3" in expected.measures_of(r, include_derived=derived)}
    assert want and set(table["participant"]) == want


@pytest.mark.parametrize("derived", [False, True])
def test_clicked_cell_lists_the_quotes_behind_it(demo_study, derived):
    filters = Filters(include_derived=derived)
    cell = theme_measure_matrix(demo_study, filters=filters).query("row_id == 'barriers' and measure == 'ON-3'").iloc[0]
    behind = heatmap_quotes(demo_study, {"row_id": "barriers", "measure": "ON-3"}, filters=filters)
    assert behind["participant"].nunique() == cell["participants"]
    assert set(behind["theme"]) == {"barriers"}
    assert all("ON-3" in m.split() for m in behind["measures"])
    if not derived:
        assert all("ON-3" in m.split() for m in behind["measures_confirmed"])


def test_filters_apply_to_the_matrix(demo_study):
    survivors = theme_measure_matrix(demo_study, filters=Filters(groups=("survivor",), include_derived=True))
    assert (survivors["participants_stakeholder"] == 0).all()
    assert (survivors["participants"] == survivors["participants_survivor"]).all()


OTHER_FRAMEWORK = """\
format: workbench-framework/1
id: ilo_indicators
title: {en: ILO indicators of forced labour, zh: 國際勞工組織強迫勞動指標}
published: "2012"
source: ILO
pillars:
  - id: indicators
    name: {en: Indicators, zh: 指標}
measures:
  - id: ILO-7
    pillar: indicators
    title: {en: Retention of identity documents, zh: 扣留身份證明文件}
    source: ILO 2012
"""
OTHER_CODEBOOK = """\
format: workbench-codebook/1
id: other
title: {en: Other, zh: 其他}
version: "1"
framework: ilo_indicators
codes:
  - id: control
    name: {en: Control, zh: 控制}
  - id: control/papers
    parent: control
    name: {en: Papers kept, zh: 證件被扣}
    measures: [ILO-7]
"""


def test_any_framework_works_not_only_the_action_plan(tmp_path):
    (tmp_path / "ilo_indicators.yaml").write_text(OTHER_FRAMEWORK, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(OTHER_CODEBOOK, encoding="utf-8")
    with Study.open(tmp_path / "s.db", create=True) as study:
        study.add_user(username="coder1", role="coder", password="correct-horse-42")
        book, framework = load_with_framework(tmp_path / "other.yaml")
        install_codebook(study, book, framework, by="coder1")
        tid = import_text(study, "Interviewer: And then?\nAni: My employer kept my passport.\n")
        start, end = find_span(transcript_text(study, tid), "kept my passport")
        add_coding(study, transcript_id=tid, start=start, end=end, code_id="control/papers", by="coder1",
                   assessment="barrier")
        matrix = theme_measure_matrix(study, filters=Filters(include_derived=True))
        summary = measure_summary(study, framework="ilo_indicators")
        confirmed = theme_measure_matrix(study)
    assert matrix[["row_id", "measure", "pillar", "participants", "participants_barrier"]].values.tolist() == [
        ["control", "ILO-7", "indicators", 1, 1]]
    assert summary["measure"].tolist() == ["ILO-7"]
    assert confirmed.empty  # derived from the mapping only: nothing confirmed yet
