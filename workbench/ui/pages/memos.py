"""Memos: write memos on the study, transcripts and codes; list and search them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services import transcripts
from workbench.services.codes import list_codes
from workbench.services.memos import add_memo, coding_memos, list_memos
from workbench.services.transcripts import resolve_transcript
from workbench.ui import session
from workbench.ui.safe import md
from workbench.vocab import MEMO_TARGETS


def render() -> None:
    """Render the memos page."""
    user = session.require_user()
    study = session.study()
    st.title("Memos")
    cols = st.columns([2, 1])
    query = cols[0].text_input("Search memos")
    kind = cols[1].selectbox("Attached to", ["all", *MEMO_TARGETS.values])
    memos = list_memos(study, target_type=None if kind == "all" else kind, query=query.strip() or None)
    if memos:
        st.dataframe(pd.DataFrame(memos)[["id", "target_type", "target_id", "title", "body", "author", "created_at"]],
                     hide_index=True, width="stretch")
    else:
        st.info("No memos match." if query else "No memos yet.")
    if kind in ("all", "coding"):
        on_codings = coding_memos(study, query=query.strip() or None)
        if on_codings:
            st.subheader("Memos on codings")
            st.dataframe(pd.DataFrame(on_codings), hide_index=True, width="stretch",
                         column_config={"transcript": st.column_config.TextColumn("transcript")})
    if not user.may("memos.write"):
        return
    st.subheader("New memo")
    target_type = st.selectbox("About", ["study", "transcript", "code"])
    targets: list[str] = ["study"]
    if target_type == "transcript":
        targets = [r["stem"] for r in transcripts.list_transcripts(study)]
    elif target_type == "code":
        targets = [c["id"] for c in list_codes(study)]
    if st.session_state.pop("_memo_saved", False):  # cleared only after a save landed: a failed one keeps the text
        st.session_state.update({"memo_title": "", "memo_body": ""})
    with st.form("new_memo"):
        target = st.selectbox("Which", targets)
        title = st.text_input("Title", key="memo_title")
        body = st.text_area("Memo text", key="memo_body")
        if st.form_submit_button("Save memo"):
            try:
                target_id = resolve_transcript(study, target) if target_type == "transcript" else target
                add_memo(study, target_type=target_type, target_id=target_id, body=body, title=title, by=user)
            except WorkbenchError as err:
                st.error(md(err) + " Your text is still in the form.")
            else:
                st.session_state["_memo_saved"] = True
                st.success("Memo saved.")
                st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
