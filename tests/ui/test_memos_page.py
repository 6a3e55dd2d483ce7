"""The Memos page: saving says so, participant memos, readable columns, edit and delete own memos (admin any)."""

from __future__ import annotations

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.services.memos import list_memos
from workbench.store.study import Study
from workbench.ui.safe import md


def _save(at, about: str, title: str, body: str):
    by_label(at.selectbox, "About").set_value(about)
    at.run()
    by_label(at.text_input, "Title").input(title)
    by_label(at.text_area, "Memo text").input(body)
    by_label(at.button, "Save memo").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_saving_a_memo_says_so_and_empties_the_form(ui_study, demo):
    at = _save(open_page(logged_in("chan", demo.passwords["chan"]), "memos"), "study", "Screening",
               "Screening forms look like checklists.")
    assert [s.value for s in at.success] == [md("Memo saved.")]
    assert by_label(at.text_area, "Memo text").value == ""
    table = at.dataframe[0].value
    assert list(table.columns)[:5] == ["about", "title", "memo", "author", "written"]
    assert table.iloc[0]["about"] == "the study" and table.iloc[0]["author"] == "chan"


def test_a_failed_save_keeps_the_typed_text(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "memos")
    by_label(at.text_input, "Title").input("Only a title")
    by_label(at.button, "Save memo").click()
    at.run()
    assert any("empty" in e.value for e in at.error)
    assert by_label(at.text_input, "Title").value == "Only a title"


def test_a_participant_memo_names_the_participant(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "memos")
    at = _save(at, "participant", "Interpreter", "Spoke through an interpreter.")
    about = at.dataframe[0].value.iloc[0]["about"]
    assert about.startswith("participant ") and "Interpreter" in at.dataframe[0].value.iloc[0]["title"]


def test_edit_and_delete_own_memo_and_admin_any(ui_study, demo):
    at = _save(open_page(logged_in("chan", demo.passwords["chan"]), "memos"), "study", "Draft", "First thought.")
    by_label(at.text_area, "Change the memo text").input("Second thought.")
    by_label(at.button, "Save changes").click()
    at.run()
    with Study.open(ui_study) as study:
        assert [m["body"] for m in list_memos(study)] == ["Second thought."]
    reyes = open_page(logged_in("reyes", demo.passwords["reyes"]), "memos")
    assert not [s for s in reyes.selectbox if s.label == "Memo"], "reyes may not edit chan's memo"
    admin = open_page(logged_in("admin", demo.passwords["admin"]), "memos")
    by_label(admin.checkbox, "Delete this memo for good").check()
    admin.run()
    by_label(admin.button, "Delete memo").click()
    admin.run()
    assert [s.value for s in admin.success] == [md("Memo deleted.")]
    with Study.open(ui_study) as study:
        assert list_memos(study) == []


def test_reviewer_reads_memos_but_sees_no_form(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "memos")
    assert not [b for b in at.button if b.label == "Save memo"]
    assert "Memos on codings" in [s.value for s in at.subheader]
