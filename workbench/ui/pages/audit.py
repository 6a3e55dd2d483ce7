"""Audit log (admins): who did what and when, filtered by user, action and date; CSV for the record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from workbench.store.audit import audit_choices, audit_csv, audit_entries
from workbench.store.study import Study, User
from workbench.ui import session


def render() -> None:
    """Render the audit viewer."""
    user = session.require_user()
    study = session.study()
    st.title("Audit log")
    st.caption("Every change, login (failed ones too), export and backup, with who made it and, for the command "
               "line, the computer account that ran it. Changes to names and settings show the values before and "
               "after; transcript text is never recorded here. Times are UTC.")
    choices = audit_choices(study)
    cols = st.columns([2, 2, 2])
    users = cols[0].multiselect("User", choices["users"], format_func=lambda u: u or "(none: unknown username)",
                                placeholder="all", key="audit_users")
    actions = cols[1].multiselect("Action", choices["actions"], placeholder="all", key="audit_actions")
    today = datetime.now(UTC).date()
    span = cols[2].date_input("Dates", value=(today - timedelta(days=30), today), max_value=today, key="audit_dates")
    since, until = _span(span)
    entries = audit_entries(study, by=user, users=tuple(users), actions=tuple(actions), since=since, until=until,
                            limit=None)
    st.caption(f"{len(entries)} entries" + (" (newest first)" if entries else ""))
    st.dataframe(pd.DataFrame(entries, columns=["id", "at", "user", "action", "entity", "entity_id", "detail"]),
                 hide_index=True, width="stretch")
    if entries:
        st.download_button("Download these entries (CSV)", lambda: _csv(study.path, entries, user),
                           file_name=f"audit_{since or 'start'}_{until or today}.csv", mime="text/csv",
                           icon=":material/download:", on_click="ignore")


def _csv(path: str, entries: list[dict], user: User) -> bytes:
    # made when the button is clicked, outside the page's run: its own connection, not the session's
    with Study.open(path) as study:
        return audit_csv(study, entries, by=user)


def _span(value: object) -> tuple[str | None, str | None]:
    """The date input's range as ISO dates (a range being picked may have one end only)."""
    if isinstance(value, date):
        return value.isoformat(), value.isoformat()
    chosen = [d.isoformat() for d in (value or ()) if isinstance(d, date)]  # type: ignore[attr-defined]
    if not chosen:
        return None, None
    return chosen[0], chosen[-1]


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
