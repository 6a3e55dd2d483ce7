"""Charts: themes × measures and the other analysis charts; click a mark to list its quotes; download them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from workbench.services import analysis, charts
from workbench.services.analysis import Filters
from workbench.store.study import Study
from workbench.ui import session
from workbench.ui.analysis_view import download_buttons, filter_widgets, label_language, selected_point, show_quotes
from workbench.ui.safe import md

CHARTS = {
    "heatmap": "Themes × measures",
    "assessment": "Facilitator vs barrier",
    "frequency": "Codes by group",
    "cooccurrence": "Co-occurrence",
    "density": "Coding density",
    "words": "Word frequency",
}
HINT = {
    "heatmap": "Click a cell to read the quotes of that theme about that measure.",
    "assessment": "Click a bar segment to read the quotes behind it.",
    "frequency": "Click a bar to read that code's quotes from that group.",
    "cooccurrence": "Click a cell to read the passages where both codes overlap (same coder).",
    "density": "Click a stretch of a transcript to read the passages coded there.",
    "words": "Click a bar to see that word in context.",
}


def _heatmap(study: Study, filters: Filters, lang: str):
    level = st.radio("Rows", ["theme", "code"], horizontal=True, key="chart_heatmap_level")
    matrix = analysis.theme_measure_matrix(study, level=level, filters=filters)
    return None if matrix.empty else charts.measure_heatmap(matrix, lang=lang, level=level)


def _assessment(study: Study, filters: Filters, lang: str):
    return charts.assessment_bars(analysis.measure_summary(study, filters=filters), lang=lang)


def _frequency(study: Study, filters: Filters, lang: str):
    cols = st.columns(2)
    level = cols[0].radio("Rows", ["theme", "code"], horizontal=True, key="chart_frequency_level")
    metric = cols[1].radio("Count", ["participants", "transcripts", "codings"], horizontal=True,
                           key="chart_frequency_metric")
    freq = analysis.code_frequencies(study, by="group", level=level, filters=filters)
    return None if freq.empty else charts.frequency_bars(freq, lang=lang, metric=metric, level=level)


def _cooccurrence(study: Study, filters: Filters, lang: str):
    level = st.radio("Rows", ["code", "theme"], horizontal=True, key="chart_cooccurrence_level")
    pairs = analysis.code_cooccurrence(study, level=level, filters=filters)
    return None if pairs.empty else charts.cooccurrence_heatmap(pairs, lang=lang)


def _density(study: Study, filters: Filters, lang: str):
    density = analysis.coding_density(study, filters=filters)
    return None if density.empty else charts.density_chart(density, lang=lang)


def _words(study: Study, filters: Filters, lang: str):
    cols = st.columns(2)
    by = cols[0].radio("Words per", ["group", "theme", "code"], horizontal=True, key="chart_words_by")
    if by == "code":
        code = cols[1].selectbox("Code", [c["id"] for c in analysis.code_names(study).to_dict("records")
                                          if c["parent"]], key="chart_words_code")
        filters = replace(filters, codes=(code,))
    words = analysis.word_frequencies(study, by=by, top=15, filters=filters)
    return None if words.empty else charts.word_bars(words, key=by, lang=lang)


BUILDERS: dict[str, Callable] = {"heatmap": _heatmap, "assessment": _assessment, "frequency": _frequency,
                                 "cooccurrence": _cooccurrence, "density": _density, "words": _words}


def render() -> None:
    """Render the charts page (every role; nothing here writes)."""
    session.require_user()
    study = session.study()
    st.title("Charts")
    top = st.columns([3, 1])
    title = top[0].radio("Chart", list(CHARTS.values()), horizontal=True, key="chart_kind")
    kind = next(k for k, v in CHARTS.items() if v == title)
    with top[1]:
        lang = label_language(key="charts_lang")
    filters = filter_widgets(study, key="charts", show=("group", "language", "coder", "assessment"))
    chart = BUILDERS[kind](study, filters, lang)
    if chart is None:
        st.info("No codings match these filters yet.")
        return
    event = st.altair_chart(chart, on_select="rerun", key=f"chart_{kind}", width="stretch")
    download_buttons(chart, name=f"{kind}_{lang}", key=f"download_{kind}")
    point = selected_point(event, charts.SELECTION[kind])
    if point is None:
        st.caption(HINT[kind])
        return
    st.subheader("Behind the selection")
    st.caption(md(", ".join(f"{k}: {v}" for k, v in point.items())))
    rows = analysis.quotes_for_point(study, kind, point, filters=filters)
    if kind == "words":
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        show_quotes(rows, key=f"chart_quotes_{kind}")


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
