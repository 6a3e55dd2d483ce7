"""Data reaches the page as text: the one place that turns data into Markdown-safe text."""

from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it covers Markdown (links, images,
# emphasis, headings, lists, tables), Streamlit's own syntax (:red[…], :material/…:, $…$ LaTeX) and raw HTML.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md(value: object) -> str:
    """The value as Markdown that renders exactly its text (never a link, image, tag or emphasis)."""
    text = "" if value is None else str(value)
    return _PUNCTUATION.sub(r"\\\1", text)


def md_quote(value: object, *, limit: int | None = None) -> str:
    """A block quote of the value's text, cut at `limit` characters with an ellipsis."""
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return "> " + md(text).replace("\n", "  \n> ")
