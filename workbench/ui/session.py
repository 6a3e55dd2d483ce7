"""Per-browser-session state: the open study, the logged-in user, expiry."""

from __future__ import annotations

import os
import secrets
import threading
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


COOKIE = "wb_session"


class _Tokens:
    """Server-side login tokens (in memory: a restart logs everyone out); the browser holds only the token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, str, float]] = {}

    def issue(self, path: str, username: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (path, username, time.time())
        return token

    def resolve(self, token: str, path: str) -> str | None:
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None or entry[0] != path:
                return None
            if time.time() - entry[2] > SESSION_MINUTES * 60:
                del self._tokens[token]
                return None
            self._tokens[token] = (entry[0], entry[1], time.time())
            return entry[1]

    def revoke(self, token: str | None) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)


@st.cache_resource
def _tokens() -> _Tokens:
    return _Tokens()


def user() -> User | None:
    """The logged-in user, or None (also after the session expired); a reload keeps the login via a cookie."""
    current = st.session_state.get("_user")
    if current is None:
        return _restore_from_cookie()
    token = st.session_state.get("_token")
    if time.time() - st.session_state.get("_last_seen", 0) > SESSION_MINUTES * 60 or (
            token and _tokens().resolve(token, study_path()) is None):
        logout(reason="Your session expired; please log in again.")
        return None
    st.session_state["_last_seen"] = time.time()
    return current


def _restore_from_cookie() -> User | None:
    token = st.context.cookies.get(COOKIE)
    if not token or token == st.session_state.get("_revoked"):
        return None
    username = _tokens().resolve(token, study_path())
    if username is None:
        return None
    try:
        found = study().user(username)
    except NotFoundError:
        return None
    st.session_state.update({"_user": found, "_token": token, "_last_seen": time.time()})
    return found


def login(username: str, password: str) -> User:
    """Check the password and remember the user for this session; AuthError if wrong."""
    found = study().authenticate(username.strip(), password)
    st.session_state.update({"_user": found, "_last_seen": time.time(),
                             "_token": _tokens().issue(study_path(), found.username)})
    return found


def logout(*, reason: str | None = None) -> None:
    """Forget the user (and everything else this session held) and revoke the login token."""
    token = st.session_state.get("_token")
    _tokens().revoke(token)
    for key in list(st.session_state.keys()):
        if key != "_study":
            del st.session_state[key]
    st.session_state["_revoked"] = token
    if reason:
        st.session_state["_logout_reason"] = reason


def token() -> str | None:
    """This session's login token (for the cookie)."""
    return st.session_state.get("_token")


def require_user() -> User:
    """The logged-in user; pages call this first."""
    current = user()
    if current is None:
        st.stop()
    return current
