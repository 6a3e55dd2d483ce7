"""Widgets shared by the Themes, Action Plan, Charts and Search pages: filters, quotes, downloads, clicks."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.services.analysis import Filters
from workbench.services.analysis.base import groups_present
from workbench.services.charts import chart_csv, chart_png, chart_svg
from workbench.services.codes import list_codes, list_measures
from workbench.store.audit import record_export
from workbench.store.study import Study
from workbench.ui import reading, session
from workbench.ui.pages import script_for
from workbench.ui.safe import md, md_quote
from workbench.vocab import ASSESSMENTS, LANGUAGES, LAYERS, NOT_ASSESSED

LABELS = {"English": "en", "繁體中文": "zh"}
DERIVED_LABEL = "Include derived measure attributions"
DERIVED_HELP = ("Off: a passage counts for a measure only where its coder confirmed it. On: codings nobody decided "
                "on also count for every measure their code is mapped to in the codebook (derived, not confirmed).")
# Streamlit's chart toolbar offers its own PNG download (with the current selection baked in); the page's
# buttons are the one download per format. Numbers written in heatmap cells let clicks through to the cell.
CHART_CSS = ("<style>[data-testid='stElementToolbarButton']:has(button[aria-label^='Download as PNG'])"
             "{display:none}[data-testid='stVegaLiteChart'] .mark-text text{pointer-events:none}</style>")
ASSESSMENT_NAMES = {**ASSESSMENTS.labels(), NOT_ASSESSED.value: NOT_ASSESSED.en}
QUOTES_PER_CODE = 25


def open_transcript_link(container: Any, transcript: str, *, start: int | None = None,
                         end: int | None = None) -> None:
    """A link that opens a transcript in the coding page at a passage (read-only for reviewers)."""
    query = {"transcript": transcript}
    if start is not None and end is not None:
        query.update({"start": str(int(start)), "end": str(int(end))})
    container.page_link(script_for("coding"), label="Open transcript", icon=":material/open_in_new:",
                        query_params=query)


def label_language(*, key: str) -> str:
    """A toggle for chart and code labels: 'en' or 'zh' (names from the codebook)."""
    choice = st.segmented_control("Labels", list(LABELS), default="English", key=key)
    return LABELS.get(choice or "English", "en")


def filter_widgets(study: Study, *, key: str, show: tuple[str, ...] = ("group", "language", "coder", "assessment",
                                                                      "measure", "derived")) -> Filters:
    """The layer switch, multiselect filters in one row and the derived-attributions switch; the Filters they describe."""
    layer = layer_switch(key=key)
    pickers = [name for name in show if name != "derived"]
    cols = st.columns(len(pickers))
    chosen: dict[str, tuple[str, ...]] = {}
    options: dict[str, tuple[str, list[str], Any]] = {
        "group": ("Participant group", groups_present(study), None),
        "language": ("Language", list(LANGUAGES.values), LANGUAGES.label),
        "coder": ("Coder", [u.username for u in study.coders()], None),
        "assessment": ("Assessment", list(ASSESSMENT_NAMES), ASSESSMENT_NAMES.get),
        "measure": ("Measure", [m["id"] for m in list_measures(study)], None),
        "code": ("Theme or code", [c["id"] for c in list_codes(study)], None),
    }
    for col, name in zip(cols, pickers):
        label, values, fmt = options[name]
        kwargs = {"format_func": fmt} if fmt else {}
        chosen[name] = tuple(col.multiselect(label, values, key=f"{key}_{name}", placeholder="all", **kwargs))
    derived = "derived" in show and st.toggle(DERIVED_LABEL, key=f"{key}_derived", help=DERIVED_HELP)
    return Filters(groups=chosen.get("group", ()), languages=chosen.get("language", ()),
                   coders=chosen.get("coder", ()), assessments=chosen.get("assessment", ()),
                   measures=chosen.get("measure", ()), codes=chosen.get("code", ()), include_derived=derived,
                   layer=layer, blind_for=session.require_user().username)


def layer_switch(*, key: str) -> str:
    """Which codings to count: every coder's own, or the consensus layer (agreed and resolved passages)."""
    layer = st.segmented_control("Codings counted", list(LAYERS.values), format_func=LAYERS.label, default="coders",
                                 key=f"{key}_layer", help="The consensus layer holds the passages coders agreed on "
                                 "and the disagreements resolved on the Disagreements page, one coding each.")
    if layer == "consensus":
        st.caption("Counting the consensus layer only: agreed and resolved passages; unresolved disagreements "
                   "and transcripts not double-coded are not in it.")
    return layer or "coders"


