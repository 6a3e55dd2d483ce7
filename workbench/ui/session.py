"""Per-browser-session state: the open study, the logged-in user, expiry."""

from __future__ import annotations

import os
import time

import streamlit as st

from workbench.errors import AuthError, NotFoundError
from workbench.store.study import Study, User

SESSION_MINUTES = float(os.environ.get("WORKBENCH_SESSION_MINUTES", "120"))


def study_path() -> str:
    """The study file this app serves (set by `workbench serve`)."""
    path = os.environ.get("WORKBENCH_STUDY")
    if not path:
        st.error("No study file given. Start the app with `workbench serve STUDY` or `make run`.")
        st.stop()
    return path


def study() -> Study:
    """This session's connection to the study (one per browser session, never shared across threads)."""
    path = study_path()
    opened = st.session_state.get("_study")
    if opened is None or opened.path != path:
        try:
            opened = Study.open(path)
        except (NotFoundError, AuthError) as err:
            st.error(str(err))
            st.stop()
        st.session_state["_study"] = opened
    return opened


def user() -> User | None:
    """The logged-in user, or None (also after the session expired)."""
    current = st.session_state.get("_user")
    if current is None:
        return None
    if time.time() - st.session_state.get("_last_seen", 0) > SESSION_MINUTES * 60:
        logout(reason="Your session expired; please log in again.")
        return None
    st.session_state["_last_seen"] = time.time()
    return current


def login(username: str, password: str) -> User:
    """Check the password and remember the user for this session; AuthError if wrong."""
    found = study().authenticate(username.strip(), password)
    st.session_state["_user"] = found
    st.session_state["_last_seen"] = time.time()
    return found


def logout(*, reason: str | None = None) -> None:
    """Forget the user (and everything else this session held)."""
    for key in list(st.session_state.keys()):
        if key != "_study":
            del st.session_state[key]
    if reason:
        st.session_state["_logout_reason"] = reason


def require_user() -> User:
    """The logged-in user; pages call this first."""
    current = user()
    if current is None:
        st.stop()
    return current
