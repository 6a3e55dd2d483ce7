"""Charts: every chart of the registry (services/charts/registry.py); click a mark to list what is behind it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.services import charts
from workbench.services.charts import CHARTS, ChartSpec
from workbench.store.study import Study
from workbench.ui import reading, session
from workbench.ui.analysis_view import download_buttons, filter_widgets, label_language, selected_point, show_quotes
from workbench.ui.exports_view import export_downloads
from workbench.ui.safe import md


def _options(study: Study, spec: ChartSpec) -> dict[str, Any]:
    """One widget per option the chart offers (radios for fixed choices, a select box for the study's)."""
    chosen: dict[str, Any] = {}
    cols = st.columns(max(len(spec.options), 1))
    for col, option in zip(cols, spec.options):
        if not option.applies(chosen):
            continue
        key = f"chart_{spec.kind}_{option.name}"
        if option.choices_from:
            chosen[option.name] = col.selectbox(option.label, option.values(study), key=key)
        else:
            chosen[option.name] = col.radio(option.label, list(option.choices), format_func=option.label_of,
                                            horizontal=True, key=key)
    return chosen


def _kwic_table(rows) -> None:
    """Keyword-in-context lines; those touching a collapsed passage show their content note until asked for."""
    notes = reading.notes(zip(rows["transcript_id"], rows["start"], rows["end"]))
    hidden = [i for i, note in enumerate(notes) if note]
    if hidden and not st.toggle(f"Show {len(hidden)} line(s) from collapsed passages", key="chart_words_reveal"):
        rows = rows.copy()
        for i in hidden:
            rows.iloc[i, rows.columns.get_loc("left")] = notes[i]
            rows.iloc[i, rows.columns.get_loc("match")] = ""
            rows.iloc[i, rows.columns.get_loc("right")] = ""
    st.dataframe(rows.drop(columns=["transcript_id"]), hide_index=True, width="stretch")


def render() -> None:
    """Render the charts page (every role; nothing here writes)."""
    session.require_user()
    study = session.study()
    st.title("Charts")
    top = st.columns([3, 1])
    kind = top[0].radio("Chart", list(CHARTS), format_func=lambda k: CHARTS[k].title_en, horizontal=True,
                        key="chart_kind")
    spec = CHARTS[kind]
    with top[1]:
        lang = label_language(key="charts_lang")
    filters = filter_widgets(study, key="charts", show=("group", "language", "coder", "assessment", "derived"))
    chart = spec.chart(study, filters=filters, lang=lang, **_options(study, spec))
    if chart is None:
        st.info("No codings match these filters yet.")
        return
    event = st.altair_chart(chart, on_select="rerun", key=f"chart_{kind}", width="stretch", alt=spec.title_en)
    download_buttons(chart, name=f"{kind}_{lang}", key=f"download_{kind}")
    export_downloads(study, key="charts", tables=("theme_measure", "frequencies"), filters=filters, lang=lang)
    point = selected_point(event, spec.selection)
    if point is None:
        st.caption(spec.hint)
        return
    st.subheader("Behind the selection")
    st.caption(md(", ".join(f"{k}: {v}" for k, v in point.items())))
    rows = charts.behind_point(study, kind, point, filters=filters)
    if spec.drilldown_is_quotes:
        show_quotes(rows, key=f"chart_quotes_{kind}")
    else:
        _kwic_table(rows)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
