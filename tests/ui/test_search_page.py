"""The Search page: context stays within a turn; a coder codes all hits after a confirmation, sees a summary, undoes."""

from __future__ import annotations

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.services.coding import list_codings
from workbench.services.search import search
from workbench.store.study import Study

CODE = "barriers/language_interpretation"


def _search(at, query: str):
    by_label(at.text_input, "Search transcripts").input(query)
    at.run()
    return at


def test_code_all_hits_with_confirmation_then_summary_and_undo(ui_study, demo):
    with Study.open(ui_study) as study:
        sentences = {(h["transcript_id"], h["sentence_start"]) for h in search(study, "interpreter", limit=5000).hits}
        before = len(list_codings(study, coder="chan", code_id=CODE))
    at = _search(open_page(logged_in("chan", demo.passwords["chan"]), "search"), "interpreter")
    by_label(at.selectbox, "Code to apply").set_value(CODE)
    at.run()
    button = by_label(at.button, "Code all hits")
    assert button.disabled, "nothing is applied before the confirmation"
    sure = next(c for c in at.checkbox if c.label.startswith("Apply"))
    assert f"{len(sentences)} passage" in sure.label
    sure.check()
    at.run()
    by_label(at.button, "Code all hits").click()
    at.run()
    assert not at.exception
    summary = at.success[0].value
    with Study.open(ui_study) as study:
        now = list_codings(study, coder="chan", code_id=CODE)
    applied = len(now) - before
    assert applied > 0 and summary.startswith("Applied") and f"to {applied} passage" in summary
    assert f"{len(sentences) - applied} already" in summary
    by_label(at.button, "Undo: remove these codings").click()
    at.run()
    with Study.open(ui_study) as study:
        assert len(list_codings(study, coder="chan", code_id=CODE)) == before


def test_reviewer_cannot_code_hits(ui_study, demo):
    at = _search(open_page(logged_in("reviewer", demo.passwords["reviewer"]), "search"), "interpreter")
    assert not [b for b in at.button if b.label == "Code all hits"]
    assert at.markdown, "hits are listed"
