"""Colours for drawing codes side by side: each code distinct from the others of its theme, in the theme's family.

The shipped codebook gives a theme's codes tints of one hue (#D55D68, #D96E71, #DE827F …), too close to tell
apart in a margin of stripes. `distinct_colours` keeps a code's own colour when it stands apart from the theme and
the siblings already placed (CIE76 ΔE ≥ MIN_DELTA_E), and otherwise picks, from hues around the theme's, the one
farthest from them. Everything returned is '#rrggbb', whatever the stored colour was.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MIN_DELTA_E = 20.0
FALLBACK = "#888888"
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
Rgb = tuple[float, float, float]


def parse_colour(value: object) -> Rgb | None:
    """'#rgb' or '#rrggbb' as RGB in 0..1; None for anything else."""
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        return None
    digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
    return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)


def to_hex(rgb: Rgb) -> str:
    """RGB in 0..1 as '#rrggbb'."""
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def delta_e(a: Rgb, b: Rgb) -> float:
    """CIE76 colour difference of two sRGB colours (about 2: just noticeable; 20: clearly different)."""
    return sum((x - y) ** 2 for x, y in zip(_lab(a), _lab(b))) ** 0.5


def text_colour(colour: str) -> str:
    """Black or white, whichever reads better on the colour."""
    rgb = parse_colour(colour) or (0.5, 0.5, 0.5)
    return "#000000" if _lab(rgb)[0] > 60 else "#ffffff"


def distinct_colours(codes: Sequence[dict[str, Any]]) -> dict[str, str]:
    """A '#rrggbb' colour per code id: themes keep theirs; a theme's codes differ from each other and from it."""
    key = tuple((c["id"], c.get("parent_id"), c.get("color") if isinstance(c.get("color"), str) else None,
                 c.get("position", 0)) for c in codes)
    return dict(_distinct(key))


@lru_cache(maxsize=16)
def _distinct(codes: tuple[tuple[str, str | None, str | None, int], ...]) -> tuple[tuple[str, str], ...]:
    parent = {code_id: parent_id for code_id, parent_id, _colour, _position in codes}
    own = {code_id: parse_colour(colour) for code_id, _parent, colour, _position in codes}
    colours: dict[str, Rgb] = {}
    by_theme: dict[str, list[str]] = {}
    for code_id, _parent, _colour, _position in sorted(codes, key=lambda c: (c[3], c[0])):
        theme = _theme(code_id, parent)
        by_theme.setdefault(theme, []).append(code_id)
    for theme, members in by_theme.items():
        base = own.get(theme) or parse_colour(FALLBACK)
        assert base is not None
        colours[theme] = base
        placed = [base]
        for code_id in members:
            if code_id == theme:
                continue
            mine = own.get(code_id)
            if mine is None or min(delta_e(mine, p) for p in placed) < MIN_DELTA_E:
                mine = max(_family(base), key=lambda c: min(delta_e(c, p) for p in placed))
            colours[code_id] = mine
            placed.append(mine)
    return tuple((code_id, to_hex(rgb)) for code_id, rgb in colours.items())


def _theme(code_id: str, parent: dict[str, str | None]) -> str:
    seen = set()
    while parent.get(code_id) and code_id not in seen:
        seen.add(code_id)
        code_id = parent[code_id] or code_id
    return code_id


def _family(base: Rgb) -> list[Rgb]:
    """Hues up to 60° either side of the theme's, at three lightnesses: the candidates for its codes."""
    hue, _light, _sat = colorsys.rgb_to_hls(*base)
    return [colorsys.hls_to_rgb((hue + step / 24) % 1.0, light, 0.62)
            for step in range(-4, 5) for light in (0.36, 0.5, 0.66)]


def _lab(rgb: Rgb) -> tuple[float, float, float]:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * linear[0] + 0.3576 * linear[1] + 0.1805 * linear[2]) / 0.95047
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    z = (0.0193 * linear[0] + 0.1192 * linear[1] + 0.9505 * linear[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))
