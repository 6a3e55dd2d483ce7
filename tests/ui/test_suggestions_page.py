"""The suggestions panel (AppTest): counts per code, retrain with progress, cross-validated figures."""

from __future__ import annotations

import pytest

from tests.ui.conftest import logged_in, open_page
from workbench.services.suggest.jobs import job_for, wait
from workbench.services.suggest.service import generate
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import Study


@pytest.mark.slow  # trains the learned suggester
def test_panel_shows_counts_and_retrains(ui_study, demo):
    with Study.open(ui_study) as study:
        generate(study, resolve_transcript(study, "SV04_siu_ling"), by="chan", method="rules")
    at = open_page(logged_in("chan", demo.passwords["chan"]), "suggestions")
    assert at.title[0].value == "Suggestions"
    counts = at.dataframe[0].value
    assert {"code", "suggested", "accepted", "rejected"} <= set(counts.columns) and counts["suggested"].sum() > 0
    assert any("No learned model yet" in i.value for i in at.info)
    [b for b in at.button if b.label == "Retrain and evaluate"][0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    running = job_for(str(ui_study))
    assert running is not None   # training runs in a background thread; the page returned at once
    done = wait(running.id)
    assert done.state == "done" and done.version, done.error
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(done.version in s.value for s in at.success)   # the page names the version it produced
    quality = next(d.value for d in at.dataframe if "recall@3" in d.value.columns)
    assert {"method", "language", "recall@3", "P@1"} <= set(quality.columns)
    assert {"Codebook rules", "Rules + learned"} <= set(quality["method"]) and "Chinese" in set(quality["language"])
    assert any("cross-validated" in c.value for c in at.caption)


def ui_study_user(username):
    """A user of the UI tests' demo study, read from the file."""
    import os

    from workbench.store.study import Study

    with Study.open(os.environ["WORKBENCH_STUDY"]) as study:
        return study.user(username)


def test_reviewer_does_not_get_the_panel(ui_study, demo):
    from workbench.ui.pages import registry

    spec = [s for s in registry() if s.url_path == "suggestions"][0]
    users = {name: ui_study_user(name) for name in ("admin", "chan", "reviewer")}
    assert [spec.visible_to(users[n]) for n in ("admin", "chan", "reviewer")] == [True, True, False]
    at = logged_in("reviewer", demo.passwords["reviewer"])
    assert not at.exception and not [b for b in at.button if b.label == "Retrain and evaluate"]
