"""Hands the login to the browser as an HttpOnly cookie (set by the server, never by page script).

After a login, the page posts the session's one-time ticket to /wb/session (workbench/ui/web.py), whose answer
sets the cookie; after a logout it posts to /wb/logout, which revokes the token and deletes the cookie. The
script sees neither the token nor the cookie.
"""

from __future__ import annotations

import streamlit as st

from workbench.ui.session import cookie_instruction

_JS = """
export default function (component) {
  const { data } = component;
  const post = (path, body) => fetch(path, {method: "POST", body: body || "", credentials: "same-origin",
                                            headers: {"Content-Type": "text/plain"}, cache: "no-store"});
  if (data.ticket) post("/wb/session", data.ticket).catch(() => {});
  if (data.logout) post("/wb/logout").catch(() => {});
}
"""
_component = st.components.v2.component("workbench_session_cookie", html="<span></span>", js=_JS)


def sync_cookie() -> None:
    """Post this run's cookie instruction (a fresh login's ticket, or a logout) from the page, if there is one."""
    instruction = cookie_instruction()
    if instruction["ticket"] or instruction["logout"]:
        _component(key="session_cookie", data=instruction, height=0)
