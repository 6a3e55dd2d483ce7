"""The login form."""

from __future__ import annotations

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui import session
from workbench.ui.safe import md


def login_form() -> None:
    """Render the login form; on success rerun into the requested page."""
    st.title("Interview research workbench")
    st.caption("Survivor interviews are confidential. Log in with the account your study administrator gave you.")
    reason = st.session_state.pop("_logout_reason", None)
    if reason:
        st.info(reason)
    with st.form("login"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in")
    if submitted:
        try:
            session.login(username, password)
        except WorkbenchError as err:  # wrong password, locked out, or the study busy for a moment
            st.error(md(str(err).capitalize()))
            return
        st.rerun()
