"""workbench.services.charts.export: PNG, SVG and CSV of a registry chart, Chinese included."""

from __future__ import annotations

import io
import struct
import zlib

import pandas as pd
import pytest

from workbench.errors import InputError
from workbench.services import charts


@pytest.fixture(scope="module")
def heatmap(demo_study):
    return charts.CHARTS["heatmap"].chart(demo_study, lang="zh")


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


def test_png_export_is_a_non_blank_image(heatmap):
    png = charts.chart_png(heatmap, scale=1)
    width, height, colours = _png_pixels(png)
    assert width > 300 and height > 200
    assert len(colours) > 20  # white background, orange cells, black text


def test_svg_export_keeps_chinese_labels_and_what_is_counted_as_text(heatmap):
    svg = charts.chart_svg(heatmap)
    assert svg.lstrip().startswith("<svg") and "剝削" in svg and "受訪者人數" in svg
    assert "只計編碼員已確認的措施" in svg  # the subtitle travels with the image
    assert charts.CJK_FONT in svg


@pytest.mark.parametrize("kind", list(charts.CHARTS))
def test_every_chart_exports_in_both_languages(demo_study, kind):
    for lang in charts.LANGS:
        chart = charts.CHARTS[kind].chart(demo_study, lang=lang, clickable=False)
        assert charts.chart_svg(chart).lstrip().startswith("<svg")


def test_cjk_font_comes_from_the_python_install():
    folder = charts.register_cjk_font()
    assert folder is not None and "site-packages" in folder


def test_csv_export_is_the_chart_data(heatmap):
    data = pd.read_csv(io.BytesIO(charts.chart_csv(heatmap)), encoding="utf-8-sig")
    assert len(data) == len(heatmap.data) and "participants" in data.columns
    assert set(data["row"]) == set(heatmap.data["row"]) and set(data["attributions"]) == {"confirmed"}


def test_a_chart_without_a_table_is_refused():
    import altair as alt

    with pytest.raises(InputError):
        charts.chart_csv(alt.Chart().mark_point())
