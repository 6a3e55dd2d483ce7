"""The Transcripts page's editing sections: participants' details, correcting a text, deleting a transcript."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.coding import remove_coding
from workbench.services.corrections import confirm_coding, correct_text, flagged_codings, plan_correction
from workbench.services.participants import format_attributes, list_participants, parse_attributes, update_participant
from workbench.services.transcripts import delete_transcript, transcript
from workbench.store.study import Study, User
from workbench.ui.safe import md
from workbench.ui.writes import attempt
from workbench.vocab import GROUPS

DONE = "transcripts_done"  # session key of the message the last write left for the rerun


def participants_section(study: Study, user: User) -> None:
    """Edit a participant's pseudonym, group and attributes."""
    people = {p["id"]: p for p in list_participants(study)}
    if not people:
        st.info("No participants yet: they are created when transcripts are imported.")
        return
    st.dataframe(pd.DataFrame([{"pseudonym": p["pseudonym"], "group": p["participant_group"],
                                "attributes": format_attributes(p["attributes"]).replace("\n", "; "),
                                "transcripts": p["transcripts"]} for p in people.values()]),
                 hide_index=True, width="stretch")
    pid = st.selectbox("Participant", list(people), format_func=lambda i: people[i]["pseudonym"], key="edit_participant")
    person = people[pid]
    with st.form(f"participant_{pid}"):
        cols = st.columns(2)
        pseudonym = cols[0].text_input("Pseudonym", value=person["pseudonym"])
        group = cols[1].selectbox("Group", GROUPS.values, index=GROUPS.values.index(person["participant_group"]))
        attributes = st.text_area("Attributes (one 'name: value' per line)", value=format_attributes(person["attributes"]))
        if st.form_submit_button("Save participant", type="primary"):
            attempt(lambda: update_participant(study, pid, pseudonym=pseudonym, group=group,
                                            attributes=parse_attributes(attributes), by=user),
                    f"Saved participant {pseudonym.strip()}.", key=DONE)


def correction_section(study: Study, user: User, transcript_id: int) -> None:
    """Correct a transcript's text (find and replace, or edit it whole), preview what happens to codings, apply."""
    current = transcript(study, transcript_id)
    key = f"{transcript_id}_{current['text_hash'][:12]}"
    st.caption(f"Correcting {md(current['stem'])}. Redact a name or fix a typo. Codings on unchanged words move "
               "with the text; a coding whose words changed is flagged for its coder to check; nothing is saved "
               "until you apply.")
    how = st.radio("How", ["Find and replace", "Edit the whole text"], horizontal=True, key=f"how_{key}")
    if how == "Find and replace":
        cols = st.columns(2)
        find = cols[0].text_input("Find (exact text)", key=f"find_{key}")
        replace = cols[1].text_input("Replace with", key=f"replace_{key}", placeholder="[NAME-1]")
        found = current["text"].count(find) if find else 0
        if find:
            st.caption(f"{found} occurrence(s) in this transcript.")
        new_text = current["text"].replace(find, replace) if find else current["text"]
    else:
        new_text = st.text_area("Transcript text", value=current["text"], height=400, key=f"text_{key}")
    if new_text == current["text"]:
        _flagged(study, user, transcript_id)
        return
    try:
        plan = plan_correction(study, transcript_id, new_text)
    except WorkbenchError as err:
        st.error(md(err))
        return
    st.info(md(plan.summary()))
    for warning in plan.warnings:
        st.warning(md(warning))
    sure = st.checkbox("Apply this correction to the stored transcript", key=f"sure_{key}")
    if st.button("Apply correction", type="primary", disabled=not sure, key=f"apply_{key}"):
        with st.spinner("Correcting and segmenting the text again…"):
            attempt(lambda: correct_text(study, transcript_id, new_text, by=user, expected_hash=current["text_hash"]),
                    lambda done: f"Corrected {current['stem']}: {done.summary()}.", key=DONE)
    _flagged(study, user, transcript_id)


def _flagged(study: Study, user: User, transcript_id: int) -> None:
    flagged = flagged_codings(study, transcript_id)
    if not flagged:
        return
    st.markdown("**Codings to check** — their words changed since they were coded")
    st.dataframe(pd.DataFrame([{"no.": f["id"], "code": f["name_en"], "coder": f["coder"], "passage now": f["snippet"]}
                               for f in flagged]), hide_index=True, width="stretch")
    mine = {f["id"]: f for f in flagged if user.may_change(f["coder"])}
    if not mine:
        return
    cid = st.selectbox("Flagged coding", list(mine), key=f"flagged_{transcript_id}",
                       format_func=lambda i: f"no. {i} · {mine[i]['name_en']} · {mine[i]['coder']}")
    cols = st.columns(2)
    if cols[0].button("It still fits: keep it", key=f"keep_{cid}"):
        attempt(lambda: confirm_coding(study, cid, by=user), f"Coding {cid} checked and kept.", key=DONE)
    if cols[1].button("Remove this coding", key=f"drop_{cid}"):
        attempt(lambda: remove_coding(study, cid, by=user), f"Coding {cid} removed.", key=DONE)


def delete_section(study: Study, user: User, transcript_id: int) -> None:
    """Delete a transcript with everything coded on it (admins), after typing its name."""
    current = transcript(study, transcript_id)
    st.warning(md(f"Deleting {current['stem']} removes its text, its {current['codings']} coding(s) by every coder, its "
                  "suggestions and the memos on it. This cannot be undone (keep a backup of the study file)."))
    typed = st.text_input("Type the transcript's name to confirm", key=f"delete_name_{transcript_id}")
    if st.button("Delete transcript", disabled=typed.strip() != current["stem"], key=f"delete_{transcript_id}"):
        attempt(lambda: delete_transcript(study, transcript_id, by=user),
                lambda counts: f"Deleted {current['stem']} ({counts['codings']} codings, {counts['memos']} memos).",
                key=DONE)
