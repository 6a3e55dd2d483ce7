"""AppTest of the Agreement and Disagreements pages, the consensus switch, codebook history, accountability."""

from __future__ import annotations

import pytest

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.services.agreement import consensus_counts, mark_done
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import Study
from workbench.ui.pages import registry


def captions(at) -> str:
    """Every caption's text as shown (Markdown escapes removed)."""
    return " ".join(c.value for c in at.caption).replace("\\", "")


@pytest.mark.parametrize("username", ["admin", "chan", "reviewer"])
def test_agreement_page_shows_alpha_per_code_for_every_role(ui_study, demo, username):
    at = open_page(logged_in(username, demo.passwords[username]), "agreement")
    assert at.title[0].value == "Agreement"
    assert len(at.get("vega_lite_chart")) == 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Units (sentences)"] == "498" and metrics["Krippendorff's α"].startswith("0.8")
    table = at.dataframe[0].value
    assert table.iloc[0]["code"] == "overall" and "kappa chan|reyes" in table.columns
    labels = {b.label for b in at.get("download_button")}
    assert {"CSV", "PNG", "SVG"} <= labels  # the chart
    assert {"Inter-coder agreement · XLSX", "Inter-coder agreement · CSV"} <= labels  # the table, through the exports
    forms = [f for f in at.get("form")]
    assert bool(forms) is (username == "admin")  # only admins assign


def test_filters_by_transcript_and_unit(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "agreement")
    by_label(at.multiselect, "Transcripts").set_value(["SV01_dewi"]).run()
    by_label(at.selectbox, "Unit").set_value("character").run()
    assert not at.exception
    assert "1 transcript all of them finished" in captions(at)
    assert "Units (characters)" in {m.label for m in at.metric}


def test_a_coder_marks_an_open_transcript_done(ui_study, demo):
    with Study.open(ui_study) as study:
        tid = resolve_transcript(study, "SV02_maricel")
        mark_done(study, tid, by="admin", coder="chan", done=False)
    at = open_page(logged_in("chan", demo.passwords["chan"]), "agreement")
    assert "8 transcripts all of them finished" in captions(at)
    [b for b in at.button if b.label == "Mark done"][0].click()
    at.run()
    assert not at.exception
    assert any("SV02" in s.value for s in at.success)
    assert "9 transcripts all of them finished" in captions(at)


def test_a_coder_resolves_a_disagreement_and_themes_count_the_consensus(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "disagreements")
    unresolved = int({m.label: m.value for m in at.metric}["Unresolved"])
    assert unresolved > 0
    assert len(at.columns) >= 2 and at.radio
    by_label(at.radio, "Resolve by").set_value("chosen:chan")
    [b for b in at.button if b.label == "Resolve"][0].click()
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Unresolved"]) == unresolved - 1 and metrics["Resolved"] == "1"
    with Study.open(ui_study) as study:
        assert sum(consensus_counts(study).get(k, 0) for k in ("chosen", "uncoded")) == 1
    [b for b in at.button if b.label.startswith("Adopt the agreed passages")][0].click()
    at.run()
    assert int({m.label: m.value for m in at.metric}["Consensus codings"]) > 100
    open_page(at, "themes")
    by_label(at.get("button_group"), "Codings counted").set_value("consensus").run()
    assert not at.exception
    shown = captions(at)
    assert "layer: consensus" in shown and "coded by @consensus" in shown


def test_reviewers_have_no_disagreements_page(demo):
    from workbench.store.study import User

    reviewer = User(1, "reviewer", "Reviewer", "reviewer")
    visible = {p.url_path for p in registry() if p.visible_to(reviewer)}
    assert "agreement" in visible and "disagreements" not in visible


def test_codebook_page_shows_the_history(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "codebook")
    assert "History" in [s.value for s in at.subheader]
    assert "first version" in at.dataframe[-1].value["summary"].iloc[0]


def test_suggestions_page_explains_its_measures_and_accounts_per_code(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "suggestions")
    assert "Accountability" in [s.value for s in at.subheader]
    assert any("recall@3" in m.value and "P@1" in m.value for m in at.markdown)
    table = next(d.value for d in at.dataframe if "kappa vs hand coding" in d.value.columns)
    assert {"suggested", "accepted", "rejected", "accepted share", "model versions"} <= set(table.columns)
