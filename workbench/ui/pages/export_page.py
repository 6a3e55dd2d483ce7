"""Export: the whole study out — Word report, tables (with the framework matrix shown here), codebook, project file."""

from __future__ import annotations

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.exports import TABLES, TableRequest, build_table, may_export
from workbench.services.exports.registry import reviewers_may_export_project
from workbench.services.exports.tables import AXES
from workbench.store.permissions import REVIEWERS_EXPORT_PROJECT
from workbench.ui import session
from workbench.ui.analysis_view import filter_widgets, label_language
from workbench.ui.exports_view import export_downloads
from workbench.ui.safe import md

PREVIEW_ROWS = 200


def render() -> None:
    """Render the export page (every role; reviewers get the project file only where an admin allows it)."""
    user = session.require_user()
    study = session.study()
    st.title("Export")
    st.caption("Findings out of the study. Quotes carry pseudonyms only. Every download is recorded in the audit "
               "log (who, what, which filters), never its content.")
    lang = label_language(key="export_lang")
    filters = filter_widgets(study, key="export", show=("group", "language", "coder", "assessment", "measure", "code"))

    st.subheader("Word report")
    st.caption("Method, charts, every theme and code with counts by group and the strongest quotes, every framework "
               "measure with who spoke to it (facilitator or barrier) and key quotes; labels in the language chosen.")
    export_downloads(study, key="export_report", formats=("docx",), filters=filters, lang=lang)

    st.subheader("Tables")
    names = [n for n in TABLES if n not in ("search", "codebook")]
    chosen = st.selectbox("Table", names, format_func=lambda n: TABLES[n].label, key="export_table")
    axis = st.radio("Framework matrix columns", AXES, horizontal=True, key="export_axis") if chosen == "framework" else None
    st.caption(f"Counts: {TABLES[chosen].counts}.")
    options = {"axis": axis} if axis else {}
    try:
        table = build_table(study, chosen, TableRequest(filters=filters, options=options))
    except WorkbenchError as err:
        st.error(md(err))
        return
    st.dataframe(table.head(PREVIEW_ROWS), hide_index=True, width="stretch")
    if len(table) > PREVIEW_ROWS:
        st.caption(f"Showing {PREVIEW_ROWS} of {len(table)} rows; the downloads hold them all.")
    export_downloads(study, key="export_tables", tables=(chosen,), filters=filters, options=options)

    st.subheader("Codebook")
    export_downloads(study, key="export_codebook", tables=("codebook",), formats=("qdc", "yaml"))

    st.subheader("Project file (REFI-QDA)")
    st.caption("The whole study for NVivo, MAXQDA, ATLAS.ti or QualCoder: transcripts in full, codes, codings with "
               "their coders, memos, participants with their attributes. Filters do not apply.")
    if may_export(study, user, "qdpx"):
        crlf = st.checkbox("Count a line break as two characters (for MAXQDA)", key="export_crlf")
        export_downloads(study, key="export_project", formats=("qdpx",), options={"crlf": crlf})
    else:
        st.info("The project file holds every transcript in full; reviewers may download it only where an admin "
                "allows it.")
    if user.may("study.configure"):
        allowed = st.toggle("Reviewers may download the project file", value=reviewers_may_export_project(study),
                            key="export_reviewers_project")
        if allowed != reviewers_may_export_project(study):
            study.set_meta(REVIEWERS_EXPORT_PROJECT, "1" if allowed else "0", by=user)
            st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
