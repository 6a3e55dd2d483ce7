"""Charts as files: PNG and SVG through vl-convert (Chinese in Noto Sans CJK from the Python install), CSV."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from workbench.errors import InputError

CJK_FONT = "Noto Sans CJK TC"


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
        raise InputError("this chart carries no table to export")
    return data.to_csv(index=False).encode("utf-8-sig")
