"""Keeps the login token in a browser cookie so a reload does not log the user out."""

from __future__ import annotations

import streamlit as st

from workbench.ui.session import COOKIE, SESSION_MINUTES

_JS = """
export default function (component) {
  const { data } = component;
  const age = data.token ? data.max_age : 0;
  document.cookie = `${data.name}=${data.token || ""}; path=/; max-age=${age}; SameSite=Strict`;
}
"""
_component = st.components.v2.component("workbench_session_cookie", html="<span></span>", js=_JS)


def sync_cookie(token: str | None) -> None:
    """Set (or clear, when token is None) the session cookie in the browser."""
    _component(key="session_cookie", data={"name": COOKIE, "token": token, "max_age": int(SESSION_MINUTES * 60)},
               height=0)
