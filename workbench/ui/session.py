"""Per-browser-session state: the open study, the logged-in user, expiry."""

from __future__ import annotations

import os
import time

import streamlit as st

from workbench.errors import AuthError, NotFoundError
from workbench.store import accounts
from workbench.store.study import Study, User
from workbench.ui.safe import md
from workbench.ui.tokens import COOKIE, SESSION_MINUTES, TOKENS


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
            st.error(md(err))
            st.stop()
        st.session_state["_study"] = opened
    return opened


def user() -> User | None:
    """The logged-in user as the study has them now (a role change counts at once), or None when logged out,
    expired or disabled; a reload keeps the login through the HttpOnly cookie."""
    current = st.session_state.get("_user")
    if current is None:
        return _restore_from_cookie()
    token = st.session_state.get("_token")
    if time.time() - st.session_state.get("_last_seen", 0) > SESSION_MINUTES * 60 or (
            token and TOKENS.resolve(token, study_path()) is None):
        logout(reason="Your session expired; please log in again.")
        return None
    try:
        fresh = study().user(current.username)
    except NotFoundError:
        logout(reason="Your account has been disabled; ask your study administrator.")
        return None
    st.session_state.update({"_user": fresh, "_last_seen": time.time()})
    return fresh


def _restore_from_cookie() -> User | None:
    token = st.context.cookies.get(COOKIE)
    if not token or token == st.session_state.get("_revoked"):
        return None
    username = TOKENS.resolve(token, study_path())
    if username is None:
        return None
    try:
        found = study().user(username)
    except NotFoundError:
        return None
    st.session_state.update({"_user": found, "_token": token, "_last_seen": time.time()})
    return found


def login(username: str, password: str) -> User:
    """Check the password (rate-limited, audited) and remember the user; AuthError if refused."""
    found = accounts.login(study(), username, password, client="app")
    token = TOKENS.issue(study_path(), found.username)
    # The page turns this one-time ticket into an HttpOnly cookie at /wb/session; the token itself never
    # reaches page script.
    st.session_state.update({"_user": found, "_last_seen": time.time(), "_token": token,
                             "_ticket": TOKENS.ticket(token)})
    return found


def logout(*, reason: str | None = None) -> None:
    """Forget the user (and everything else this session held) and revoke the login token."""
    token = st.session_state.get("_token")
    TOKENS.revoke(token)
    for key in list(st.session_state.keys()):
        if key != "_study":
            del st.session_state[key]
    st.session_state["_revoked"] = token
    st.session_state["_clear_cookie"] = True
    if reason:
        st.session_state["_logout_reason"] = reason


def cookie_instruction() -> dict[str, str | bool | None]:
    """What the page must do with the cookie on this run: post the login's ticket until the server has taken it
    (a run cut short by a page switch would lose it otherwise), or clear the cookie once after a logout."""
    ticket = st.session_state.get("_ticket")
    if ticket and not TOKENS.pending(ticket):
        del st.session_state["_ticket"]
        ticket = None
    return {"ticket": ticket, "logout": st.session_state.pop("_clear_cookie", False)}


def require_user() -> User:
    """The logged-in user; pages call this first."""
    current = user()
    if current is None:
        st.stop()
    return current
