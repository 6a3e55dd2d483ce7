"""Registering the app's custom components (v2) from workbench/ui/static: one place that reads their files."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import streamlit as st

_STATIC = resources.files("workbench.ui") / "static"


def static_component(name: str, *, root: str, css: tuple[str, ...], js: str) -> Callable[..., Any]:
    """A component whose markup is one empty root element, styled by `css` files and drawn by `js`.

    The scripts get dom.js (the text-only DOM helpers) in front, so no component needs its own copy.
    """
    return st.components.v2.component(
        name,
        html=f'<div class="{root}"></div>',
        css="\n".join((_STATIC / f).read_text(encoding="utf-8") for f in css),
        js=(_STATIC / "dom.js").read_text(encoding="utf-8") + "\n" + (_STATIC / js).read_text(encoding="utf-8"),
        isolate_styles=False,
    )
