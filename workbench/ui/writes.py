"""A page's write: run it, show the domain error where it happened, or rerun and say what was done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench.errors import BusyError, WorkbenchError
from workbench.ui.safe import md


def show_done(key: str) -> None:
    """Show (once) what the last write on this page did; call near the top of the page."""
    message = st.session_state.pop(key, None)
    if message:
        st.success(md(message))
        st.toast(md(message))


def show_error(err: WorkbenchError) -> None:
    """Show a domain error as text (it can quote data or a link's parameters); a busy study keeps what was typed."""
    if isinstance(err, BusyError):  # nothing was written: say so, and that what was typed is still there to save again
        st.error(md(f"{err}. Your text is still in the form."))
    else:
        st.error(md(err))


def attempt(action: Callable[[], Any], message: str | Callable[[Any], str], *, key: str) -> None:
    """Run a write; on a domain error show it (the typed values stay), else remember the message and rerun."""
    try:
        result = action()
    except WorkbenchError as err:
        show_error(err)
        return
    st.session_state[key] = message(result) if callable(message) else message
    st.rerun()
