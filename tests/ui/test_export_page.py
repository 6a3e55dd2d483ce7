"""AppTest of the Export page and the download buttons on the analysis and codebook pages."""

from __future__ import annotations

import pytest

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.store.permissions import REVIEWERS_EXPORT_PROJECT
from workbench.store.study import Study


def _labels(at) -> list[str]:
    return [b.label for b in at.get("download_button")]


@pytest.mark.parametrize("username", ["admin", "chan", "reviewer"])
def test_the_export_page_offers_report_tables_codebook_and_project_by_role(ui_study, demo, username):
    at = open_page(logged_in(username, demo.passwords[username]), "export_page")
    assert at.title[0].value == "Export"
    labels = _labels(at)
    assert {"Word findings report", "Quotes · XLSX", "Quotes · CSV", "Codebook · CSV", "REFI-QDA codebook"} <= set(labels)
    project = "REFI-QDA project (NVivo, MAXQDA, ATLAS.ti, QualCoder)"
    assert (project in labels) is (username != "reviewer")
    assert any("reviewers may download it only where an admin" in i.value for i in at.info) is (username == "reviewer")
    assert at.dataframe[0].value is not None and len(at.dataframe[0].value) > 0


def test_the_framework_matrix_is_shown_on_the_export_page(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "export_page")
    by_label(at.selectbox, "Table").set_value("framework").run()
    table = at.dataframe[0].value
    assert {"participant", "group", "NM-f", "ON-3"} <= set(table.columns)
    assert any(str(v).startswith("1 coding") or "coding(s)" in str(v) for v in table["ON-3"])
    assert "Framework matrix · XLSX" in _labels(at)


def test_an_admin_allows_reviewers_the_project_file(ui_study, demo):
    at = open_page(logged_in("admin", demo.passwords["admin"]), "export_page")
    by_label(at.toggle, "Reviewers may download the project file").set_value(True).run()
    with Study.open(ui_study) as study:
        assert study.meta(REVIEWERS_EXPORT_PROJECT) == "1"
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "export_page")
    assert "REFI-QDA project (NVivo, MAXQDA, ATLAS.ti, QualCoder)" in _labels(at)


@pytest.mark.parametrize("module, expected", [
    ("themes", {"Quotes · XLSX", "Quotes · CSV", "Word findings report"}),
    ("action_plan", {"Framework matrix · XLSX", "Framework matrix · CSV", "Word findings report"}),
    ("codebook", {"Codebook · XLSX", "Codebook · CSV", "REFI-QDA codebook", "Codebook in the workbench's YAML format"}),
])
def test_pages_offer_downloads_of_what_they_show(ui_study, demo, module, expected):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), module)
    assert expected <= set(_labels(at))


def test_the_search_page_offers_its_hits_once_there_is_a_query(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "search")
    assert not _labels(at)
    by_label(at.text_input, "Search transcripts").input("passport").run()
    assert {"Search hits · XLSX", "Search hits · CSV"} <= set(_labels(at))


def test_chinese_labels_make_a_chinese_report_button(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "themes")
    at.get("button_group")[0].set_value("繁體中文").run()
    assert "Word findings report (中文)" in _labels(at)
