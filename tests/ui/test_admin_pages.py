"""The Users and Audit log pages (admins), and a failed write that keeps the typed text (issue 13 findings 3, 9)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.store.study import Study


@pytest.mark.parametrize("username", ["chan", "reviewer"])
def test_only_admins_reach_the_users_and_audit_pages(ui_study, demo, username):
    at = logged_in(username, demo.passwords[username])
    for module in ("users", "audit"):
        with pytest.raises(ValueError):
            at.switch_page(f"workbench/ui/pages/{module}.py")


def test_finding9_an_admin_adds_a_user_changes_the_role_disables_and_resets(ui_study, demo):
    at = open_page(logged_in("admin", demo.passwords["admin"]), "users")
    by_label(at.text_input, "Username").input("mei")
    by_label(at.text_input, "Display name").input("Mei")
    [b for b in at.button if b.label == "Add user"][0].click()
    at.run()
    assert not at.exception
    assert any("mei" in s.value for s in at.success) and at.code, "the generated password is shown once"
    password = at.code[0].value
    with Study.open(ui_study) as study:
        assert study.authenticate("mei", password).role == "coder"
    [s for s in at.selectbox if s.key == "role_target"][0].set_value("mei")
    [s for s in at.selectbox if s.key == "role_value"][0].set_value("reviewer")
    [b for b in at.button if b.label == "Change role"][0].click()
    at.run()
    [s for s in at.selectbox if s.key == "active_target"][0].set_value("mei")
    [b for b in at.button if b.label == "Apply"][0].click()  # "disable" is the default choice
    at.run()
    assert not at.code, "a password is shown only once"
    frame = at.dataframe[0].value.set_index("username")
    assert frame.loc["mei", "role"] == "reviewer" and not frame.loc["mei", "active"]
    [s for s in at.selectbox if s.key == "reset_target"][0].set_value("chan")
    [b for b in at.button if b.label == "Reset password"][0].click()
    at.run()
    with Study.open(ui_study) as study:
        assert study.authenticate("chan", at.code[0].value).username == "chan"


def test_the_audit_page_filters_by_user_and_action(ui_study, demo):
    at = open_page(logged_in("admin", demo.passwords["admin"]), "audit")
    assert [t.value for t in at.title] == ["Audit log"]
    [m for m in at.multiselect if m.label == "Action"][0].set_value(["login"])
    at.run()
    frame = at.dataframe[0].value
    assert set(frame["action"]) == {"login"} and "admin" in set(frame["user"])
    assert [b for b in at.get("download_button") if "CSV" in b.label]


def test_finding3_a_memo_that_cannot_be_saved_while_the_study_is_busy_keeps_its_text(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "memos")
    at.session_state["_study"].db.execute("PRAGMA busy_timeout = 200")  # give up quickly for the test
    by_label(at.text_input, "Title").input("Busy")
    by_label(at.text_area, "Memo text").input("Typed while someone else was importing.")
    blocker = sqlite3.connect(ui_study, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        [b for b in at.button if b.label == "Save memo"][0].click()
        at.run()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert not at.exception
    assert any("busy" in e.value and "still in the form" in e.value for e in at.error), [e.value for e in at.error]
    assert by_label(at.text_area, "Memo text").value == "Typed while someone else was importing."
    [b for b in at.button if b.label == "Save memo"][0].click()
    at.run()
    with Study.open(ui_study) as study:
        assert study.db.execute("SELECT count(*) FROM memos WHERE body LIKE 'Typed while%'").fetchone()[0] == 1
    assert by_label(at.text_area, "Memo text").value == "", "a saved memo clears the form"
