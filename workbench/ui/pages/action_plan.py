"""Action Plan: the framework's measures, who spoke to each, facilitator or barrier, and the quotes."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from workbench.services.analysis import Filters, measure_codes, measure_participants, measure_summary, population, quotes
from workbench.ui import session
from workbench.ui.analysis_view import filter_widgets, label_language, show_quotes
from workbench.ui.exports_view import export_downloads
from workbench.ui.safe import md
from workbench.vocab import ASSESSMENTS


def render() -> None:
    """Render the measures catalogue (every role; nothing here writes)."""
    session.require_user()
    study = session.study()
    st.title("Action Plan measures")
    st.caption("Each measure of the study's policy framework, with the participants whose coded passages speak "
               "to it and how they experienced it. A passage speaks to a measure when its coder confirmed it; switch "
               "on derived attributions to also count, on codings nobody decided on, every measure the codebook maps "
               "their code to.")
    lang = label_language(key="plan_lang")
    filters = filter_widgets(study, key="plan", show=("group", "language", "coder", "derived"))
    export_downloads(study, key="plan", tables=("framework",), formats=("docx",), filters=filters, lang=lang)
    summary = measure_summary(study, filters=filters)
    if summary.empty:
        st.info("This study has no framework measures; load a codebook that names one.")
        return
    title = "measure_zh" if lang == "zh" else "measure_en"
    overview = summary[["measure", "pillar", title, "participants", "participants_facilitator",
                        "participants_barrier", "participants_neutral", "codings"]]
    st.dataframe(overview.rename(columns={title: "title", "participants_facilitator": "facilitator",
                                          "participants_barrier": "barrier", "participants_neutral": "neutral"}),
                 hide_index=True, width="stretch")
    people = sum(population(study, filters=filters).values())
    counted = "confirmed and derived attributions" if filters.include_derived else "confirmed attributions only"
    st.caption(f"participants: distinct participants (of {people}) with at least one coded passage that speaks to the "
               f"measure ({counted}); facilitator, barrier, neutral: those who described it so at least once (one "
               "person can be in more than one); codings: the attributed codings, every coder's.")
    mapping = measure_codes(study)
    for pillar, measures in summary.groupby("pillar", sort=False):
        st.subheader(md(str(pillar).capitalize()))
        for row in measures.itertuples(index=False):
            label = (f"{row.measure} — {getattr(row, title)} · {row.participants} participants "
                     f"({row.participants_facilitator} facilitator, {row.participants_barrier} barrier)")
            with st.expander(md(label)):
                _measure_detail(study, row, mapping, filters, lang)


def _measure_detail(study, row, mapping: pd.DataFrame, filters: Filters, lang: str) -> None:
    description = row.description_zh if lang == "zh" and row.description_zh else row.description_en
    if description:
        st.markdown(md(description))
    if row.source:
        st.caption(md(f"Source: {row.source}"))
    codes = mapping[mapping["measure"] == row.measure]
    st.caption(md("Codes mapped to it in the codebook (the derived default): "
                  + (", ".join(codes["name_zh" if lang == "zh" else "name_en"]) or "none")))
    base = replace(filters, measures=(row.measure,))
    people = measure_participants(study, row.measure, filters=base)
    if people.empty:
        st.info("No participant spoke to this measure (in the coded passages).")
        return
    st.dataframe(people, hide_index=True, width="stretch")
    assessment = st.segmented_control("Assessment", ["all", *ASSESSMENTS.values], default="all",
                                      key=f"plan_{row.measure}_assessment")
    chosen = replace(base, assessments=() if assessment in (None, "all") else (assessment,))
    show_quotes(quotes(study, filters=chosen), key=f"plan_{row.measure}")


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
