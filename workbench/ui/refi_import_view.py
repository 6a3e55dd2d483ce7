"""The Import page's part for REFI-QDA projects (.qdpx) and codebooks (.qdc): preview the plan, then import all."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import InputError, PiiHeld, WorkbenchError
from workbench.services.exports.refi_import import IMPORTED_ROOT, POSITIONS, ImportPlan, apply_plan, read_refi, sniff
from workbench.services.pii_gate import PSEUDONYMISE, Decision
from workbench.store.study import Study, User
from workbench.ui.safe import md

SUFFIXES = ("qdpx", "qdc")
POSITION_HELP = {"auto": "automatic (line breaks count twice in MAXQDA files)", "characters": "one per character",
                 "crlf": "a line break counts twice (MAXQDA)"}


def is_project(upload: Any) -> bool:
    """Whether an uploaded file is a REFI-QDA project or codebook (by content, or by its suffix)."""
    return sniff(upload.name, upload.getvalue()[:200_000]) is not None


def _plan_key(data: bytes, positions: str, decision: Decision | None = None) -> str:
    return f"_refi_plan_{hashlib.sha256(data).hexdigest()[:16]}_{positions}_{hash(decision)}"


def _plan(study: Study, name: str, data: bytes, positions: str, decision: Decision | None) -> ImportPlan:
    """The import plan of an upload, kept for this session (reading a big project takes seconds)."""
    key = _plan_key(data, positions, decision)
    if key not in st.session_state:
        st.session_state[key] = read_refi(study, name, data, positions=positions, pii=decision)
    return st.session_state[key]


def _pii_decision(held: PiiHeld, *, key: str) -> None:
    """A held project: what was found (lines and kinds only) and the choice to pseudonymise or keep with a reason."""
    st.warning(md(f"Held: {held}"), icon=":material/shield_person:")
    reason = st.text_input("Reason to keep identifying data", key=f"{key}_pii_reason",
                           help="Needed to import the project as is; recorded in the audit log.")
    cols = st.columns(2)
    chosen = None
    if cols[0].button("Pseudonymise", key=f"{key}_pii_pseudonymise", type="primary", icon=":material/masks:",
                      help="Replace every finding with a placeholder such as [PHONE-1]; codings stay on their words."):
        chosen = PSEUDONYMISE
    if cols[1].button("Import as is", key=f"{key}_pii_keep", help="Keep the data, for the reason given."):
        chosen = Decision.override(reason)
        try:
            chosen.check([])
        except InputError as err:
            st.error(md(err))
            return
    if chosen is not None:
        st.session_state[f"{key}_pii"] = chosen
        st.rerun()


def project_import(study: Study, user: User, upload: Any) -> None:
    """Preview what a project or codebook brings into the study and import it, all or nothing, on request."""
    data = upload.getvalue()
    key = hashlib.sha256(data).hexdigest()[:12]
    with st.expander(md(upload.name), expanded=True):
        positions = st.selectbox("Selection positions", POSITIONS, format_func=POSITION_HELP.get, key=f"{key}_pos")
        decision: Decision | None = st.session_state.get(f"{key}_pii")
        try:
            with st.spinner(f"Reading {md(upload.name)}…"):
                plan = _plan(study, upload.name, data, positions, decision)
        except PiiHeld as held:
            _pii_decision(held, key=key)
            return
        except WorkbenchError as err:
            st.error(md(err))
            return
        summary = plan.summary()
        st.markdown(f"REFI-QDA {'project' if plan.kind == 'qdpx' else 'codebook'} written by **{md(plan.origin)}**. "
                    "Nothing is written until you press Import; then everything is imported, or nothing.")
        rows = [("transcripts", summary["sources"], summary["new_sources"]), ("codes", summary["codes"], summary["new_codes"]),
                ("users", summary["users"], summary["new_users"]), ("participants", summary["participants"], None),
                ("codings", summary["codings"], None), ("memos", summary["memos"], None)]
        st.dataframe(pd.DataFrame(rows, columns=["in the file", "count", "new to this study"]), hide_index=True)
        if summary["imported_branch"]:
            st.caption(f"{summary['imported_branch']} code(s) not in this study's codebook go under '{IMPORTED_ROOT}'.")
        if summary["new_users"]:
            st.caption("New users become coders without a password: they cannot log in until an admin sets one.")
        for warning in summary["warnings"]:
            st.warning(md(warning))
        if st.button(f"Import {md(upload.name)}", type="primary", key=f"{key}_go"):
            try:
                added = apply_plan(study, plan, by=user)
            except WorkbenchError as err:
                st.error(md(err))
                return
            finally:  # the study has changed (or the plan failed): read the file afresh next time
                st.session_state.pop(_plan_key(data, positions, decision), None)
            st.success(f"{md(upload.name)}: imported " + ", ".join(f"{v} {k}" for k, v in added.items()) + ".")
