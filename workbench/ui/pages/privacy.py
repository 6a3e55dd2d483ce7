"""Privacy and care (admins): the names list the PII gate applies at import, and the codes behind content notes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.services.codes import list_codes
from workbench.services.pii_gate import add_names, list_names, names_from_csv, remove_name
from workbench.services.reading import sensitive_codes, set_sensitive_codes
from workbench.text.pii import RECOGNISERS
from workbench.ui import session
from workbench.ui.writes import attempt, show_done

DONE = "privacy_done"


def render() -> None:
    """Render the privacy page (users who may configure the study)."""
    user = session.require_user()
    study = session.study()
    st.title("Privacy and care")
    show_done(DONE)
    st.caption("Every import is screened for " + ", ".join(r.en for r in RECOGNISERS.values())
               + " and the names below. A file with findings is held until it is pseudonymised or kept with a "
                 "written reason (audited by kind and count, never the value).")

    st.subheader("Names list")
    st.caption("Real names are replaced by their pseudonym in every transcript imported from now on. This list "
               "is the key to who is who: only admins see it, and no export includes it.")
    rows = list_names(study, by=user)
    if rows:
        st.dataframe(pd.DataFrame(rows)[["id", "real_name", "pseudonym", "created_by", "created_at"]],
                     hide_index=True, width="stretch")
        labels = {r["id"]: f"{r['pseudonym']} (entry {r['id']})" for r in rows}
        cols = st.columns([3, 1])
        entry = cols[0].selectbox("Entry to remove", list(labels), format_func=labels.get, key="privacy_remove")
        if cols[1].button("Remove", key="privacy_remove_button"):
            attempt(lambda: remove_name(study, entry, by=user), f"Removed {labels[entry]}.", key=DONE)
    with st.form("privacy_add", clear_on_submit=True):
        cols = st.columns(2)
        real = cols[0].text_input("Real name", placeholder="as it appears in transcripts")
        pseudonym = cols[1].text_input("Pseudonym")
        if st.form_submit_button("Add to the names list"):
            attempt(lambda: add_names(study, [(real, pseudonym)], by=user), f"Added a name for {pseudonym}.", key=DONE)
    upload = st.file_uploader("Or add a CSV file (columns real_name, pseudonym)", type=["csv"], key="privacy_csv")
    if upload is not None and st.button("Add the names in the file", key="privacy_csv_add"):
        attempt(lambda: add_names(study, names_from_csv(upload.getvalue().decode("utf-8-sig"), source=upload.name),
                                  by=user), lambda n: f"Added or updated {n} name(s).", key=DONE)

    st.subheader("Content notes")
    st.caption("Passages coded with these codes (a theme covers its codes) are collapsed behind a content note for "
               "users who read that way (reviewers by default; everyone can switch it in the sidebar).")
    codes = {c["id"]: f"{c['name_en']} ({c['id']})" for c in list_codes(study, counts=False)}
    current = [c for c in sensitive_codes(study) if c in codes]
    chosen = st.multiselect("Codes behind a content note", list(codes), default=current, format_func=codes.get,
                            key="privacy_sensitive")
    if st.button("Save content-note codes", key="privacy_sensitive_save", disabled=chosen == current):
        attempt(lambda: set_sensitive_codes(study, chosen, by=user),
                f"Content notes now cover {len(chosen)} code(s).", key=DONE)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
