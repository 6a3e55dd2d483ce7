"""Memos: write memos on the study, transcripts, codes and participants; list, search, edit and delete them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.services import transcripts
from workbench.services.codes import list_codes
from workbench.services.memos import add_memo, coding_memos, delete_memo, list_memos, update_memo
from workbench.services.participants import list_participants
from workbench.store.study import Study, User
from workbench.ui import session
from workbench.ui.writes import attempt, show_done
from workbench.vocab import MEMO_TARGETS

DONE = "memos_done"  # session key of the message the last write left for the rerun
# The targets a memo can be written on from this page (coding memos are written on the coding page).
NEW_TARGETS = ("study", "transcript", "code", "participant")


def render() -> None:
    """Render the memos page."""
    user = session.require_user()
    study = session.study()
    st.title("Memos")
    show_done(DONE)
    cols = st.columns([2, 1])
    query = cols[0].text_input("Search memos")
    kind = cols[1].selectbox("Attached to", ["all", *MEMO_TARGETS.values])
    memos = list_memos(study, target_type=None if kind == "all" else kind, query=query.strip() or None)
    if memos:
        st.dataframe(memo_table(memos), hide_index=True, width="stretch")
    else:
        st.info("No memos match." if query else "No memos yet.")
    if kind in ("all", "coding"):
        _coding_memos(study, query)
    if not user.may("memos.write"):
        return
    _new_memo(study, user)
    _edit_memo(study, user, list_memos(study))


def memo_table(memos: list[dict[str, Any]]) -> pd.DataFrame:
    """The memo list as people read it: what it is about, title, text, author, when written and edited."""
    return pd.DataFrame([{"about": m["about"], "title": m["title"], "memo": m["body"], "author": m["author"],
                          "written": _day(m["created_at"]), "edited": _day(m["updated_at"]), "no.": m["id"]}
                         for m in memos])


def _day(stamp: str | None) -> str:
    return (stamp or "").replace("T", " ")[:16]


def _coding_memos(study: Study, query: str) -> None:
    on_codings = coding_memos(study, query=query.strip() or None)
    if not on_codings:
        return
    st.subheader("Memos on codings")
    st.caption("Written on the coding page, with the passage they belong to.")
    st.dataframe(pd.DataFrame([{"transcript": m["transcript"], "code": m["code_id"], "memo": m["memo"],
                                "author": m["author"], "written": _day(m["created_at"]), "coding no.": m["coding_id"]}
                               for m in on_codings]), hide_index=True, width="stretch")


def _targets(study: Study, target_type: str) -> dict[str, str]:
    """Target id → how a person recognises it, for the chosen kind of target."""
    if target_type == "transcript":
        return {str(r["id"]): f"{r['stem']} ({r['participant'] or 'no participant'})"
                for r in transcripts.transcript_choices(study)}
    if target_type == "code":
        return {c["id"]: f"{c['name_en']} · {c['name_zh'] or ''} ({c['id']})" for c in list_codes(study, counts=False)}
    if target_type == "participant":
        return {str(p["id"]): f"{p['pseudonym']} ({p['participant_group']})" for p in list_participants(study)}
    return {"study": "the study as a whole"}


def _new_memo(study: Study, user: User) -> None:
    st.subheader("New memo")
    target_type = st.selectbox("About", NEW_TARGETS, format_func=MEMO_TARGETS.label)
    targets = _targets(study, target_type)
    if not targets:
        st.info(f"There is no {target_type} to write a memo on yet.")
        return
    # The form keeps what was typed when saving fails; after a save a new form key gives empty fields.
    version = st.session_state.setdefault("memos_form", 0)
    with st.form(f"new_memo_{version}"):
        target = st.selectbox("Which", list(targets), format_func=targets.get)
        title = st.text_input("Title")
        body = st.text_area("Memo text")
        if st.form_submit_button("Save memo", type="primary"):
            def save() -> None:
                add_memo(study, target_type=target_type, target_id=target, body=body, title=title, by=user)
                st.session_state["memos_form"] = version + 1

            attempt(save, "Memo saved.", key=DONE)


def _edit_memo(study: Study, user: User, memos: list[dict[str, Any]]) -> None:
    mine = {m["id"]: m for m in memos if user.may_change(m["author"])}
    if not mine:
        return
    st.subheader("Edit or delete a memo")
    st.caption("Your own memos" + (" and, as an admin, everyone's." if user.may("others.change") else "."))
    memo_id = st.selectbox("Memo", list(mine), key="memo_edit_pick",
                           format_func=lambda i: f"no. {i} · {mine[i]['about']} · "
                                                 f"{mine[i]['title'] or mine[i]['body'][:50]} ({mine[i]['author']})")
    memo = mine[memo_id]
    with st.form(f"edit_memo_{memo_id}"):
        title = st.text_input("Change the title", value=memo["title"], key=f"memo_title_{memo_id}")
        body = st.text_area("Change the memo text", value=memo["body"], key=f"memo_body_{memo_id}")
        if st.form_submit_button("Save changes"):
            attempt(lambda: update_memo(study, memo_id, body=body, title=title, by=user), "Memo saved.", key=DONE)
    sure = st.checkbox("Delete this memo for good", key=f"memo_delete_sure_{memo_id}")
    if st.button("Delete memo", disabled=not sure, key=f"memo_delete_{memo_id}"):
        attempt(lambda: delete_memo(study, memo_id, by=user), "Memo deleted.", key=DONE)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
