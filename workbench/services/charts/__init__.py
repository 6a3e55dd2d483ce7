"""Charts over the analysis: the registry every face enumerates, the Altair builders, PNG / SVG / CSV export."""

from workbench.services.charts.builders import (
    ALPHA_BANDS,
    ASSESSMENT_COLOURS,
    agreement_chart,
    assessment_bars,
    cooccurrence_heatmap,
    density_chart,
    frequency_bars,
    measure_heatmap,
    word_bars,
)
from workbench.services.charts.export import CJK_FONT, chart_csv, chart_png, chart_svg, register_cjk_font
from workbench.services.charts.labels import LANGS
from workbench.services.charts.registry import CHARTS, ChartOption, ChartSpec, behind_point, chart_spec

__all__ = ["ALPHA_BANDS", "ASSESSMENT_COLOURS", "CHARTS", "CJK_FONT", "LANGS", "ChartOption", "ChartSpec",
           "agreement_chart", "assessment_bars", "behind_point", "chart_csv", "chart_png", "chart_spec", "chart_svg",
           "cooccurrence_heatmap", "density_chart", "frequency_bars", "measure_heatmap", "register_cjk_font",
           "word_bars"]
