"""workbench.services.code_colours: a theme's codes are told apart at a glance, and only colours come out."""

from __future__ import annotations

import itertools
import re

import pytest

from workbench.services.code_colours import MIN_DELTA_E, delta_e, distinct_colours, parse_colour, text_colour
from workbench.services.codes import list_codes

HEX = re.compile(r"#[0-9a-f]{6}")


def _code(code_id, colour, parent=None, position=0):
    return {"id": code_id, "parent_id": parent, "color": colour, "position": position}


def test_the_shipped_codebook_gets_distinct_colours_within_every_theme(study):
    codes = list_codes(study, counts=False)
    colours = distinct_colours(codes)
    assert set(colours) == {c["id"] for c in codes}
    for theme in (c["id"] for c in codes if not c["parent_id"]):
        members = [theme] + [c["id"] for c in codes if c["parent_id"] == theme]
        for a, b in itertools.combinations(members, 2):
            difference = delta_e(parse_colour(colours[a]), parse_colour(colours[b]))
            assert difference >= MIN_DELTA_E, (a, b, colours[a], colours[b], difference)
        assert colours[theme] == next(c["color"] for c in codes if c["id"] == theme).lower()


def test_a_code_keeps_its_own_colour_when_it_already_stands_out():
    codes = [_code("t", "#b03a2e"), _code("t/a", "#1f618d", "t", 1), _code("t/b", "#b03a2f", "t", 2)]
    colours = distinct_colours(codes)
    assert colours["t/a"] == "#1f618d"          # far from the theme: kept
    assert colours["t/b"] != "#b03a2f"          # one unit from the theme's red: replaced
    assert delta_e(parse_colour(colours["t/b"]), parse_colour("#b03a2e")) >= MIN_DELTA_E


@pytest.mark.parametrize("hostile", ['red;background:url(http://x)', '#fff" onerror="alert(1)', "", None, 42,
                                     "#12345g", "expression(alert(1))"])
def test_anything_but_a_colour_becomes_a_colour(hostile):
    colours = distinct_colours([_code("t", hostile), _code("t/a", hostile, "t", 1)])
    assert all(HEX.fullmatch(c) for c in colours.values())
    assert parse_colour(hostile) is None


def test_short_hex_and_text_colour():
    assert parse_colour("#fff") == (1.0, 1.0, 1.0)
    assert text_colour("#ffffcc") == "#000000" and text_colour("#1f618d") == "#ffffff"
    assert text_colour("nonsense") in ("#000000", "#ffffff")


def test_the_same_codebook_always_gets_the_same_colours(study):
    codes = list_codes(study, counts=False)
    assert distinct_colours(codes) == distinct_colours(list(reversed(codes)))
