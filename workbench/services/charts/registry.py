"""The chart registry: one ChartSpec per chart, which every face enumerates (Charts page, reports).

A chart is its data function (analysis → DataFrame), its builder (DataFrame → Altair), the options it
offers, the point selection a click makes and the drill-down that lists what lies behind a click. Adding a
chart is one entry here plus its functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import pandas as pd

from workbench.errors import InputError
from workbench.services import analysis
from workbench.services.analysis import drilldown
from workbench.services.analysis.base import population
from workbench.services.charts import builders
from workbench.services.charts.labels import group_label, named
from workbench.store.study import Study

DENSITY_BINS = 40
TOP_WORDS = 15


@dataclass(frozen=True)
class ChartOption:
    """A choice a chart offers: a keyword of its data and build functions, a widget on the page."""

    name: str
    label: str
    choices: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # what the page shows for each choice (the choice itself when empty)
    choices_from: Callable[[Study], list[str]] | None = None  # choices read from the study instead
    when: tuple[str, str] | None = None  # offered only while another option has this value

    def values(self, study: Study) -> list[str]:
        """The choices, fixed or from the study."""
        return self.choices_from(study) if self.choices_from else list(self.choices)

    def label_of(self, value: str) -> str:
        """How the page names a choice."""
        return dict(zip(self.choices, self.labels)).get(value, value)

    def applies(self, chosen: dict[str, Any]) -> bool:
        """Whether this option is offered given the other choices."""
        return self.when is None or chosen.get(self.when[0]) == self.when[1]


@dataclass(frozen=True)
class ChartSpec:
    """One chart: what it is called, what it counts, how it is made and what a click on it shows."""

    kind: str
    title_en: str
    title_zh: str
    hint: str  # what clicking a mark does
    data: Callable[..., pd.DataFrame]  # data(study, *, filters, **options)
    build: Callable[..., Any]  # build(frame, *, lang, filters, select, **options) -> Altair chart
    selection: str  # name of the point selection a click fills
    fields: tuple[str, ...]  # the fields of a clicked point
    drilldown: Callable[..., pd.DataFrame]  # drilldown(study, point, *, filters)
    options: tuple[ChartOption, ...] = ()
    drilldown_is_quotes: bool = True  # False: keyword-in-context lines, shown as a table

    def title(self, lang: str = "en") -> str:
        """The chart's name in a language."""
        return self.title_zh if lang == "zh" else self.title_en

    def choose(self, study: Study, **given: Any) -> dict[str, Any]:
        """The options given, and the first choice of every other option that applies to them."""
        chosen: dict[str, Any] = {}
        for option in self.options:
            if not option.applies(chosen):
                continue
            values = option.values(study)
            if option.name in given:
                chosen[option.name] = given[option.name]
            elif values:
                chosen[option.name] = values[0]
        return chosen

    def select(self) -> alt.Parameter:
        """The named point selection a click on the chart fills."""
        return alt.selection_point(fields=list(self.fields), name=self.selection)

    def chart(self, study: Study, *, filters: analysis.Filters | None = None, lang: str = "en",
              clickable: bool = True, **options: Any) -> Any | None:
        """The chart for a study (None when nothing matches), with the given options or their defaults."""
        filters = filters or analysis.Filters()
        chosen = self.choose(study, **options)
        frame = self.data(study, filters=filters, **chosen)
        if frame.empty:
            return None
        return self.build(frame, lang=lang, filters=filters, select=self.select() if clickable else None, **chosen)


# -- data functions: the analysis frame each chart draws, with what its labels and captions need ---------------
def _counted(filters: analysis.Filters) -> str:
    """Which attributions a measure figure counts, as a column value (so a CSV says it too)."""
    return "confirmed and derived" if filters.include_derived else "confirmed"


def _heatmap_data(study: Study, *, filters: analysis.Filters, level: str) -> pd.DataFrame:
    matrix = analysis.theme_measure_matrix(study, level=level, filters=filters, complete=True)
    return matrix.assign(attributions=_counted(filters)) if matrix["codings"].sum() else matrix.iloc[0:0]


def _assessment_data(study: Study, *, filters: analysis.Filters) -> pd.DataFrame:
    summary = analysis.measure_summary(study, filters=filters)
    return summary.assign(population=sum(population(study, filters=filters).values()), attributions=_counted(filters))


def _frequency_data(study: Study, *, filters: analysis.Filters, level: str, metric: str) -> pd.DataFrame:
    freq = analysis.code_frequencies(study, by="group", level=level, filters=filters)
    sizes = population(study, filters=filters)
    freq["group_size"] = freq["group"].map(sizes).fillna(0).astype(int)
    freq["share"] = (freq["participants"] / freq["group_size"].where(freq["group_size"] > 0)).fillna(0.0)
    return freq


def _cooccurrence_data(study: Study, *, filters: analysis.Filters, level: str) -> pd.DataFrame:
    return analysis.code_cooccurrence(study, level=level, filters=filters)


def _density_data(study: Study, *, filters: analysis.Filters) -> pd.DataFrame:
    return analysis.coding_density(study, bins=DENSITY_BINS, filters=filters)


