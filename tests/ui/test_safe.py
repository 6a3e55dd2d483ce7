"""Data rendered through workbench.ui.safe shows as its own text, whatever Markdown or HTML it carries."""

import re

import pytest
from markdown_it import MarkdownIt

from workbench.ui.safe import md, md_quote

HOSTILE = ["![x](http://example.org/a.png)", "[click](javascript:alert(1))", "<img src=x onerror=alert(1)>",
           "**bold** _it_ `code`", "# heading", ":red[alert] :material/home:", "$x^2$", "| a | b |\n|---|---|",
           "1. list", "- item", "<style>*{display:none}</style>", "a\\*b", "護照被收 **重要**"]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_renders_the_text_itself(text):
    html = MarkdownIt("commonmark").enable("table").render(md(text))
    assert not re.search(r"<(img|a|em|strong|code|h1|table|style|ol|ul)\b", html)
    plain = re.sub(r"<[^>]+>", "", html).strip()
    unescaped = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert unescaped.replace("\n", "") == text.replace("\n", "")


def test_quote_is_one_blockquote_and_cut():
    html = MarkdownIt("commonmark").render(md_quote("line one\n# not a heading", limit=12))
    assert html.count("<blockquote>") == 1 and "<h1>" not in html and "…" in html
