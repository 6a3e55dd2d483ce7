"""Import: upload files, preview speakers/interviewer/language/turns, set the participant, then confirm."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.importing import Prepared, prepare, store
from workbench.services.participants import ParticipantInfo, list_participants, parse_attributes
from workbench.services.pii_gate import Gate
from workbench.store.study import Study, User
from workbench.text.readers import READERS, supported
from workbench.ui import pii_panel, session
from workbench.ui.refi_import_view import SUFFIXES, is_project, project_import
from workbench.ui.safe import md
from workbench.vocab import GROUPS, LANGUAGES


def name_once(name: str, message: str) -> str:
    """A message about a file that names it once (errors from the library often name it already)."""
    return message if name in message else f"{name}: {message}"


@st.cache_data(show_spinner=False, max_entries=64)
def _prepare_cached(name: str, digest: str, _data: bytes, language: str | None, interviewer: str | None,
                    gate: Gate) -> Prepared:
    # `_data` is not hashed by Streamlit: the sha256 digest already keys the cache, so reruns hash the bytes once.
    return prepare(name, _data, language=language, interviewer=interviewer, gate=gate)


def render() -> None:
    """Render the import page."""
    user = session.require_user()
    study = session.study()
    st.title("Import transcripts")
    st.caption("Nothing is written to the study until you press Import. Each file is imported on its own: "
               "a file with a problem is skipped and reported.")
    for ok, message in st.session_state.pop("import_results", []):
        (st.success if ok else st.error)(md(message))
    # A new key after each import empties the uploader (and with it the Import button).
    round_ = st.session_state.get("import_round", 0)
    uploads = st.file_uploader("Transcript files", type=[*READERS, *SUFFIXES], accept_multiple_files=True,
                               key=f"uploads_{round_}")
    if not uploads:
        st.info(f"Upload {supported()} files (UTF-8, UTF-16, Big5/Big5-HKSCS or GB18030), or a REFI-QDA project "
                "(.qdpx) or codebook (.qdc) from NVivo, MAXQDA, ATLAS.ti or QualCoder.")
        return
    projects = [u for u in uploads if is_project(u)]
    for upload in projects:
        project_import(study, user, upload)
    uploads = [u for u in uploads if u not in projects]
    if not uploads:
        return
    known = {p["pseudonym"]: p for p in list_participants(study)}
    plans: list[tuple[Any, Prepared, dict[str, Any]]] = []
    for upload in uploads:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        with st.expander(md(upload.name), expanded=len(uploads) <= 3):
            settings = _file_settings(upload.name, digest, known)
            gate = pii_panel.gate_for_upload(study, upload.name, digest, data)
            if gate is None:  # held by the PII gate until the person decides
                continue
            try:
                with st.spinner(f"Reading {md(upload.name)}…"):
                    prepared = _prepare_cached(upload.name, digest, data, settings["language"], settings["interviewer"],
                                               gate)
            except WorkbenchError as err:
                st.error(md(name_once(upload.name, str(err))))
                continue
            _preview(prepared)
            plans.append((upload, prepared, settings))
    held = len(uploads) - len(plans)
    if held:
        st.caption(f"{held} file(s) not ready: held for identifying data or unreadable (see above).")
    if not plans:
        return
    if st.button(f"Import {len(plans)} file(s)", type="primary"):
        st.session_state["import_results"] = _import(study, user, plans)
        st.session_state["import_round"] = round_ + 1
        st.rerun()


def _import(study: Study, user: User, plans: list[tuple[Any, Prepared, dict[str, Any]]]) -> list[tuple[bool, str]]:
    """Store each planned file in its own transaction; (ok, message) per file."""
    results = []
    progress = st.progress(0.0, text="Importing…")
    for number, (upload, prepared, settings) in enumerate(plans, start=1):
        try:
            who = (ParticipantInfo(settings["pseudonym"], settings["group"], parse_attributes(settings["attributes"]))
                   if settings["pseudonym"].strip() else None)
            tid = store(study, prepared, participant=who, by=user,
                        interview_date=settings["date"] or None, interviewer_name=settings["interviewer_name"] or None)
            results.append((True, f"{upload.name}: imported as transcript {tid}."))
        except WorkbenchError as err:
            results.append((False, name_once(upload.name, str(err))))
        progress.progress(number / len(plans), text=f"Imported {number} of {len(plans)}")
    return results


def _file_settings(name: str, digest: str, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    key = digest[:12]
    cols = st.columns(3)
    pseudonym = cols[0].text_input("Participant pseudonym", key=f"{key}_p",
                                   help="An existing pseudonym attaches the transcript to that participant.")
    existing = known.get(pseudonym.strip())
    groups = list(GROUPS.values)
    group = cols[1].selectbox("Group", groups, key=f"{key}_g",
                              index=groups.index(existing["participant_group"]) if existing else 0, disabled=bool(existing))
    language = cols[2].selectbox("Language", ["detect", *LANGUAGES.values], key=f"{key}_l",
                                 format_func=lambda v: "detect" if v == "detect" else LANGUAGES.label(v))
    cols = st.columns(3)
    date = cols[0].text_input("Interview date", key=f"{key}_d", placeholder="YYYY-MM-DD")
    interviewer_name = cols[1].text_input("Interviewer (person)", key=f"{key}_i")
    interviewer = cols[2].text_input("Interviewer's speaker label", key=f"{key}_s",
                                     help="Leave empty to let the workbench guess.")
    attributes = st.text_area("Participant attributes", key=f"{key}_a", height=68,
                              placeholder="nationality: Indonesian\nsector: domestic work")
    return {"pseudonym": pseudonym, "group": existing["participant_group"] if existing else group,
            "language": None if language == "detect" else language, "date": date.strip(),
            "interviewer_name": interviewer_name.strip(), "interviewer": interviewer.strip() or None,
            "attributes": attributes}


def _preview(prepared: Prepared) -> None:
    summary = prepared.summary()
    st.markdown(f"**{md(summary['format'])}**, {md(summary['encoding'])}, language **{md(summary['language'])}**, "
                f"{summary['characters']:,} characters, {summary['turns']} turns, {summary['sentences']} sentences")
    speakers = ", ".join(f"{k} ({v} turns)" for k, v in summary["speakers"].items()) or "none found"
    st.markdown(f"Speakers: {md(speakers)}. Interviewer: **{md(summary['interviewer'] or 'unknown')}**")
    for warning in summary["warnings"]:
        st.warning(md(warning))
    text = prepared.document.text
    st.dataframe(pd.DataFrame([{"speaker": s.speaker, "language": s.language, "interviewer": s.is_interviewer,
                                "text": text[s.start:s.end][:160]} for s in prepared.segments[:12]]),
                 hide_index=True, width="stretch")


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
