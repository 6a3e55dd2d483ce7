"""workbench.text.docx_text: .docx text streamed with limits (issue 13 findings 4 and 6)."""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest

from workbench.errors import InputError
from workbench.text.docx_text import MAX_UNZIPPED, docx_text
from workbench.text.readers import read_bytes

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def body(xml: str, *, prolog: str = "") -> str:
    """A document.xml around body content."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f"<w:document {W} {MC}><w:body>{xml}</w:body></w:document>")


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def docx_with(document_xml: str | bytes) -> bytes:
    """A real .docx (written by python-docx) whose main document is replaced."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = document_xml.encode("utf-8") if isinstance(document_xml, str) else document_xml
            target.writestr(info.filename, data)
    return out.getvalue()


def test_paragraphs_tables_tabs_and_breaks_in_document_order():
    xml = body(p("Interviewer: Where?") + "<w:tbl><w:tr>" + cell("Date") + cell("2026-03-21") + "</w:tr></w:tbl>"
               + "<w:p><w:r><w:t>Dewi:</w:t><w:tab/><w:t>In</w:t><w:br/><w:t>Tsuen Wan 佢哋</w:t></w:r></w:p>")
    expected = "Interviewer: Where?\nDate\t2026-03-21\nDewi:\tIn\nTsuen Wan 佢哋"
    assert docx_text("a.docx", docx_with(xml), max_chars=10_000) == expected


def test_tab_stops_in_paragraph_properties_are_not_text_and_deleted_text_is_skipped():
    xml = body("<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
               "<w:r><w:t>kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>")
    assert docx_text("a.docx", docx_with(xml), max_chars=100) == "kept"


def test_alternate_content_is_read_once():
    xml = body("<w:p><w:r><mc:AlternateContent><mc:Choice>" + p("in a text box") + "</mc:Choice><mc:Fallback>"
               + p("in a text box") + "</mc:Fallback></mc:AlternateContent></w:r></w:p>")
    assert docx_text("a.docx", docx_with(xml), max_chars=100).split("\n").count("in a text box") == 1


def test_finding4_a_gridspan_bomb_is_read_at_once():
    """A 2.4 KB .docx with gridSpan="99999999" ran past 600 s and 2.5 GB in python-docx."""
    xml = body("<w:tbl><w:tr>" + cell("wide", "<w:gridSpan w:val='99999999'/>") + cell("next") + "</w:tr></w:tbl>")
    data = docx_with(xml)
    started = time.perf_counter()
    doc = read_bytes("bomb.docx", data)
    assert doc.text == "wide\tnext"
    assert time.perf_counter() - started < 5  # seconds, not minutes: the span is never expanded


@pytest.mark.parametrize("props, rows", [
    ("<w:gridSpan w:val='x'/>", 1),  # not a number
    ("<w:gridSpan w:val='-4'/>", 1),
    ("<w:vMerge/>", 1),  # continues a merge with no row above
])
def test_finding6_damaged_table_attributes_do_not_abort_the_reader(props, rows):
    """gridSpan="x" or a vMerge with no row above raised ValueError outside the reader's error handling."""
    xml = body("<w:tbl>" + "<w:tr>" + cell("a", props) + cell("b") + "</w:tr>" * rows + "</w:tbl>" + p("after"))
    assert read_bytes("odd.docx", docx_with(xml)).text == "a\tb\nafter"


def test_finding4_text_is_capped_while_reading():
    """A 611 KB .docx expanded to 93 M characters: the reader stops at the size limit instead."""
    xml = body(p("x" * 1000) * 5000)  # 5 M characters, compresses to a few KB
    data = docx_with(xml)
    assert len(data) < 100_000
    with pytest.raises(InputError, match="big.docx.*over the 1,000,000-character limit"):
        read_bytes("big.docx", data, max_bytes=1_000_000)


def _deflated_docx(member_size: int, *, lie: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        with target.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(body("").encode()[:-len("</w:body></w:document>")])
            chunk = b" " * (1 << 20)
            for _ in range(member_size >> 20):
                stream.write(chunk)
            stream.write(b"</w:body></w:document>")
    data = out.getvalue()
    if lie:  # claim the member is tiny in its local and central headers: the real bytes must be counted
        data = data.replace((member_size + len(body(""))).to_bytes(8, "little"), (100).to_bytes(8, "little"))
    return data


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return _deflated_docx(MAX_UNZIPPED + (8 << 20))


def test_finding4_an_honest_zip_bomb_is_refused_by_counting_what_is_unpacked(zip_bomb):
    assert len(zip_bomb) < 2_000_000  # a small file that unpacks to more than 200 MB
    with pytest.raises(InputError, match="bomb.docx.*unpacks to more than 200 MB"):
        read_bytes("bomb.docx", zip_bomb)


def test_finding4_a_docx_lying_about_its_unpacked_size_is_refused(zip_bomb):
    lying = _deflated_docx(MAX_UNZIPPED + (8 << 20), lie=True)
    assert lying != zip_bomb, "the size fields were not found to patch"
    with pytest.raises(InputError, match="liar.docx"):
        read_bytes("liar.docx", lying)


XXE = body(p("&secret;"), prolog='<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>')
LAUGHS = body(p("&lol9;"), prolog="<!DOCTYPE d [<!ENTITY lol 'lol'>" + "".join(
    f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10 if i > 1 else '&lol;' * 10}'>" for i in range(1, 10)) + "]>")


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["xxe", "billion_laughs"])
def test_dtds_and_entities_are_refused(xml):
    with pytest.raises(InputError, match="evil.docx.*DTD or entities"):
        read_bytes("evil.docx", docx_with(xml))


@pytest.mark.parametrize("xml, message", [
    (b"<w:document", "damaged"),
    (b"\xff\xfe<not xml", "damaged"),
    (body("<w:p><w:r><w:t>&undefined;</w:t></w:r></w:p>"), "damaged"),
])
def test_broken_xml_is_an_input_error_naming_the_file(xml, message):
    with pytest.raises(InputError, match=f"broken.docx.*{message}"):
        read_bytes("broken.docx", docx_with(xml))


def test_a_bad_crc_is_an_input_error_naming_the_file():
    data = bytearray(docx_with(body(p("hello there, this is the interview") * 50)))
    start = data.index(b"word/document.xml") + len("word/document.xml") + 40  # inside the compressed member
    data[start:start + 8] = b"\x00" * 8
    with pytest.raises(InputError, match="crc.docx"):
        read_bytes("crc.docx", bytes(data))
