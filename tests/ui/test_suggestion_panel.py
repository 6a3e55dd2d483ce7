"""The coding page's suggestion panel in AppTest: a long list of open suggestions is drawn a page at a time."""

from __future__ import annotations

import sqlite3

from tests.ui.conftest import logged_in, open_page
from workbench.services.suggest.service import generate
from workbench.store.study import Study
from workbench.ui.suggestion_panel import LIST_PAGE


def _listed(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and " — " in m.value]


def test_open_suggestions_are_listed_one_page_at_a_time(ui_study, demo):
    with Study.open(ui_study) as study:
        generate(study, 1, by="chan", method="rules", threshold=0.0)
    with sqlite3.connect(ui_study) as db:
        stem, total = db.execute("SELECT t.stem, count(*) FROM suggestions g JOIN transcripts t ON t.id = g.transcript_id "
                                 "WHERE g.status = 'open' AND t.id = 1").fetchone()
    assert total > LIST_PAGE   # the demo transcript has enough for two pages at threshold 0
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript=stem)
    first = _listed(at)
    assert len(first) == LIST_PAGE
    picker = [n for n in at.number_input if n.label.startswith("Page (of")]
    assert picker and picker[0].label.startswith(f"Page (of {(total + LIST_PAGE - 1) // LIST_PAGE},")
    picker[0].set_value(2).run()
    second = _listed(at)
    assert len(second) == min(LIST_PAGE, total - LIST_PAGE) and not set(second) & set(first)
    assert any(c.value.startswith(f"Suggestions {LIST_PAGE + 1}–") for c in at.caption)
