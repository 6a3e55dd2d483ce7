"""AppTest of the Themes, Action Plan, Charts and Search pages (workbench/ui/pages/…)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import table_counts
from tests.ui.conftest import by_label, logged_in, open_page
from workbench.store.study import Study

PAGES = ["themes", "action_plan", "charts", "search"]


@pytest.mark.parametrize("username", ["admin", "chan", "reviewer"])
def test_analysis_pages_render_for_each_role(ui_study, demo, username):
    at = logged_in(username, demo.passwords[username])
    for module in PAGES:
        open_page(at, module)
        assert at.title and not at.exception


def test_themes_lists_themes_codes_and_quotes_with_filters(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "themes")
    labels = {m.label for m in at.multiselect}
    assert {"Participant group", "Language", "Coder", "Assessment", "Measure"} <= labels
    assert len(at.expander) == 8
    captions = " ".join(c.value for c in at.caption)
    assert "Dewi" in captions and "turn" in captions
    by_label(at.multiselect, "Participant group").set_value(["stakeholder"]).run()
    captions = " ".join(c.value for c in at.caption)
    assert "Dewi" not in captions and "Joy" in captions


def test_action_plan_lists_measures_with_participants(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "action_plan")
    table = at.dataframe[0].value
    assert {"measure", "pillar", "participants", "facilitator", "barrier"} <= set(table.columns)
    assert len(at.expander) == len(table) and "NM-f" in set(table["measure"])
    assert any(d.value is not None and "participant" in d.value.columns for d in at.dataframe[1:])


@pytest.mark.parametrize("kind", ["Themes × measures", "Facilitator vs barrier", "Codes by group", "Co-occurrence",
                                  "Coding density", "Word frequency"])
def test_every_chart_renders_with_downloads(ui_study, demo, kind):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "charts")
    by_label(at.radio, "Chart").set_value(kind).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    assert [b.label for b in at.get("download_button")] == ["PNG", "SVG", "CSV"]


def test_chart_labels_switch_to_chinese(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "charts")
    chart = at.get("vega_lite_chart")[0]
    assert "Exploitation" in chart.proto.spec
    at.get("button_group")[0].set_value("繁體中文").run()
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "剝削" in spec or "\\u525d\\u524a" in spec
    assert json.loads(spec)["params"][0]["name"] == "cell"


@pytest.mark.parametrize("query,needle", [("護照", "護照"), ("passports", "passport")])
def test_search_page_finds_chinese_and_english(ui_study, demo, query, needle):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "search")
    by_label(at.text_input, "Search transcripts").input(query).run()
    hits = [m.value for m in at.markdown if "orange-background" in m.value]
    assert hits and all(needle in h.lower() for h in hits)
    assert any("hit(s)" in c.value for c in at.caption)


def test_reviewer_browsing_changes_nothing(ui_study, demo):
    with Study.open(ui_study) as study:
        before = table_counts(study)
    at = logged_in("reviewer", demo.passwords["reviewer"])
    for module in PAGES:
        open_page(at, module)
    by_label(at.text_input, "Search transcripts").input("passport").run()
    assert not [b for b in at.button if b.label not in ("Log out",)]
    with Study.open(ui_study) as study:
        after = table_counts(study)
    records = ("audit_log", "login_attempts")  # the login itself is on the record; nothing else may change
    assert {k: v for k, v in after.items() if k not in records} == {k: v for k, v in before.items() if k not in records}
