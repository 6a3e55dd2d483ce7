"""workbench.text.encodings: BOMs, UTF-16 with and without BOM, Hong Kong legacy encodings, binary refusal."""

from __future__ import annotations

import codecs
import random

import pytest

from workbench.errors import InputError
from workbench.text.encodings import decode
from workbench.text.readers import read_bytes

# Cantonese with characters only Big5-HKSCS has (嘅 咗 嚟 喺 㗎), English, and accented Latin.
CANTONESE_HKSCS = ("訪問員：你點樣嚟香港㗎？\n阿玲：我喺中介度借咗錢，佢哋收咗我本護照嘅。\n"
                   "訪問員：之後你有冇去勞資審裁處？\n阿玲：有，等咗三個月。\n")
# Cantonese in plain Big5 (no HKSCS characters).
CANTONESE_BIG5 = ("訪問員：你屋企人知唔知道？\n受訪者：唔知，佢冇同我講，我唔係好想講。\n"
                  "訪問員：僱主有冇收走你的護照？\n受訪者：有，我去了勞資審裁處。\n")
SIMPLIFIED = "访问员：你的雇主有没有收走你的护照？\n受访者：有，我去了劳资审裁处，等了三个月。\n"
MIXED = "Interviewer: Did they take your passport?\nDewi: Yes, 佢哋收咗我本護照. Café, naïve.\n"
WESTERN = "Interviewer: Did you go to the café?\nMaría: Yes — it was naïve of me, “really”. 50 € fee.\n"


def test_hkscs_fixture_really_needs_hkscs():
    with pytest.raises(UnicodeEncodeError):
        CANTONESE_HKSCS.encode("big5")
    CANTONESE_BIG5.encode("big5")  # and this one is plain Big5


CASES = [
    ("utf8", MIXED, lambda t: t.encode("utf-8"), "UTF-8"),
    ("utf8_cantonese", CANTONESE_HKSCS, lambda t: t.encode("utf-8"), "UTF-8"),
    ("utf8_bom", MIXED, lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "UTF-8 (BOM)"),
    ("utf16le_bom", CANTONESE_HKSCS + MIXED, lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "UTF-16 LE"),
    ("utf16be_bom", CANTONESE_HKSCS + MIXED, lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "UTF-16 BE"),
    ("utf16le_nobom", CANTONESE_HKSCS + MIXED, lambda t: t.encode("utf-16-le"), "UTF-16 LE"),
    ("utf16be_nobom", CANTONESE_HKSCS + MIXED, lambda t: t.encode("utf-16-be"), "UTF-16 BE"),
    ("utf16le_nobom_english", WESTERN, lambda t: t.encode("utf-16-le"), "UTF-16 LE"),
    ("utf16be_nobom_english", WESTERN, lambda t: t.encode("utf-16-be"), "UTF-16 BE"),
    ("big5", CANTONESE_BIG5, lambda t: t.encode("big5"), "Big5-HKSCS"),  # read with the superset
    ("big5hkscs", CANTONESE_HKSCS, lambda t: t.encode("big5hkscs"), "Big5-HKSCS"),
    ("gb18030", SIMPLIFIED, lambda t: t.encode("gb18030"), "GB18030"),
    ("gb18030_cantonese", CANTONESE_HKSCS, lambda t: t.encode("gb18030"), "GB18030"),
    ("cp1252", WESTERN, lambda t: t.encode("cp1252"), "Windows-1252"),
]


@pytest.mark.parametrize("case, text, encode, label", CASES, ids=[c[0] for c in CASES])
def test_decodes_text_and_names_the_encoding(case, text, encode, label):
    decoded, found = decode(encode(text), source=f"{case}.txt")
    assert decoded == text
    assert found == label


@pytest.mark.parametrize("encoding, label", [("utf-16-be", "UTF-16 BE"), ("utf-16-le", "UTF-16 LE")])
def test_regression_bomless_utf16_single_line_byte_order(encoding, label):
    """A one-line BOM-less UTF-16 BE file was read as UTF-16 LE gibberish ('䠀攀氀氀漀…')."""
    text = "Hello there, my friend"
    assert decode(text.encode(encoding), source="one.txt") == (text, label)


def test_read_bytes_reports_the_encoding_and_normalises():
    doc = read_bytes("P03.txt", codecs.BOM_UTF16_LE + CANTONESE_HKSCS.replace("\n", "\r\n").encode("utf-16-le"))
    assert doc.encoding == "UTF-16 LE"
    assert doc.text == CANTONESE_HKSCS.rstrip("\n")


def _png_like() -> bytes:
    rng = random.Random(20240601)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(4000))


@pytest.mark.parametrize("name, data, message", [
    ("photo.txt", _png_like(), "binary"),
    ("photo_odd.txt", _png_like() + b"!", "binary"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \r\n\t\n   \n", "empty"),
])
def test_unreadable_files_are_input_errors_naming_the_file(name, data, message):
    with pytest.raises(InputError) as err:
        decode(data, source=name)
    assert name in str(err.value)
    assert message in str(err.value)
    assert err.value.source == name


def test_random_bytes_without_nul_are_refused_with_a_line():
    rng = random.Random(7)
    data = b"first line\n" + bytes(rng.randrange(128, 256) for _ in range(3000))
    with pytest.raises(InputError) as err:
        decode(data, source="noise.txt")
    assert "noise.txt" in str(err.value)


@pytest.mark.parametrize("data", [codecs.BOM_UTF16_LE + " \n\t".encode("utf-16-le"), codecs.BOM_UTF8 + b" \n"])
def test_whitespace_only_with_a_bom_is_refused_by_the_reader(data):
    with pytest.raises(InputError, match="blank.txt"):
        read_bytes("blank.txt", data)


def test_invalid_bytes_after_a_bom_name_the_line():
    data = codecs.BOM_UTF8 + b"line one\nline two \xff\xfe oops\n"
    with pytest.raises(InputError) as err:
        decode(data, source="bad.txt")
    assert err.value.line == 2
    assert "line 2 of bad.txt" in str(err.value)
