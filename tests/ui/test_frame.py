"""The frame: login required, wrong passwords refused, pages by role."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP, by_label, logged_in


def test_login_form_is_all_an_anonymous_visitor_sees(ui_study):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe


def test_wrong_password_is_refused_with_one_message(ui_study, demo):
    at = AppTest.from_file(APP, default_timeout=90).run()
    by_label(at.text_input, "Username").input("admin")
    by_label(at.text_input, "Password").input("not-the-password")
    by_label(at.button, "Log in").click()
    at.run()
    assert [e.value for e in at.error] == ["Unknown username or wrong password"]
    assert "_user" not in at.session_state


def test_roles_see_their_pages(ui_study, demo):
    for username in ("admin", "chan"):
        at = logged_in(username, demo.passwords[username])
        at.switch_page("workbench/ui/pages/import_page.py").run()
        assert [t.value for t in at.title] == ["Import transcripts"]
    at = logged_in("reviewer", demo.passwords["reviewer"])
    with pytest.raises(ValueError):
        at.switch_page("workbench/ui/pages/import_page.py")


def test_logout_forgets_the_user(ui_study, demo):
    at = logged_in("chan", demo.passwords["chan"])
    by_label(at.sidebar.button, "Log out").click()
    at.run()
    assert "_user" not in at.session_state
    assert [t.label for t in at.text_input] == ["Username", "Password"]
