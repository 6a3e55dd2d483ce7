"""Hypothesis fuzzing of the readers (issue 13): any input gives a Document or an InputError naming the file."""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.text.test_docx_text import body, docx_with
from workbench.errors import InputError
from workbench.text.readers import READERS, Document, read_bytes

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(name: str, data: bytes) -> Document | None:
    """Read, asserting the only failure is an InputError that names the file."""
    try:
        doc = read_bytes(name, data)
    except InputError as err:
        assert name in str(err), str(err)
        return None
    _assert_normalised(doc)
    return doc


def _assert_normalised(doc: Document) -> None:
    text = doc.text
    assert text.strip()
    assert "\r" not in text and "\ufeff" not in text
    assert unicodedata.normalize("NFC", text) == text
    assert not any((ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in text)
    for cue in doc.cues:
        assert 0 <= cue.start <= cue.end <= len(text) and cue.t_start_ms <= cue.t_end_ms


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(sorted(READERS)))
def test_any_bytes_in_any_format(data, suffix):
    _read(f"fuzz.{suffix}", data)


@FUZZ
@given(text=st.text(max_size=400), encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "big5hkscs",
                                                             "gb18030", "cp1252"]))
def test_any_text_in_any_encoding(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    _read("fuzz.txt", data)


_TIME = st.integers(min_value=0, max_value=3 * 3600 * 1000)


def _stamp(ms: int, *, comma: bool) -> str:
    h, rest = divmod(ms, 3600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{ms:03d}"


@FUZZ
@given(cues=st.lists(st.tuples(_TIME, _TIME, st.text(alphabet=st.characters(blacklist_categories=["Cs"]),
                                                       max_size=40)), max_size=8),
       fmt=st.sampled_from(["vtt", "srt"]))
def test_subtitles_with_any_cue_times_and_text(cues, fmt):
    comma = fmt == "srt"
    blocks = [f"{i}\n{_stamp(a, comma=comma)} --> {_stamp(b, comma=comma)}\n{text}" if comma else
              f"{_stamp(a, comma=comma)} --> {_stamp(b, comma=comma)}\n{text}" for i, (a, b, text) in enumerate(cues, 1)]
    data = (("WEBVTT\n\n" if fmt == "vtt" else "") + "\n\n".join(blocks) + "\n").encode()
    doc = _read(f"fuzz.{fmt}", data)
    if doc is not None:
        starts = [c.t_start_ms for c in doc.cues]
        assert starts == sorted(starts)


_ELEMENT = st.sampled_from(["w:p", "w:r", "w:t", "w:tbl", "w:tr", "w:tc", "w:tab", "w:br", "w:tcPr", "w:gridSpan",
                            "w:vMerge", "mc:AlternateContent", "mc:Fallback", "mc:Choice", "w:del", "w:delText"])


@st.composite
def _xml(draw, depth: int = 0):
    if depth > 4 or draw(st.booleans()):
        return escape(draw(st.text(max_size=20)).replace("\x00", ""))
    tag = draw(_ELEMENT)
    attrs = draw(st.sampled_from(["", " w:val='x'", " w:val='99999999'", " w:val='restart'"]))
    inner = "".join(draw(st.lists(_xml(depth=depth + 1), max_size=3)))
    return f"<{tag}{attrs}>{inner}</{tag}>"


@FUZZ
@given(fragment=st.lists(_xml(), max_size=6))
def test_docx_with_any_nesting_of_word_elements(fragment):
    _read("fuzz.docx", docx_with(body("".join(fragment))))


@FUZZ
@given(position=st.floats(min_value=0, max_value=1), junk=st.binary(min_size=1, max_size=16))
def test_docx_with_damaged_bytes(position, junk):
    data = docx_with(body("<w:p><w:r><w:t>Interviewer: hello there</w:t></w:r></w:p>" * 20))
    at = int(position * (len(data) - 1))
    _read("fuzz.docx", data[:at] + junk + data[at + len(junk):])
