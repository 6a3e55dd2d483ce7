"""The Suggestions page's accountability section: per code and per model how suggestions fared, in plain words."""

from __future__ import annotations

import streamlit as st

from workbench.services.suggest.accountability import accountability, by_model
from workbench.store.study import Study

MEASURES_EXPLAINED = (
    "**recall@3** — of the passages people coded, the share where the right code was among the first three "
    "suggestions: how often the suggester puts the right answer within easy reach. "
    "**P@1** — the share where the very first suggestion was right: how far its top pick can be trusted. "
    "Both are measured by cross-validation: the model is trained on some transcripts and tested on others it "
    "has not seen, so a figure of 0.80 means 8 of every 10 held-out passages.")


def quality_explained() -> None:
    """recall@3 and P@1 in plain words."""
    st.markdown(MEASURES_EXPLAINED)


def accountability_section(study: Study) -> None:
    """Per code: suggested, accepted, rejected, accepted share, κ against hand coding, model versions; per model."""
    st.subheader("Accountability")
    st.caption("κ compares, on transcripts two or more coders finished, the sentences coded by accepting a "
               "suggestion with the sentences coded by hand (sentences either side coded; empty until suggestions "
               "are accepted on double-coded transcripts). It shows whether accepting suggestions leads to the "
               "coding people make unaided.")
    st.dataframe(accountability(study), hide_index=True, width="stretch",
                 column_config={"accepted share": st.column_config.NumberColumn(format="%.2f"),
                                "kappa vs hand coding": st.column_config.NumberColumn("κ vs hand coding", format="%.3f")})
    models = by_model(study)
    if not models.empty:
        st.markdown("**Which model version made them**")
        st.dataframe(models, hide_index=True, width="stretch")
