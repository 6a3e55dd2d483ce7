"""Users (admins): add accounts, change roles, disable or enable, reset passwords and lift lockouts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.store import accounts
from workbench.store.passwords import generate_password
from workbench.ui import session
from workbench.ui.safe import md
from workbench.ui.tokens import TOKENS
from workbench.vocab import ROLES


def render() -> None:
    """Render the accounts page."""
    user = session.require_user()
    study = session.study()
    st.title("Users")
    st.caption("Accounts of this study. A role change or a disabled account counts at once, also for someone "
               f"logged in. After {accounts.MAX_FAILURES} wrong passwords in a row a username is locked for "
               f"{accounts.LOCK_MINUTES} minutes; lift it here or by resetting the password.")
    shown = st.session_state.pop("users_password", None)
    if shown:  # a generated password is shown once, for the admin to pass on
        st.success(f"Password for {md(shown[0])}, shown only now:")
        st.code(shown[1], language=None)
    flash = st.session_state.pop("users_flash", None)
    if flash:
        st.success(md(flash))
    rows = accounts.list_accounts(study)
    st.dataframe(pd.DataFrame(rows)[["username", "display_name", "role", "active", "last_login_at", "locked_until",
                                     "created_at"]], hide_index=True, width="stretch")
    usernames = [r["username"] for r in rows]
    add, role, access, password = st.tabs(["Add", "Change role", "Disable / enable", "Reset password or unlock"])
    with add, st.form("add_user"):
        cols = st.columns(3)
        username = cols[0].text_input("Username", key="new_username")
        display = cols[1].text_input("Display name", key="new_display")
        new_role = cols[2].selectbox("Role", ROLES.values, format_func=ROLES.label, key="new_role", index=1)
        if st.form_submit_button("Add user"):
            secret = generate_password()
            _run(lambda: study.add_user(username=username.strip(), role=new_role, password=secret,
                                        display_name=display.strip() or None, by=user),
                 f"Added {username.strip()} ({new_role}).", password=(username.strip(), secret))
    with role, st.form("set_role"):
        target = st.selectbox("Account", usernames, key="role_target")
        chosen = st.selectbox("New role", ROLES.values, format_func=ROLES.label, key="role_value")
        if st.form_submit_button("Change role"):
            _run(lambda: accounts.set_role(study, target, chosen, by=user), f"{target} is now {chosen}.")
    with access, st.form("set_active"):
        target = st.selectbox("Account", usernames, key="active_target")
        enable = st.radio("Access", ["disable", "enable"], horizontal=True, key="active_value") == "enable"
        if st.form_submit_button("Apply"):
            _run(lambda: accounts.set_active(study, target, enable, by=user),
                 f"{target} {'enabled' if enable else 'disabled'}.", end_sessions_of=None if enable else target)
    with password, st.form("reset_password"):
        target = st.selectbox("Account", usernames, key="reset_target")
        cols = st.columns(2)
        if cols[0].form_submit_button("Reset password"):
            secret = generate_password()
            _run(lambda: accounts.reset_password(study, target, secret, by=user),
                 f"Password of {target} reset; any lockout lifted; their sessions ended.", password=(target, secret),
                 end_sessions_of=target)
        if cols[1].form_submit_button("Unlock only"):
            _run(lambda: accounts.unlock(study, target, by=user), f"{target} unlocked.")


def _run(action, message: str, *, password: tuple[str, str] | None = None, end_sessions_of: str | None = None) -> None:
    try:
        action()
    except WorkbenchError as err:
        st.error(md(err))
        return
    if end_sessions_of:  # a disabled account or a reset password logs that person out everywhere
        TOKENS.revoke_user(session.study_path(), end_sessions_of)
    st.session_state["users_flash"] = message
    if password:
        st.session_state["users_password"] = password
    st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
