"""Altair chart builders over the analysis DataFrames (no Streamlit here), and PNG / SVG / CSV export.

Every builder takes a DataFrame from workbench.services.analysis and a label language ('en' or 'zh',
names from the codebook and the framework catalogue), and returns a chart whose data is that frame, so
chart_csv() exports exactly what is drawn. Clickable charts carry a named point selection (SELECTION).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from workbench.errors import InputError

LANGS = ("en", "zh")
SELECTION = {"heatmap": "cell", "assessment": "bar", "frequency": "bar", "cooccurrence": "pair",
             "density": "stretch", "words": "word"}
ASSESSMENT_COLOURS = {"facilitator": "#2e7d32", "barrier": "#c62828", "neutral": "#9e9e9e"}
CJK_FONT = "Noto Sans CJK TC"
# Drawn as SVG in the browser: every cell is an element with an aria-label (screen readers, browser tests).
SVG_IN_BROWSER = {"embedOptions": {"renderer": "svg"}}
TEXT = {
    "en": {"measure": "Measure", "theme": "Theme", "code": "Code", "participants": "Participants",
           "codings": "Codings", "pillar": "Pillar", "title": "Measure title", "assessment": "Assessment",
           "group": "Participant group", "transcript": "Transcript", "position": "Position in transcript",
           "word": "Word", "count": "Occurrences", "overlaps": "Overlapping codings", "facilitator": "facilitator",
           "barrier": "barrier", "neutral": "neutral", "heatmap": "Participants per theme and measure",
           "bars": "Facilitator or barrier, per measure", "frequency": "Participants per code and group",
           "cooccurrence": "Codes on overlapping passages", "density": "Codings along each transcript",
           "words": "Most frequent words"},
    "zh": {"measure": "措施", "theme": "主題", "code": "編碼", "participants": "受訪者人數", "codings": "編碼次數",
           "pillar": "範疇", "title": "措施名稱", "assessment": "評估", "group": "受訪者組別", "transcript": "訪談",
           "position": "訪談中的位置", "word": "詞語", "count": "出現次數", "overlaps": "重疊編碼",
           "facilitator": "有幫助", "barrier": "障礙", "neutral": "中性", "heatmap": "各主題與措施的受訪者人數",
           "bars": "各措施：有幫助或障礙", "frequency": "各編碼及組別的受訪者人數", "cooccurrence": "重疊段落上的編碼",
           "density": "各訪談的編碼分佈", "words": "最常見詞語"},
}


def _t(lang: str, key: str) -> str:
    if lang not in LANGS:
        raise InputError(f"label language must be en or zh, not {lang!r}")
    return TEXT[lang][key]


def _named(df: pd.DataFrame, lang: str, *, en: str, zh: str, to: str) -> pd.DataFrame:
    """Copy of df with a `to` label column from its English or Chinese name column."""
    return df.assign(**{to: df[zh if lang == "zh" else en]})


def measure_heatmap(matrix: pd.DataFrame, *, lang: str = "en", level: str = "theme") -> alt.Chart:
    """Heatmap of themes (or codes) × measures; colour = participants; tooltip with counts by group."""
    data = _named(_named(matrix, lang, en="row_en", zh="row_zh", to="row"), lang, en="measure_en",
                  zh="measure_zh", to="measure_title")
    group_cols = [c for c in data.columns if c.startswith("participants_") and c.split("_", 1)[1] not in
                  ("facilitator", "barrier", "neutral", "none")]
    tooltip = [alt.Tooltip("row:N", title=_t(lang, level)), alt.Tooltip("measure:N", title=_t(lang, "measure")),
               alt.Tooltip("measure_title:N", title=_t(lang, "title")),
               alt.Tooltip("pillar:N", title=_t(lang, "pillar")),
               alt.Tooltip("participants:Q", title=_t(lang, "participants"))]
    tooltip += [alt.Tooltip(f"{c}:Q", title=c.split("_", 1)[1]) for c in group_cols]
    tooltip += [alt.Tooltip(f"participants_{a}:Q", title=_t(lang, a)) for a in ("facilitator", "barrier", "neutral")]
    tooltip.append(alt.Tooltip("codings:Q", title=_t(lang, "codings")))
    select = alt.selection_point(fields=["row_id", "measure"], name=SELECTION["heatmap"])
    measures = data.sort_values("measure_position")["measure"].drop_duplicates().tolist()
    rows = data["row"].drop_duplicates().tolist()
    return (alt.Chart(data, title=_t(lang, "heatmap")).mark_rect(stroke="white").encode(
        x=alt.X("measure:N", sort=measures, title=_t(lang, "measure"), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("row:N", sort=rows, title=_t(lang, level)),
        color=alt.Color("participants:Q", title=_t(lang, "participants"), scale=alt.Scale(scheme="oranges")),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.45)),
        tooltip=tooltip,
    ).add_params(select).properties(usermeta=SVG_IN_BROWSER, height=alt.Step(30)))


def assessment_bars(summary: pd.DataFrame, *, lang: str = "en") -> alt.Chart:
    """Stacked bars per measure: participants who experienced it as facilitator, barrier or neutral."""
    data = _named(summary, lang, en="measure_en", zh="measure_zh", to="measure_title")
    long = data[["measure", "measure_title", "pillar", *[f"participants_{a}" for a in ASSESSMENT_COLOURS]]].melt(
                     id_vars=["measure", "measure_title", "pillar"],
                     value_vars=[f"participants_{a}" for a in ASSESSMENT_COLOURS],
                     var_name="assessment", value_name="participants")
    long["assessment"] = long["assessment"].str.removeprefix("participants_")
    long["assessment_label"] = long["assessment"].map(lambda a: _t(lang, a))
    order = summary["measure"].tolist()
    select = alt.selection_point(fields=["measure", "assessment"], name=SELECTION["assessment"])
    return (alt.Chart(long, title=_t(lang, "bars")).mark_bar().encode(
        y=alt.Y("measure:N", sort=order, title=_t(lang, "measure")),
        x=alt.X("participants:Q", title=_t(lang, "participants"), stack="zero"),
        color=alt.Color("assessment_label:N", title=_t(lang, "assessment"),
                        scale=alt.Scale(domain=[_t(lang, a) for a in ASSESSMENT_COLOURS],
                                        range=list(ASSESSMENT_COLOURS.values()))),
        order=alt.Order("assessment:N"),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=[alt.Tooltip("measure:N", title=_t(lang, "measure")),
                 alt.Tooltip("measure_title:N", title=_t(lang, "title")),
                 alt.Tooltip("pillar:N", title=_t(lang, "pillar")),
                 alt.Tooltip("assessment_label:N", title=_t(lang, "assessment")),
                 alt.Tooltip("participants:Q", title=_t(lang, "participants"))],
    ).add_params(select))


def frequency_bars(freq: pd.DataFrame, *, lang: str = "en", metric: str = "participants",
                   level: str = "code") -> alt.Chart:
    """Bars per code (or theme) coloured by participant group; `freq` is code_frequencies(by='group')."""
    if metric not in ("codings", "transcripts", "participants"):
        raise InputError(f"metric must be codings, transcripts or participants, not {metric!r}")
    data = _named(freq, lang, en="name_en", zh="name_zh", to="label")
    select = alt.selection_point(fields=["code", "group"], name=SELECTION["frequency"])
    return (alt.Chart(data, title=_t(lang, "frequency")).mark_bar().encode(
        y=alt.Y("label:N", sort=data["label"].drop_duplicates().tolist(), title=_t(lang, level)),
        x=alt.X(f"{metric}:Q", title=_t(lang, metric if metric != "transcripts" else "transcript")),
        color=alt.Color("group:N", title=_t(lang, "group")),
        yOffset=alt.YOffset("group:N"),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=[alt.Tooltip("label:N", title=_t(lang, level)), alt.Tooltip("group:N", title=_t(lang, "group")),
                 "codings:Q", "transcripts:Q", "participants:Q"],
    ).add_params(select))


def cooccurrence_heatmap(pairs: pd.DataFrame, *, lang: str = "en") -> alt.Chart:
    """Symmetric heatmap of codes whose codings overlap; colour = overlapping coding pairs."""
    swap = {f"{c}_{x}": f"{c}_{y}" for c in ("code", "name_en", "name_zh") for x, y in (("a", "b"), ("b", "a"))}
    swapped = pairs.rename(columns=swap)
    both = pd.concat([pairs, swapped[pairs.columns]], ignore_index=True)
    both = _named(_named(both, lang, en="name_en_a", zh="name_zh_a", to="label_a"), lang, en="name_en_b",
                  zh="name_zh_b", to="label_b")
    select = alt.selection_point(fields=["code_a", "code_b"], name=SELECTION["cooccurrence"])
    return (alt.Chart(both, title=_t(lang, "cooccurrence")).mark_rect().encode(
        x=alt.X("label_a:N", title=_t(lang, "code"), axis=alt.Axis(labelAngle=-45, labelLimit=180)),
        y=alt.Y("label_b:N", title=_t(lang, "code"), axis=alt.Axis(labelLimit=180)),
        color=alt.Color("overlaps:Q", title=_t(lang, "overlaps"), scale=alt.Scale(scheme="blues")),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=[alt.Tooltip("label_a:N", title=_t(lang, "code")), alt.Tooltip("label_b:N", title=_t(lang, "code")),
                 alt.Tooltip("overlaps:Q", title=_t(lang, "overlaps")), "transcripts:Q", "participants:Q", "overlap:N"],
    ).add_params(select))


def density_chart(density: pd.DataFrame, *, lang: str = "en") -> alt.Chart:
    """One strip per transcript: codings starting in each stretch of its text (all themes together)."""
    keys = ["transcript", "participant", "bin", "bin_start", "bin_end", "position"]
    data = density.groupby(keys, dropna=False, as_index=False)["codings"].sum()
    select = alt.selection_point(fields=["transcript", "bin", "bin_start", "bin_end"], name=SELECTION["density"])
    return (alt.Chart(data, title=_t(lang, "density")).mark_rect().encode(
        x=alt.X("bin:O", title=_t(lang, "position"), axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("transcript:N", title=_t(lang, "transcript")),
        color=alt.Color("codings:Q", title=_t(lang, "codings"), scale=alt.Scale(scheme="purples")),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=["transcript:N", "participant:N", alt.Tooltip("position:Q", format=".0%"), "codings:Q"],
    ).add_params(select))


def word_bars(words: pd.DataFrame, *, key: str, lang: str = "en") -> alt.Chart:
    """Bars of the most frequent words, one panel per code, theme or group (`key` names that column)."""
    select = alt.selection_point(fields=["word", key], name=SELECTION["words"])
    base = alt.Chart(words).mark_bar().encode(
        y=alt.Y("word:N", sort="-x", title=_t(lang, "word")),
        x=alt.X("count:Q", title=_t(lang, "count")),
        color=alt.Color("language:N", legend=None),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=[f"{key}:N", "word:N", "count:Q", "sentences:Q"],
    ).add_params(select).properties(width=220)
    return base.facet(facet=alt.Facet(f"{key}:N", title=None), columns=3, title=_t(lang, "words")).resolve_scale(
        y="independent")


# -- export ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def register_cjk_font() -> str | None:
    """Register the Noto Sans CJK font shipped as a Python package with vl-convert; its folder, or None."""
    import vl_convert

    try:
        import noto_cjk_sans_otc
    except ImportError:  # fall back to whatever fonts the system has
        return None
    folder = str(Path(str(noto_cjk_sans_otc.FONT_PATH)).parent)
    vl_convert.register_font_directory(folder)
    return folder


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict()
    config = spec.setdefault("config", {})
    config["font"] = CJK_FONT
    config.setdefault("background", "white")
    return spec


def _vl_version() -> str:
    return ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def chart_png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (Chinese labels in Noto Sans CJK)."""
    import vl_convert

    register_cjk_font()
    return vl_convert.vegalite_to_png(_spec(chart), vl_version=_vl_version(), scale=scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text (labels stay text, so Chinese is searchable and selectable)."""
    import vl_convert

    register_cjk_font()
    return vl_convert.vegalite_to_svg(_spec(chart), vl_version=_vl_version())


def chart_csv(chart: alt.TopLevelMixin) -> bytes:
    """The chart's data as CSV (UTF-8 with a byte-order mark so spreadsheet programs read Chinese)."""
    data = getattr(chart, "data", None)
    if not isinstance(data, pd.DataFrame):
        data = getattr(getattr(chart, "spec", None), "data", None)
    if not isinstance(data, pd.DataFrame):
        raise InputError("this chart carries no table to export")
    return data.to_csv(index=False).encode("utf-8-sig")



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
    y = alt.Y("label:N", sort=data["label"].tolist(), title=_t(lang, "code"))
    bars = alt.Chart().mark_bar().encode(
        y=y, x=alt.X("alpha:Q", title="Krippendorff's α", scale=alt.Scale(domain=[low, 1.45]),
                     axis=alt.Axis(values=[round(v / 5, 1) for v in range(int(low * 5), 6)])),
        color=alt.Color("band:N", title="α", scale=alt.Scale(domain=list(ALPHA_BANDS), range=list(ALPHA_BANDS.values()))),
        tooltip=[alt.Tooltip("code:N", title=_t(lang, "code")), alt.Tooltip("label:N", title="name"),
                 alt.Tooltip("alpha:Q", format=".3f", title="α"), alt.Tooltip("percent:Q", format=".1f", title="%"),
                 *[alt.Tooltip(f"{k}:Q", format=".3f", title=k.replace("kappa", "κ")) for k in kappas],
                 alt.Tooltip("units:Q", title="units compared"), alt.Tooltip("applied:N", title="units coded")])
    labels = alt.Chart().mark_text(align="left", dx=4, fontSize=10, color="#333").encode(
        y=y, x=alt.datum(1.02), text="applied:N")  # right of the bars: the units each coder applied the code to
    guides = [alt.Chart().mark_rule(strokeDash=[4, 3], color="#555").encode(x=alt.datum(v)) for v in (0.667, 0.8)]
    return alt.layer(bars, labels, *guides, data=data, title=title).properties(
        usermeta=SVG_IN_BROWSER, height=alt.Step(18))
