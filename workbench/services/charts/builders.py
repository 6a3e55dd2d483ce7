"""Altair chart builders over the analysis DataFrames (no Streamlit here).

Every builder takes a DataFrame from workbench.services.analysis and a label language ('en' or 'zh'), and
returns a chart whose data is that frame (plus label columns), so chart_csv() exports exactly what is drawn.
Every chart carries a subtitle saying what it counts, so a pasted PNG still says it. A clickable chart takes
the point selection its registry entry names (`select`); without one it is a plain image.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.services.analysis.base import NO_GROUP
from workbench.services.charts.labels import (
    assessment_label,
    attributions,
    group_label,
    named,
    note,
    t,
)
from workbench.vocab import GROUPS

ASSESSMENT_COLOURS = {"facilitator": "#2e7d32", "barrier": "#c62828", "neutral": "#9e9e9e"}
# Drawn as SVG in the browser: every cell is an element with an aria-label (screen readers, browser tests).
SVG_IN_BROWSER = {"embedOptions": {"renderer": "svg"}}
LABEL_LIMIT = 460  # pixels: long code and measure names are shown whole (a tooltip repeats them)


def _title(lang: str, kind: str, subtitle: str) -> alt.Title:
    return alt.Title(t(lang, kind), subtitle=subtitle, anchor="start", subtitleColor="#444444")


def _selectable(chart: alt.Chart, select: alt.Parameter | None, *, faded: float = 0.45) -> alt.Chart:
    if select is None:
        return chart
    return chart.encode(opacity=alt.condition(select, alt.value(1.0), alt.value(faded))).add_params(select)


def _counts_text(base: alt.Chart, field: str, *, dark_above: float) -> alt.Chart:
    """The number of each cell written in it (white on dark cells); clicks pass through to the cell."""
    return base.mark_text(fontSize=11).encode(
        text=alt.Text(f"{field}:Q"),
        color=alt.condition(f"datum.{field} > {dark_above}", alt.value("white"), alt.value("#222222")))


def _measure_labels(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    data = named(df, lang, en="measure_en", zh="measure_zh", to="measure_title")
    return data.assign(measure_label=data["measure"] + " " + data["measure_title"])


def measure_heatmap(matrix: pd.DataFrame, *, lang: str = "en", level: str = "theme", derived: bool = False,
                    select: alt.Parameter | None = None) -> alt.LayerChart:
    """Heatmap of themes (or codes) × measures from 0; the participant count written in every cell."""
    data = _measure_labels(named(matrix, lang, en="row_en", zh="row_zh", to="row"), lang)
    group_cols = [c for c in data.columns if c.startswith("participants_") and c.split("_", 1)[1] not in
                  (*ASSESSMENT_COLOURS, "none")]
    tooltip = [alt.Tooltip("row:N", title=t(lang, level)), alt.Tooltip("measure:N", title=t(lang, "measure")),
               alt.Tooltip("measure_title:N", title=t(lang, "title")), alt.Tooltip("pillar:N", title=t(lang, "pillar")),
               alt.Tooltip("participants:Q", title=t(lang, "participants"))]
    tooltip += [alt.Tooltip(f"{c}:Q", title=group_label(c.split("_", 1)[1], lang)) for c in group_cols]
    tooltip += [alt.Tooltip(f"participants_{a}:Q", title=assessment_label(a, lang)) for a in ASSESSMENT_COLOURS]
    tooltip.append(alt.Tooltip("codings:Q", title=t(lang, "codings")))
    measures = data.sort_values("measure_position")["measure_label"].drop_duplicates().tolist()
    # Measures down the side (their titles read across), themes or codes along the top.
    base = alt.Chart().encode(
        y=alt.Y("measure_label:N", sort=measures, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("row:N", sort=data["row"].drop_duplicates().tolist(), title=t(lang, level),
                axis=alt.Axis(orient="top", labelAngle=-40 if level == "code" else 0, labelLimit=LABEL_LIMIT)))
    top = int(data["participants"].max()) if len(data) else 0
    cells = _selectable(base.mark_rect(stroke="white").encode(
        color=alt.Color("participants:Q", title=t(lang, "participants"),
                        scale=alt.Scale(scheme="oranges", domainMin=0, zero=True)),
        tooltip=tooltip), select)
    subtitle = t(lang, "note_heatmap", level=t(lang, level).lower() if lang == "en" else t(lang, level),
                 attributions=attributions(lang, derived=derived))
    return alt.LayerChart(layer=[cells, _counts_text(base, "participants", dark_above=top * 0.6)], data=data,
                          title=_title(lang, "heatmap", subtitle)).properties(
        usermeta=SVG_IN_BROWSER, height=alt.Step(26), width=alt.Step(90 if level == "theme" else 34))


def assessment_bars(summary: pd.DataFrame, *, population: int, lang: str = "en", derived: bool = False,
                    select: alt.Parameter | None = None) -> alt.Chart:
    """Grouped bars per measure: participants who described it as facilitator, barrier or neutral.

    Bars are side by side, never stacked (one person can give several assessments), on an axis that ends at
    the population: no bar can suggest more people than there are.
    """
    data = _measure_labels(summary, lang)
    keys = ["measure", "measure_label", "measure_title", "pillar", *(["attributions"] if "attributions" in data else [])]
    long = data[[*keys, *[f"participants_{a}" for a in ASSESSMENT_COLOURS]]].melt(
        id_vars=keys,
        value_vars=[f"participants_{a}" for a in ASSESSMENT_COLOURS], var_name="assessment", value_name="participants")
    long["assessment"] = long["assessment"].str.removeprefix("participants_")
    long["assessment_label"] = long["assessment"].map(lambda a: assessment_label(a, lang))
    long["population"] = population
    labels = [assessment_label(a, lang) for a in ASSESSMENT_COLOURS]
    subtitle = t(lang, "note_assessment", attributions=attributions(lang, derived=derived), n=population)
    chart = alt.Chart(long, title=_title(lang, "bars", subtitle)).mark_bar().encode(
        y=alt.Y("measure_label:N", sort=data["measure_label"].tolist(), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        yOffset=alt.YOffset("assessment_label:N", sort=labels),
        x=alt.X("participants:Q", title=t(lang, "described", n=population),
                scale=alt.Scale(domain=[0, max(population, 1)], nice=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("assessment_label:N", title=t(lang, "assessment"), sort=labels,
                        scale=alt.Scale(domain=labels, range=list(ASSESSMENT_COLOURS.values()))),
        tooltip=[alt.Tooltip("measure:N", title=t(lang, "measure")),
                 alt.Tooltip("measure_title:N", title=t(lang, "title")),
                 alt.Tooltip("pillar:N", title=t(lang, "pillar")),
                 alt.Tooltip("assessment_label:N", title=t(lang, "assessment")),
                 alt.Tooltip("participants:Q", title=t(lang, "participants"))])
    return _selectable(chart, select, faded=0.5).properties(height=alt.Step(12))


def frequency_bars(freq: pd.DataFrame, *, lang: str = "en", metric: str = "participants", level: str = "code",
                   select: alt.Parameter | None = None) -> alt.Chart:
    """Bars per code (or theme) and group: participants, share of the group, transcripts or codings.

    `freq` is code_frequencies(by='group') with `group_size` and `share` columns (see the chart registry).
    Counts have whole-number ticks; shares run from 0 to 100 %.
    """
    data = named(freq, lang, en="name_en", zh="name_zh", to="label")
    data = data.assign(group_label=data["group"].map(lambda g: group_label(g, lang)))
    # Groups in the vocabulary's order, so each keeps its colour in either language.
    groups = [group_label(g, lang) for g in (*GROUPS.values, NO_GROUP) if g in set(data["group"])]
    sizes = ", ".join(f"{group_label(g, lang)} {n}" for g, n in
                      data[["group", "group_size"]].drop_duplicates().itertuples(index=False))
    if metric == "share":
        x = alt.X("share:Q", title=t(lang, "share"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    else:
        x = alt.X(f"{metric}:Q", title=t(lang, metric), axis=alt.Axis(format="d", tickMinStep=1))
    subtitle = note(lang, "note_frequency", metric, level=t(lang, level).lower() if lang == "en" else t(lang, level),
                    sizes=sizes)
    chart = alt.Chart(data, title=_title(lang, "frequency", subtitle)).mark_bar().encode(
        y=alt.Y("label:N", sort=data["label"].drop_duplicates().tolist(), title=t(lang, level),
                axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=x,
        color=alt.Color("group_label:N", title=t(lang, "group"), sort=groups),
        yOffset=alt.YOffset("group_label:N", sort=groups),
        tooltip=[alt.Tooltip("label:N", title=t(lang, level)), alt.Tooltip("group_label:N", title=t(lang, "group")),
                 alt.Tooltip("participants:Q", title=t(lang, "participants")),
                 alt.Tooltip("group_size:Q", title=t(lang, "group_size")),
                 alt.Tooltip("share:Q", title=t(lang, "share"), format=".0%"),
                 alt.Tooltip("transcripts:Q", title=t(lang, "transcripts")),
                 alt.Tooltip("codings:Q", title=t(lang, "codings"))])
    return _selectable(chart, select, faded=0.5)


def cooccurrence_heatmap(pairs: pd.DataFrame, *, lang: str = "en", level: str = "code",
                         select: alt.Parameter | None = None) -> alt.LayerChart:
    """Symmetric heatmap of codes whose codings overlap, the count in each cell, every label whole."""
    swap = {f"{c}_{x}": f"{c}_{y}" for c in ("code", "name_en", "name_zh", "position")
            for x, y in (("a", "b"), ("b", "a"))}
    both = pd.concat([pairs, pairs.rename(columns=swap)[pairs.columns]], ignore_index=True)
    both = named(named(both, lang, en="name_en_a", zh="name_zh_a", to="label_a"), lang, en="name_en_b",
                 zh="name_zh_b", to="label_b")
    order = both.sort_values("position_a")["label_a"].drop_duplicates().tolist()  # codebook order
    base = alt.Chart().encode(
        x=alt.X("label_a:N", sort=order, title=t(lang, level), axis=alt.Axis(labelAngle=-40, labelLimit=LABEL_LIMIT)),
        y=alt.Y("label_b:N", sort=order, title=t(lang, level), axis=alt.Axis(labelLimit=LABEL_LIMIT)))
    top = int(both["overlaps"].max()) if len(both) else 0
    cells = _selectable(base.mark_rect(stroke="white").encode(
        color=alt.Color("overlaps:Q", title=t(lang, "overlaps"), scale=alt.Scale(scheme="blues", domainMin=0)),
        tooltip=[alt.Tooltip("label_a:N", title=t(lang, level)), alt.Tooltip("label_b:N", title=t(lang, level)),
                 alt.Tooltip("overlaps:Q", title=t(lang, "overlaps")),
                 alt.Tooltip("transcripts:Q", title=t(lang, "transcripts")),
                 alt.Tooltip("participants:Q", title=t(lang, "participants"))]), select, faded=0.5)
    return alt.LayerChart(layer=[cells, _counts_text(base, "overlaps", dark_above=top * 0.6)], data=both,
                          title=_title(lang, "cooccurrence", t(lang, "note_cooccurrence"))).properties(
        usermeta=SVG_IN_BROWSER, width=alt.Step(24), height=alt.Step(24))


def density_chart(density: pd.DataFrame, *, lang: str = "en", bins: int = 40,
                  select: alt.Parameter | None = None) -> alt.Chart:
    """One strip per transcript: codings starting in each stretch of its text (all themes together)."""
    keys = ["transcript", "participant", "bin", "bin_start", "bin_end", "position"]
    data = density.groupby(keys, dropna=False, as_index=False)["codings"].sum()
    chart = alt.Chart(data, title=_title(lang, "density", t(lang, "note_density", bins=bins))).mark_rect().encode(
        x=alt.X("bin:O", title=t(lang, "position"), axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("transcript:N", title=t(lang, "transcript")),
        color=alt.Color("codings:Q", title=t(lang, "codings"), scale=alt.Scale(scheme="purples", domainMin=0)),
        tooltip=[alt.Tooltip("transcript:N", title=t(lang, "transcript")),
                 alt.Tooltip("participant:N", title=t(lang, "participant")),
                 alt.Tooltip("position:Q", title=t(lang, "position"), format=".0%"),
                 alt.Tooltip("codings:Q", title=t(lang, "codings"))])
    return _selectable(chart, select, faded=0.5)


def word_bars(words: pd.DataFrame, *, key: str, lang: str = "en", select: alt.Parameter | None = None) -> alt.FacetChart:
    """Bars of the most frequent words, one panel per code, theme or group (`key` names that column).

    `words` has a `key_label` column naming the panel in the label language (see the chart registry).
    """
    base = alt.Chart().mark_bar().encode(
        y=alt.Y("word:N", sort="-x", title=t(lang, "word")),
        x=alt.X("count:Q", title=t(lang, "count"), axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("language:N", legend=None),
        tooltip=[alt.Tooltip("key_label:N", title=t(lang, key)), alt.Tooltip("word:N", title=t(lang, "word")),
                 alt.Tooltip("count:Q", title=t(lang, "count")),
                 alt.Tooltip("sentences:Q", title=t(lang, "sentences"))])
    panel = _selectable(base, select, faded=0.5).properties(width=220)
    by = t(lang, key).lower() if lang == "en" else t(lang, key)
    return alt.FacetChart(data=words, spec=panel, facet=alt.Facet("key_label:N", title=None), columns=3,
                          title=_title(lang, "words", t(lang, "note_words", by=by))).resolve_scale(y="independent")


# Krippendorff's guidance: α ≥ 0.800 to rely on a variable, 0.667 ≤ α < 0.800 for tentative conclusions only.
ALPHA_BANDS = {"below 0.667": "#c62828", "0.667 to 0.8: tentative": "#f9a825", "0.8 or more: reliable": "#2e7d32"}


def agreement_chart(table: pd.DataFrame, *, lang: str = "en", title: str) -> alt.TopLevelMixin:
    """Bars of Krippendorff's α per code, each labelled with the units every coder applied it to, and guide lines.

    `table` is agreement_table(...) (its 'overall' row is left out); codes whose α is undefined (no
    variation) are not drawn. The title must say what is counted (coders, unit, transcripts).
    """
    data = table[(table["code"] != "overall") & table["alpha"].notna()].copy()
    data["label"] = data["name_zh" if lang == "zh" else "name"]
    applied = [c for c in data.columns if c.startswith("applied by ")]
    data["applied"] = data[applied].apply(
        lambda row: " · ".join(f"{c.removeprefix('applied by ')} {int(row[c])}" for c in applied), axis=1) \
        if applied and len(data) else ""
    data["band"] = pd.cut(data["alpha"], bins=[-1.0, 0.667, 0.8, 1.0001], right=False, labels=list(ALPHA_BANDS)
                          ).astype(str)
    kappas = [c for c in data.columns if c.startswith("kappa ") and "(with uncoded)" not in c]
    low = min(-0.2, float(data["alpha"].min())) if len(data) else -0.2
    y = alt.Y("label:N", sort=data["label"].tolist(), title=t(lang, "code"))
    bars = alt.Chart().mark_bar().encode(
        y=y, x=alt.X("alpha:Q", title="Krippendorff's α", scale=alt.Scale(domain=[low, 1.45]),
                     axis=alt.Axis(values=[round(v / 5, 1) for v in range(int(low * 5), 6)])),
        color=alt.Color("band:N", title="α", scale=alt.Scale(domain=list(ALPHA_BANDS), range=list(ALPHA_BANDS.values()))),
        tooltip=[alt.Tooltip("code:N", title=t(lang, "code")), alt.Tooltip("label:N", title="name"),
                 alt.Tooltip("alpha:Q", format=".3f", title="α"), alt.Tooltip("percent:Q", format=".1f", title="%"),
                 *[alt.Tooltip(f"{k}:Q", format=".3f", title=k.replace("kappa", "κ")) for k in kappas],
                 alt.Tooltip("units:Q", title="units compared"), alt.Tooltip("applied:N", title="units coded")])
    labels = alt.Chart().mark_text(align="left", dx=4, fontSize=10, color="#333").encode(
        y=y, x=alt.datum(1.02), text="applied:N")  # right of the bars: the units each coder applied the code to
    guides = [alt.Chart().mark_rule(strokeDash=[4, 3], color="#555").encode(x=alt.datum(v)) for v in (0.667, 0.8)]
    return alt.layer(bars, labels, *guides, data=data, title=title).properties(
        usermeta=SVG_IN_BROWSER, height=alt.Step(18))
