"""AppTest fixtures: the real app script on a private copy of the demo study, logged in as a role."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.helpers import copy_study

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def ui_study(demo, tmp_path, monkeypatch):
    """A private copy of the demo study served to AppTest."""
    path = copy_study(demo.path, tmp_path / "ui.db")
    monkeypatch.setenv("WORKBENCH_STUDY", str(path))
    return path


def logged_in(username: str, password: str) -> AppTest:
    """Run the app, log in through the form, return the AppTest."""
    at = AppTest.from_file(APP, default_timeout=90)
    config.set_option("client.showErrorDetails", "full")  # the app redacts errors; tests want to read them
    at.run()
    _by_label(at.text_input, "Username").input(username)
    _by_label(at.text_input, "Password").input(password)
    _by_label(at.button, "Log in").click()
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, module: str, **query: str) -> AppTest:
    """Switch to a page script and run it."""
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"workbench/ui/pages/{module}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _by_label(elements, label: str):
    found = [e for e in elements if getattr(e, "label", None) == label]
    assert found, f"no element labelled {label!r}"
    return found[0]


by_label = _by_label


def choose(at: AppTest, label: str, value) -> AppTest:  # noqa: ANN001 - any option value
    """Pick a value in the selectbox with this label and rerun."""
    _by_label(at.selectbox, label).set_value(value)
    at.run()
    return at
