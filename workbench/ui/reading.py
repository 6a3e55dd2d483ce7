"""Trauma-informed reading in the app: the user's switch, and passages shown behind their content note."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from workbench.services.reading import notes_for, set_trauma_informed, trauma_informed
from workbench.store.study import Study, User
from workbench.ui import session
from workbench.ui.safe import md

TOGGLE_KEY = "trauma_informed_toggle"


def sidebar_toggle(study: Study, user: User) -> None:
    """The user's own switch (saved in the study; reviewers start with it on)."""

    def save() -> None:
        set_trauma_informed(study, user=user, enabled=bool(st.session_state[TOGGLE_KEY]), by=user)

    st.toggle("Collapse distressing passages", value=trauma_informed(study, user), key=TOGGLE_KEY, on_change=save,
              help="Passages coded as violence or abuse (the study's list) are hidden behind a short content note "
                   "until you open them. Exports keep the text.")


def notes(passages: Iterable[tuple[int, int, int]]) -> list[str | None]:
    """Content notes for (transcript id, start, end) passages for the logged-in user (None: show as is)."""
    user = session.user()
    passages = list(passages)
    if user is None:
        return [None] * len(passages)
    return notes_for(session.study(), user=user, passages=passages)


def passage(note: str | None, show: Callable[[], None]) -> None:
    """Show a passage, or its content note as a closed expander the reader opens deliberately."""
    if note is None:
        show()
        return
    with st.expander(md(note), icon=":material/visibility_off:", expanded=False):
        show()
