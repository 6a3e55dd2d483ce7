"""workbench.services.charts: specs carry the expected fields, selections and labels; exports render."""

from __future__ import annotations

import io
import struct
import zlib

import pandas as pd
import pytest

from workbench.services import analysis, charts
from workbench.store.study import Study


@pytest.fixture(scope="module")
def demo_study(demo):
    """The demo study, opened read-only by convention."""
    with Study.open(demo.path) as study:
        yield study


@pytest.fixture(scope="module")
def heatmap(demo_study):
    return charts.measure_heatmap(analysis.theme_measure_matrix(demo_study), lang="zh")


def _encoding(chart) -> dict:
    spec = chart.to_dict()
    return (spec.get("spec") or spec)["encoding"]


def _png_pixels(data: bytes) -> tuple[int, int, set]:
    """Width, height and distinct pixel values of an 8-bit RGB(A) PNG, decoded with zlib (no Pillow needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6)
    channels = 4 if colour == 6 else 3
    raw, stride, colours = zlib.decompress(b"".join(chunks)), width * channels, set()
    previous = bytearray(stride)
    for y in range(height):
        filt, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if filt == 1:
                line[i] = (line[i] + left) & 255
            elif filt == 2:
                line[i] = (line[i] + up) & 255
            elif filt == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif filt == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        if y % 4 == 0:
            colours.update(bytes(line[i:i + channels]) for i in range(0, stride, channels * 4))
        previous = line
    return width, height, colours


def test_heatmap_encodes_measures_themes_and_participants(heatmap, demo_study):
    enc = _encoding(heatmap)
    assert enc["x"]["field"] == "measure" and enc["y"]["field"] == "row"
    assert enc["color"]["field"] == "participants"
    tips = {t["field"] for t in enc["tooltip"]}
    assert {"participants_survivor", "participants_stakeholder", "participants_barrier", "pillar"} <= tips
    params = heatmap.to_dict()["params"]
    assert params[0]["name"] == charts.SELECTION["heatmap"] == "cell"
    assert params[0]["select"]["fields"] == ["row_id", "measure"]
    names_zh = set(analysis.code_names(demo_study)["name_zh"])
    assert set(heatmap.data["row"]) <= names_zh


def test_labels_switch_to_english(demo_study):
    chart = charts.measure_heatmap(analysis.theme_measure_matrix(demo_study), lang="en")
    assert "Exploitation" in set(chart.data["row"]) and _encoding(chart)["x"]["title"] == "Measure"


def test_assessment_bars_stack_facilitator_barrier_neutral(demo_study):
    chart = charts.assessment_bars(analysis.measure_summary(demo_study))
    enc = _encoding(chart)
    assert enc["y"]["field"] == "measure" and enc["x"]["field"] == "participants" and enc["x"]["stack"] == "zero"
    assert set(chart.data["assessment"]) == {"facilitator", "barrier", "neutral"}
    assert enc["color"]["scale"]["range"] == list(charts.ASSESSMENT_COLOURS.values())


@pytest.mark.parametrize("builder,selection,fields", [
    (lambda s: charts.frequency_bars(analysis.code_frequencies(s, by="group")), "bar", ["code", "group"]),
    (lambda s: charts.cooccurrence_heatmap(analysis.code_cooccurrence(s)), "pair", ["code_a", "code_b"]),
    (lambda s: charts.density_chart(analysis.coding_density(s)), "stretch",
     ["transcript", "bin", "bin_start", "bin_end"]),
])
def test_clickable_charts_name_their_selection(demo_study, builder, selection, fields):
    spec = builder(demo_study).to_dict()
    assert spec["params"][0]["name"] == selection and spec["params"][0]["select"]["fields"] == fields


def test_cooccurrence_heatmap_is_symmetric(demo_study):
    chart = charts.cooccurrence_heatmap(analysis.code_cooccurrence(demo_study))
    cells = set(zip(chart.data["code_a"], chart.data["code_b"]))
    assert all((b, a) in cells for a, b in cells)


def test_word_bars_facet_per_key(demo_study):
    chart = charts.word_bars(analysis.word_frequencies(demo_study, by="group", top=5), key="group", lang="zh")
    spec = chart.to_dict()
    assert spec["facet"]["field"] == "group" and spec["spec"]["encoding"]["y"]["field"] == "word"


def test_png_export_is_a_non_blank_image(heatmap):
    png = charts.chart_png(heatmap, scale=1)
    width, height, colours = _png_pixels(png)
    assert width > 300 and height > 200
    assert len(colours) > 20  # white background, orange cells, black text


def test_svg_export_keeps_chinese_labels_as_text(heatmap, demo_study):
    svg = charts.chart_svg(heatmap)
    assert svg.lstrip().startswith("<svg") and "剝削" in svg and "措施" in svg
    assert charts.CJK_FONT in svg


def test_cjk_font_comes_from_the_python_install():
    folder = charts.register_cjk_font()
    assert folder is not None and "site-packages" in folder


def test_csv_export_is_the_chart_data(heatmap):
    data = pd.read_csv(io.BytesIO(charts.chart_csv(heatmap)), encoding="utf-8-sig")
    assert len(data) == len(heatmap.data) and "participants" in data.columns
    assert set(data["row"]) == set(heatmap.data["row"])


def test_bad_label_language_is_refused(demo_study):
    from workbench.errors import InputError

    with pytest.raises(InputError):
        charts.measure_heatmap(analysis.theme_measure_matrix(demo_study), lang="fr")
