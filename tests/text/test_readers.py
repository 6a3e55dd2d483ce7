"""workbench.text.readers: txt, md, docx (with a table), vtt, srt; normalisation; clear refusals."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest

from workbench.errors import InputError
from workbench.text.readers import file_bytes, read_bytes


def _docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_txt_with_crlf_and_trailing_space_is_normalised():
    doc = read_bytes("P01.txt", b"Interviewer: Hi?  \r\nDewi: Hello.\r\n\r\n")
    assert doc.text == "Interviewer: Hi?\nDewi: Hello."
    assert (doc.format, doc.encoding, doc.cues) == ("txt", "UTF-8", [])


def test_old_mac_cr_line_ends_are_normalised():
    assert read_bytes("P01.txt", b"a\rb\rc").text == "a\nb\nc"


def test_md_is_read_as_text_keeping_markup():
    doc = read_bytes("P02.MD", b"# Interview\r\n\r\n**Interviewer:** Hi?\r\n")
    assert doc.format == "md"
    assert doc.text == "# Interview\n\n**Interviewer:** Hi?"


def test_docx_paragraphs_and_table_rows():
    data = _docx_bytes(["Interviewer: Where did you work?", "Maricel: In Tsuen Wan. 佢哋 took my passport 😀."],
                       table=[["Date", "2026-03-21"], ["Place", "Shelter 庇護中心"]])
    doc = read_bytes("SV02.docx", data)
    assert doc.format == "docx"
    assert doc.text == ("Interviewer: Where did you work?\nMaricel: In Tsuen Wan. 佢哋 took my passport 😀.\n"
                        "Date\t2026-03-21\nPlace\tShelter 庇護中心")


def test_docx_is_nfc_normalised():
    doc = read_bytes("n.docx", _docx_bytes(["Cafe\u0301 visit"]))
    assert doc.text == "Caf\u00e9 visit"


VTT = ("WEBVTT\r\n\r\n"
       "00:00:01.000 --> 00:00:04.500\r\n<v Interviewer>How did you come to Hong Kong?</v>\r\n\r\n"
       "00:00:05.000 --> 00:01:02.250\r\n<v Ana>Through an agency.\r\nThey took my passport.</v>\r\n\r\n"
       "01:00:00.000 --> 01:00:01.000\r\nNo voice here.\r\n")


def test_vtt_voice_tags_become_labels_and_timestamps_become_ms():
    doc = read_bytes("SV03.vtt", VTT.encode("utf-8"))
    assert doc.format == "vtt"
    assert doc.text == ("Interviewer: How did you come to Hong Kong?\n"
                        "Ana: Through an agency. They took my passport.\nNo voice here.")
    assert [(c.voice, c.t_start_ms, c.t_end_ms) for c in doc.cues] == [
        ("Interviewer", 1000, 4500), ("Ana", 5000, 62250), (None, 3600000, 3601000)]
    assert [doc.text[c.start:c.end] for c in doc.cues] == doc.text.split("\n")


def test_vtt_short_timestamps_voice_classes_and_unclosed_tags():
    vtt = ("WEBVTT\n\n01:02.500 --> 01:04.000\n<v Ana>Hi.</v>\n\n"
           "01:05.000 --> 01:06.000\n<v.loud Bob>Hello.</v>\n\n01:07.000 --> 01:08.000\n<v Ana>Bye.\n")
    doc = read_bytes("short.vtt", vtt.encode())
    assert doc.text == "Ana: Hi.\nBob: Hello.\nAna: Bye."
    assert [(c.voice, c.t_start_ms, c.t_end_ms) for c in doc.cues] == [
        ("Ana", 62500, 64000), ("Bob", 65000, 66000), ("Ana", 67000, 68000)]


def test_srt_cues_in_ms():
    srt = ("1\n00:00:01,000 --> 00:00:02,500\nInterviewer: Hello?\n\n"
           "2\n00:00:03,000 --> 00:00:04,040\n阿玲：你好。\n第二行。\n")
    doc = read_bytes("clip.srt", srt.encode("utf-8"))
    assert doc.text == "Interviewer: Hello?\n阿玲：你好。 第二行。"
    assert [(c.t_start_ms, c.t_end_ms) for c in doc.cues] == [(1000, 2500), (3000, 4040)]
    assert [doc.text[c.start:c.end] for c in doc.cues] == doc.text.split("\n")


def test_srt_in_utf16_with_bom():
    srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nInterviewer: Hi?\r\n"
    doc = read_bytes("clip.srt", b"\xff\xfe" + srt.encode("utf-16-le"))
    assert (doc.text, doc.encoding) == ("Interviewer: Hi?", "UTF-16 LE")


def test_read_path_reads_from_disk(tmp_path):
    path = tmp_path / "P05.txt"
    path.write_bytes(b"Dewi: Hello\r\n")
    doc = read_bytes(Path(path).name, file_bytes(path))
    assert (doc.name, doc.text) == ("P05.txt", "Dewi: Hello")


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not word")
    return buffer.getvalue()


def _zip_with_broken_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document oops")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("renamed.docx", bytes(random.Random(3).randrange(256) for _ in range(600)), "not a valid .docx"),
    ("archive.docx", _zip_without_document(), "no word/document.xml"),
    ("damaged.docx", _zip_with_broken_document(), "damaged"),
    ("report.pdf", b"%PDF-1.7\n", "unsupported file type '.pdf'"),
    ("noext", b"Dewi: hi", "unsupported file type"),
    ("broken.vtt", b"this is not webvtt\n", "not a valid VTT"),
    ("broken.srt", b"garbage\nmore garbage\n", "not a valid SRT"),
    ("silent.vtt", b"WEBVTT\n\n", "no captions"),
    ("blank.docx", _docx_bytes(["", "   "]), "no text"),
])
def test_bad_files_give_an_input_error_naming_the_file(name, data, message):
    with pytest.raises(InputError) as err:
        read_bytes(name, data)
    assert name in str(err.value)
    assert message in str(err.value)


def test_oversized_bytes_are_refused_with_the_limit():
    with pytest.raises(InputError) as err:
        read_bytes("long.txt", b"x" * 2000, max_bytes=1000)
    assert "long.txt" in str(err.value)
    assert "limit" in str(err.value)


def test_oversized_file_on_disk_is_refused_before_reading(tmp_path):
    path = tmp_path / "long.docx"
    path.write_bytes(b"x" * 5000)  # not even a docx: the size check comes first
    with pytest.raises(InputError, match="long.docx.*limit"):
        read_bytes(Path(path).name, file_bytes(path, max_bytes=100), max_bytes=100)


def test_regression_size_message_shows_the_real_limit():
    """A 2,000-byte file over a 1,000-byte limit was reported as '0.0 MB, over the 0 MB limit'."""
    with pytest.raises(InputError) as err:
        read_bytes("long.txt", b"x" * 2000, max_bytes=1000)
    assert "0 MB" not in str(err.value)
    assert "1,000 bytes" in str(err.value) and "2,000 bytes" in str(err.value)
    with pytest.raises(InputError) as err:
        read_bytes("big.txt", b"x" * (3 * 1024 * 1024), max_bytes=int(0.5 * 1024 * 1024))
    assert "3 MB" in str(err.value) and "0.5 MB limit" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_bytes(Path(tmp_path / "absent.txt").name, file_bytes(tmp_path / "absent.txt"))
