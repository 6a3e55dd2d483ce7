"""workbench.text.offsets: normalisation and every offset conversion (code points, UTF-16, CRLF)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text.offsets import (
    check_span,
    from_crlf_position,
    normalize,
    normalize_with_offsets,
    text_hash,
    to_crlf_position,
    trim_span,
)

RARE = "𠝹"  # U+20779, outside the BMP: two UTF-16 units, one code point
EMOJI = "😀"

# Text drawn from the characters that matter for offsets.
texts = st.text(alphabet=st.sampled_from(list("ab 佢哋\n\r\t\u0301e\u00e9" + RARE + EMOJI + "\ufeff\u2028")),
                max_size=40)
any_text = st.text(max_size=60)


@pytest.mark.parametrize("raw, expected", [
    ("\ufeffHello", "Hello"),
    ("a\r\nb\r\nc", "a\nb\nc"),
    ("a\rb\rc", "a\nb\nc"),
    ("a\u2028b\u2029c", "a\nb\nc"),
    ("cafe\u0301", "caf\u00e9"),
    ("e\u0301", "\u00e9"),
    ("trailing   \nspace\t\n", "trailing\nspace"),
    ("\n\nblank lines around\n\n\n", "blank lines around"),
    ("bell\x07 and \x00nul", "bell and nul"),
    ("tab\tstays", "tab\tstays"),
    ("佢哋\r\n" + RARE + EMOJI, "佢哋\n" + RARE + EMOJI),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_regression_normalize_leaves_no_bom_behind_a_line_break():
    """'\\u2028\\ufeff…' kept its BOM (only a leading one was stripped), and a second pass changed the text."""
    assert normalize("\u2028\ufeffHello") == "Hello"
    assert normalize("\n\ufeff\nHello") == "Hello"
    assert "\ufeff" not in normalize("part one\n\ufeffpart two (a second file pasted in)")


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_normalize_is_idempotent(raw):
    once = normalize(raw)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalized_text_has_only_newline_line_ends_and_no_bom(raw):
    text = normalize(raw)
    assert "\r" not in text and "\ufeff" not in text and "\u2028" not in text


def test_crlf_positions():
    text = "ab\ncd\n\nef"
    assert to_crlf_position(text, 3) == 4  # 'c' sits after one CRLF
    assert to_crlf_position(text, 7) == 10
    assert from_crlf_position(text, 4) == 3
    assert from_crlf_position(text, 10) == 7


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_crlf_round_trip(raw, data):
    text = normalize(raw)
    offset = data.draw(st.integers(0, len(text)))
    crlf = to_crlf_position(text, offset)
    assert crlf == len(text[:offset].replace("\n", "\r\n"))  # how MAXQDA counts
    assert from_crlf_position(text, crlf) == offset


def test_text_hash_is_sha256_of_utf8():
    assert text_hash("佢哋" + RARE) == hashlib.sha256(("佢哋" + RARE).encode("utf-8")).hexdigest()
    assert text_hash("a") != text_hash("a ")


def test_check_span():
    check_span("abc", 0, 3)
    for start, end in [(-1, 2), (2, 2), (2, 1), (0, 4)]:
        with pytest.raises(ValueError):
            check_span("abc", start, end)


def test_trim_span():
    text = "  hello world \n"
    assert trim_span(text, 0, len(text)) == (2, 13)
    assert trim_span("   ", 0, 3)[0] == trim_span("   ", 0, 3)[1]
    assert trim_span("\u3000佢哋\u3000", 0, 4) == (1, 3)  # ideographic space is white space too


# -- normalize_with_offsets: positions written against another program's text ------------------------------
RAW_PIECES = st.sampled_from(["a", "b", " ", "\t", "\n", "\r\n", "\r", "\ufeff", "\x01", "e\u0301", "é", "\u2028",
                              "護", "照", "𠝹", "😀", "  \n", "\n\n"])


@given(st.lists(RAW_PIECES, max_size=40).map("".join))
def test_normalize_with_offsets_gives_normalize_and_a_monotonic_map(raw):
    text, mapping = normalize_with_offsets(raw)
    assert text == normalize(raw)
    assert len(mapping) == len(raw) + 1 and mapping[0] == 0 and mapping[-1] == len(text)
    assert all(a <= b for a, b in zip(mapping, mapping[1:]))


@given(st.lists(RAW_PIECES, max_size=20).map("".join), st.text(alphabet="護照abc", min_size=1, max_size=6),
       st.lists(RAW_PIECES, max_size=20).map("".join))
def test_a_passage_found_in_raw_text_is_the_same_passage_after_normalising(before, passage, after):
    raw = before + "|" + passage + "|" + after
    text, mapping = normalize_with_offsets(raw)
    start, end = len(before) + 1, len(before) + 1 + len(passage)
    assert text[mapping[start]:mapping[end]] == passage


def test_crlf_positions_and_offsets_compose():
    raw = "Q: hi\r\nA: 我本護照\r\n"
    text, mapping = normalize_with_offsets(raw)
    start = raw.index("護照")
    assert text[mapping[start]:mapping[start + 2]] == "護照"
    lf = raw.replace("\r\n", "\n")
    assert from_crlf_position(lf, to_crlf_position(lf, lf.index("護照"))) == lf.index("護照")