def _words_data(study: Study, *, filters: analysis.Filters, by: str, code: str | None = None) -> pd.DataFrame:
    if by == "code" and code:
        filters = replace(filters, codes=(code,))
    words = analysis.word_frequencies(study, by=by, top=TOP_WORDS, filters=filters)
    words = words.assign(by=by, key=words[by])
    if by == "group":
        return words.assign(key_en=words["key"].map(lambda g: group_label(g, "en")),
                            key_zh=words["key"].map(lambda g: group_label(g, "zh")))
    names = analysis.code_names(study).set_index("code")
    return words.assign(key_en=words["key"].map(names["name_en"]), key_zh=words["key"].map(names["name_zh"]))


def _leaf_codes(study: Study) -> list[str]:
    names = analysis.code_names(study)
    return names.loc[names["parent"].notna(), "code"].tolist()


# -- build adapters: the registry's call shape onto each builder ------------------------------------------------
def _heatmap(frame: pd.DataFrame, *, lang: str, filters: analysis.Filters, select: Any, level: str) -> Any:
    return builders.measure_heatmap(frame, lang=lang, level=level, derived=filters.include_derived, select=select)


def _assessment(frame: pd.DataFrame, *, lang: str, filters: analysis.Filters, select: Any) -> Any:
    return builders.assessment_bars(frame, population=int(frame["population"].iloc[0]), lang=lang,
                                    derived=filters.include_derived, select=select)


def _frequency(frame: pd.DataFrame, *, lang: str, filters: analysis.Filters, select: Any, level: str,
               metric: str) -> Any:
    return builders.frequency_bars(frame, lang=lang, metric=metric, level=level, select=select)


def _cooccurrence(frame: pd.DataFrame, *, lang: str, filters: analysis.Filters, select: Any, level: str) -> Any:
    return builders.cooccurrence_heatmap(frame, lang=lang, level=level, select=select)


def _density(frame: pd.DataFrame, *, lang: str, filters: analysis.Filters, select: Any) -> Any:
    return builders.density_chart(frame, lang=lang, bins=DENSITY_BINS, select=select)


def _words(frame: pd.DataFrame, *, lang: str, filters: analysis.Filters, select: Any, by: str,
           code: str | None = None) -> Any:
    return builders.word_bars(named(frame, lang, en="key_en", zh="key_zh", to="key_label"), key=by, lang=lang,
                              select=select)


ROWS = ChartOption("level", "Rows", ("theme", "code"))
_SPECS = (
    ChartSpec("heatmap", "Themes × measures", "主題 × 措施", "Click a cell to read the quotes of that theme about that "
              "measure.", _heatmap_data, _heatmap, "cell", ("row_id", "measure"), drilldown.heatmap_quotes, (ROWS,)),
    ChartSpec("assessment", "Facilitator vs barrier", "有幫助或障礙", "Click a bar to read the quotes behind it.",
              _assessment_data, _assessment, "bar", ("measure", "assessment"), drilldown.assessment_quotes),
    ChartSpec("frequency", "Codes by group", "各組別的編碼", "Click a bar to read that code's quotes from that group.",
              _frequency_data, _frequency, "bar", ("code", "group"), drilldown.frequency_quotes,
              (ROWS, ChartOption("metric", "Count", ("participants", "share", "transcripts", "codings"),
                                 ("participants", "share of group", "transcripts", "codings")))),
    ChartSpec("cooccurrence", "Co-occurrence", "共同出現", "Click a cell to read the passages where both codes "
              "overlap (same coder).", _cooccurrence_data, _cooccurrence, "pair", ("code_a", "code_b"),
              drilldown.cooccurrence_quotes, (ChartOption("level", "Rows", ("code", "theme")),)),
    ChartSpec("density", "Coding density", "編碼分佈", "Click a stretch of a transcript to read the passages coded "
              "there.", _density_data, _density, "stretch", ("transcript", "bin", "bin_start", "bin_end"),
              drilldown.density_quotes),
    ChartSpec("words", "Word frequency", "詞頻", "Click a bar to see that word in context.", _words_data, _words,
              "word", ("word", "by", "key"), drilldown.word_lines,
              (ChartOption("by", "Words per", ("group", "theme", "code")),
               ChartOption("code", "Code", choices_from=_leaf_codes, when=("by", "code"))), drilldown_is_quotes=False),
)
CHARTS: dict[str, ChartSpec] = {spec.kind: spec for spec in _SPECS}


def chart_spec(kind: str) -> ChartSpec:
    """The registry entry of a chart, else an InputError naming the charts there are."""
    if kind not in CHARTS:
        raise InputError(f"no chart called {kind!r} (charts: {', '.join(CHARTS)})")
    return CHARTS[kind]


def behind_point(study: Study, kind: str, point: dict[str, Any], *,
                 filters: analysis.Filters | None = None) -> pd.DataFrame:
    """What lies behind one clicked mark of a chart: quotes, or keyword-in-context lines for words."""
    return chart_spec(kind).drilldown(study, point, filters=filters)
