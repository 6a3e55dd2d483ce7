"""Run a page's write, then rerun with its success message shown once (errors are shown where they happen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui.safe import md


def show(key: str) -> None:
    """The message left by the last `run_then_rerun` with this key, shown once as text."""
    message = st.session_state.pop(key, None)
    if message:
        st.success(md(message))


def run_then_rerun(action: Callable[[], Any], message: str, *, key: str) -> None:
    """Run a library write; on a domain error show it, else keep the message for `show` and rerun the page."""
    try:
        action()
    except WorkbenchError as err:
        st.error(md(err))
        return
    st.session_state[key] = message
    st.rerun()
