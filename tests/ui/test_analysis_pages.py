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
    assert len([e for e in at.expander if "Content note" not in e.label]) == 8  # reviewers also see content notes
    captions = " ".join(c.value for c in at.caption)
    assert "Dewi" in captions and "turn" in captions
    by_label(at.multiselect, "Participant group").set_value(["stakeholder"]).run()
    captions = " ".join(c.value for c in at.caption)
    assert "Dewi" not in captions and "Joy" in captions


def test_action_plan_lists_measures_with_participants(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "action_plan")
    table = at.dataframe[0].value
    assert {"measure", "pillar", "participants", "facilitator", "barrier"} <= set(table.columns)
    measures = [e for e in at.expander if "Content note" not in e.label]  # reviewers also see content notes
    assert len(measures) == len(table) and "NM-f" in set(table["measure"])
    assert any(d.value is not None and "participant" in d.value.columns for d in at.dataframe[1:])


@pytest.mark.parametrize("kind", ["Themes × measures", "Facilitator vs barrier", "Codes by group", "Co-occurrence",
                                  "Coding density", "Word frequency"])
def test_every_chart_renders_with_downloads(ui_study, demo, kind):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "charts")
    by_label(at.radio, "Chart").set_value(kind).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    labels = [b.label for b in at.get("download_button")]
    assert labels[:3] == ["PNG", "SVG", "CSV"]
    assert {"Themes × measures · XLSX", "Code frequencies by group · CSV"} <= set(labels)


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


def _expander(at, measure: str) -> str:
    return next(e.label for e in at.expander if e.label.replace("\\", "").startswith(f"{measure} —"))


def test_action_plan_counts_confirmed_attributions_and_derived_ones_when_switched_on(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "action_plan")
    confirmed = at.dataframe[0].value.set_index("measure")
    assert "confirmed attributions only" in " ".join(c.value for c in at.caption)
    switch = by_label(at.toggle, "Include derived measure attributions")
    assert switch.value is False
    before = _expander(at, "NM-c")
    switch.set_value(True).run()
    derived = at.dataframe[0].value.set_index("measure")
    assert (confirmed["participants"] <= derived["participants"]).all()
    assert confirmed.loc["NM-c", "participants"] == 0 < derived.loc["NM-c", "participants"]
    assert _expander(at, "NM-c") != before
    assert "confirmed and derived attributions" in " ".join(c.value for c in at.caption)
    assert (derived["participants"] <= 9).all()


def test_themes_and_codebook_say_passages_and_codings(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "themes")
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert f"({demo.codings} codings)" in captions and "passages" in captions
    labels = " ".join(e.label for e in at.expander).replace("\\", "")
    assert "passages (" in labels and "codings)" in labels
    at = open_page(at, "codebook")
    labels = " ".join(e.label for e in at.expander)
    assert "codings (" in labels and "passages)" in labels


def test_overview_counts_memos_written_on_codings(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "overview")
    memos = next(m for m in at.metric if m.label == "Memos")
    coding_memos = sum(1 for r in expected_codings() if r.get("memo"))
    assert int(memos.value) == coding_memos > 0


def expected_codings() -> list[dict]:
    from tests.services.analysis import expected

    return expected.codings()
