"""workbench.services.analysis.measures: themes × measures through code_measures, per participant."""

from __future__ import annotations

from tests.helpers import import_text
from tests.services.analysis import expected
from workbench.services.analysis import (
    Filters,
    measure_participants,
    measure_summary,
    quotes_for_point,
    theme_measure_matrix,
)
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook
from workbench.services.coding import add_coding, find_span
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study


def test_matrix_matches_reference_codings(demo_study):
    matrix = theme_measure_matrix(demo_study)
    want = expected.theme_measure()
    assert {(r.row_id, r.measure) for r in matrix.itertuples()} == set(want)
    for row in matrix.to_dict("records"):
        cell = want[(row["row_id"], row["measure"])]
        for column in ("participants", "codings", "participants_barrier", "participants_facilitator",
                       "participants_neutral", "participants_survivor", "participants_stakeholder"):
            assert row[column] == cell.get(column, 0), (row["row_id"], row["measure"], column)


def test_matrix_carries_the_measure_pillar_and_names(demo_study):
    matrix = theme_measure_matrix(demo_study)
    pillars = dict(demo_study.db.execute("SELECT id, pillar FROM measures").fetchall())
    assert all(pillars[m] == p for m, p in zip(matrix["measure"], matrix["pillar"]))
    assert {"row_en", "row_zh", "measure_en", "measure_zh", "framework"} <= set(matrix.columns)


def test_code_level_rows_are_codes(demo_study):
    matrix = theme_measure_matrix(demo_study, level="code")
    assert all("/" in row for row in matrix["row_id"])


def test_measure_summary_lists_every_measure(demo_study):
    summary = measure_summary(demo_study)
    measures = [r[0] for r in demo_study.db.execute("SELECT id FROM measures ORDER BY position").fetchall()]
    assert summary["measure"].tolist() == measures
    people: dict[str, set] = {}
    barrier: dict[str, set] = {}
    for row in expected.codings():
        for measure in expected.codebook()[row["code"]].get("measures", []):
            people.setdefault(measure, set()).add(row["participant"])
            if row["assessment"] == "barrier":
                barrier.setdefault(measure, set()).add(row["participant"])
    for row in summary.to_dict("records"):
        assert row["participants"] == len(people.get(row["measure"], ())), row["measure"]
        assert row["participants_barrier"] == len(barrier.get(row["measure"], ())), row["measure"]


def test_measure_participants_names_them(demo_study):
    table = measure_participants(demo_study, "ON-3")
    book = expected.codebook()
    want = {r["participant"] for r in expected.codings() if "ON-3" in book[r["code"]].get("measures", [])}
    assert set(table["participant"]) == want


def test_clicked_cell_lists_the_quotes_behind_it(demo_study):
    cell = theme_measure_matrix(demo_study).query("row_id == 'barriers' and measure == 'ON-3'").iloc[0]
    behind = quotes_for_point(demo_study, "heatmap", {"row_id": "barriers", "measure": "ON-3"})
    assert behind["participant"].nunique() == cell["participants"]
    assert set(behind["theme"]) == {"barriers"}
    assert all("ON-3" in m.split() for m in behind["measures"])


def test_filters_apply_to_the_matrix(demo_study):
    survivors = theme_measure_matrix(demo_study, filters=Filters(groups=("survivor",)))
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
        matrix = theme_measure_matrix(study)
        summary = measure_summary(study, framework="ilo_indicators")
    assert matrix[["row_id", "measure", "pillar", "participants", "participants_barrier"]].values.tolist() == [
        ["control", "ILO-7", "indicators", 1, 1]]
    assert summary["measure"].tolist() == ["ILO-7"]
