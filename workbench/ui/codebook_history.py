"""The Codebook page's history section: every version with author, time and summary; compare two versions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.store import codebook_versions
from workbench.store.study import Study
from workbench.ui.safe import md


def history_section(study: Study) -> None:
    """Render the codebook's version history and a comparison of two versions."""
    st.subheader("History")
    versions = codebook_versions.versions(study.db)
    if not versions:
        st.info("No codebook yet.")
        return
    st.caption(md(f"Current version: {codebook_versions.current_label(study.db)}. Every change to the codebook "
                  "(add, rename, move, merge, delete, definition, colour or measure mapping) makes a new version; "
                  "codings keep their code ids."))
    st.dataframe(pd.DataFrame(versions).drop(columns=["version"]), hide_index=True, width="stretch",
                 column_config={"label": "version", "created_at": "when", "author": "by", "summary": "what changed"})
    if len(versions) < 2:
        return
    numbers = [v["version"] for v in versions]
    cols = st.columns(2)
    older = cols[0].selectbox("Compare version", numbers, index=1, format_func=codebook_versions.label,
                              key="codebook_compare_old")
    newer = cols[1].selectbox("with version", numbers, index=0, format_func=codebook_versions.label,
                              key="codebook_compare_new")
    changes = codebook_versions.compare(study.db, older, newer)
    if not changes:
        st.info("These two versions are the same.")
        return
    st.dataframe(pd.DataFrame(changes)[["code", "kind", "change"]], hide_index=True, width="stretch")
