"""The Import page's part for REFI-QDA projects (.qdpx) and codebooks (.qdc): preview the plan, then import all."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.exports.refi_import import IMPORTED_ROOT, POSITIONS, ImportPlan, apply_plan, read_refi, sniff
from workbench.store.study import Study, User
from workbench.ui.safe import md

SUFFIXES = ("qdpx", "qdc")
POSITION_HELP = {"auto": "automatic (line breaks count twice in MAXQDA files)", "characters": "one per character",
                 "crlf": "a line break counts twice (MAXQDA)"}


def is_project(upload: Any) -> bool:
    """Whether an uploaded file is a REFI-QDA project or codebook (by content, or by its suffix)."""
    return sniff(upload.name, upload.getvalue()[:200_000]) is not None


def _plan_key(data: bytes, positions: str) -> str:
    return f"_refi_plan_{hashlib.sha256(data).hexdigest()[:16]}_{positions}"


def _plan(study: Study, name: str, data: bytes, positions: str) -> ImportPlan:
    """The import plan of an upload, kept for this session (reading a big project takes seconds)."""
    key = _plan_key(data, positions)
    if key not in st.session_state:
        st.session_state[key] = read_refi(study, name, data, positions=positions)
    return st.session_state[key]


def project_import(study: Study, user: User, upload: Any) -> None:
    """Preview what a project or codebook brings into the study and import it, all or nothing, on request."""
    data = upload.getvalue()
    key = hashlib.sha256(data).hexdigest()[:12]
    with st.expander(md(upload.name), expanded=True):
        positions = st.selectbox("Selection positions", POSITIONS, format_func=POSITION_HELP.get, key=f"{key}_pos")
        try:
            with st.spinner(f"Reading {upload.name}…"):
                plan = _plan(study, upload.name, data, positions)
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
                st.session_state.pop(_plan_key(data, positions), None)
            st.success(f"{md(upload.name)}: imported " + ", ".join(f"{v} {k}" for k, v in added.items()) + ".")
