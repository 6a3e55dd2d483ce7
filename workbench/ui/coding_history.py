"""This session's coding actions, newest last, so each can be undone (the rows come back exactly; see services/undo)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services import undo
from workbench.store.study import Study, User
from workbench.ui.writes import show_error

_KEY = "undo"
_VERBS = {"apply": "applied", "remove": "removed", "change": "changed", "measures": "set the measures of",
          "accept": "accepted a suggestion of",
          "accept all": "accepted all suggestions of", "reject": "rejected a suggestion of"}


def remember(change: undo.Change) -> None:
    """Keep a change for Undo."""
    st.session_state.setdefault(_KEY, []).append(change)


def record(action: Callable[[], undo.Change], *, names: dict[str, str]) -> None:
    """Run a coding change; on a domain error show it, else keep it for Undo, say what it did and rerun."""
    try:
        change = action()
    except WorkbenchError as err:
        show_error(err)
        return
    remember(change)
    st.session_state["flash"] = f"Coding {describe(change, names)}."
    st.rerun()


def last() -> undo.Change | None:
    """The change Undo would take back."""
    stack = st.session_state.get(_KEY) or []
    return stack[-1] if stack else None


def describe(change: undo.Change, names: dict[str, str]) -> str:
    """The change in words, naming exactly its codes ("applied Deception, Debt bondage")."""
    codes = [names.get(c, c) for c in change.code_ids]
    what = " → ".join(codes) if change.action == "change" else ", ".join(codes)
    count = f" ({len(change.after)})" if change.action == "accept all" else ""
    return f"{_VERBS.get(change.action, change.action)} {what}{count}"


def undo_last(study: Study, *, by: User, names: dict[str, Any]) -> str:
    """Undo the newest change of this session; returns what to tell the user (it stays on the stack if refused)."""
    change = last()
    if change is None:
        return "Nothing to undo."
    undo.undo(study, change, by=by)
    st.session_state[_KEY].pop()
    return f"Undone: {describe(change, names)}."