def quote_caption(row: pd.Series) -> str:
    """Who said it and where: pseudonym, group, transcript, turn, assessment, coders."""
    parts = [str(row.get("participant") or "no participant"), str(row.get("group") or ""),
             f"{row['transcript']} turn {int(row['turn'])}" if pd.notna(row.get("turn")) else str(row["transcript"])]
    if row.get("assessments") and row["assessments"] != "none":
        parts.append(str(row["assessments"]).replace("none", "not assessed"))
    if row.get("coders"):
        parts.append(f"coded by {row['coders']}")
    if row.get("measures_confirmed"):
        parts.append(f"measures {row['measures_confirmed']}")
    if row.get("measures_derived"):
        parts.append(f"derived {row['measures_derived']}")
    return " · ".join(p for p in parts if p)


def show_quotes(quotes: pd.DataFrame, *, key: str, limit: int = QUOTES_PER_CODE) -> None:
    """Quotes as block quotes with their caption and a link that opens the transcript in the coding page."""
    if quotes.empty:
        st.info("No quotes match.")
        return
    shown = quotes.head(limit)
    notes = reading.notes(zip(shown["transcript_id"], shown["start"], shown["end"])) if "transcript_id" in shown \
        else [None] * len(shown)
    for row, note in zip(shown.itertuples(index=False), notes):
        data = row._asdict()
        reading.passage(note, lambda d=data: st.markdown(md_quote(d["snippet"])))
        left, right = st.columns([5, 1])
        left.caption(md(quote_caption(pd.Series(data))))
        open_transcript_link(right, data["transcript"], start=data.get("start"), end=data.get("end"))
    if len(quotes) > limit:
        st.caption(f"{len(quotes) - limit} more quote(s) not shown; narrow the filters to see them.")


def download_buttons(chart: Any, *, name: str, key: str) -> None:
    """PNG, SVG and CSV downloads of a chart (made only when clicked; each download audited); toolbar PNG hidden."""
    st.html(CHART_CSS)
    path, user = session.study_path(), session.require_user()

    def recorded(make: Any, file_format: str) -> Any:
        def data() -> bytes | str:
            content = make(chart)
            record_export(path, by=user, what="chart", file_format=file_format, name=f"{name}.{file_format}")
            return content
        return data

    cols = st.columns(3)
    cols[0].download_button("PNG", recorded(chart_png, "png"), file_name=f"{name}.png", mime="image/png",
                            key=f"{key}_png", icon=":material/image:", on_click="ignore")
    cols[1].download_button("SVG", recorded(chart_svg, "svg"), file_name=f"{name}.svg", mime="image/svg+xml",
                            key=f"{key}_svg", icon=":material/draw:", on_click="ignore")
    cols[2].download_button("CSV", recorded(chart_csv, "csv"), file_name=f"{name}.csv", mime="text/csv",
                            key=f"{key}_csv", icon=":material/table:", on_click="ignore")


def selected_point(event: Any, name: str) -> dict[str, Any] | None:
    """The first point a click selected in a chart (from st.altair_chart's on_select event), or None."""
    if event is None:
        return None
    selection = event.get("selection", {}) if hasattr(event, "get") else getattr(event, "selection", {})
    points = selection.get(name) if hasattr(selection, "get") else None
    if not points:
        return None
    point = points[0] if isinstance(points, list) else points
    return dict(point) if point else None
