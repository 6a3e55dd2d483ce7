"""The hostile-file suite (issue 13): every bad file is refused by name, or read safely; the study never changes.

The .docx attacks (zip bomb, lying sizes, gridSpan bomb, XXE, billion laughs) are in test_docx_text.py; here
they run again through a batch import, with the plain-text and subtitle attacks.
"""

from __future__ import annotations

import codecs

import pytest

from tests.helpers import dump, table_counts
from tests.text.test_docx_text import LAUGHS, XXE, body, cell, docx_with
from workbench.errors import InputError
from workbench.services.importing import import_files
from workbench.text.readers import file_bytes, read_bytes

UTF8_CHINESE = "訪問員：你點樣嚟香港？\n阿玲：經中介嚟，佢哋收咗我本護照。\n訪問員：之後呢？\n阿玲：我去咗勞資審裁處。\n"


def _mixed_utf8_with_latin1_line() -> bytes:
    lines = UTF8_CHINESE.encode("utf-8").split(b"\n")
    lines.insert(2, "Interviewer: Café, naïve?".encode("latin-1"))
    return b"\n".join(lines)


def _big5_with_utf8_lines() -> bytes:
    big5 = "訪問員：你屋企人知唔知道？\n受訪者：唔知，佢冇同我講。\n訪問員：僱主有冇收走你的護照？\n受訪者：有。\n"
    lines = big5.encode("big5hkscs").split(b"\n")
    lines.insert(1, "阿玲：我去咗勞資審裁處。".encode())
    return b"\n".join(lines)


def test_finding7_utf8_chinese_with_one_latin1_line_is_refused_naming_the_line():
    """It was decoded whole as Windows-1252 and stored as mojibake, reported 'ok'."""
    with pytest.raises(InputError) as err:
        read_bytes("mixed.txt", _mixed_utf8_with_latin1_line())
    assert err.value.line == 3
    assert "line 3 of mixed.txt: mixed encodings: line 3 is not UTF-8" in str(err.value)


def test_finding7_big5_with_utf8_lines_is_refused_naming_the_line():
    with pytest.raises(InputError) as err:
        read_bytes("mixed.txt", _big5_with_utf8_lines())
    assert err.value.line == 2 and "UTF-8 inside a file in another encoding" in str(err.value)


def test_finding7_a_plain_legacy_file_is_still_read():
    text = "訪問員：你屋企人知唔知道？\n受訪者：唔知，佢冇同我講。\n"
    assert read_bytes("big5.txt", text.encode("big5hkscs")).text == text.strip()


@pytest.mark.parametrize("name, content, line, message", [
    ("bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:0x,000 --> 00:00:04,000\nLost?\n", 6,
     "not a valid SRT timestamp"),
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\n00:61.000 --> 01:02.000\nLost?\n", 6,
     "not a valid VTT timestamp"),
    ("reversed.srt", "1\n00:00:05,000 --> 00:00:02,000\nBackwards.\n", 2, "ends (00:00:02,000) before it starts"),
    ("reversed.vtt", "WEBVTT\n\n00:05.000 --> 00:02.000\nBackwards.\n", 3, "ends (00:02.000) before it starts"),
    ("order.srt", "1\n00:00:05,000 --> 00:00:06,000\nA.\n\n2\n00:00:01,000 --> 00:00:02,000\nB.\n", 6,
     "before the previous cue (line 2)"),
    ("skipped.srt", "1\n00:00:01,000 --> 00:00:02,000\nA.\n00:00:03,000 --> 00:00:04,000\nB.\n", 4,
     "could not be read as SRT"),
])
def test_finding7_bad_or_reversed_cue_times_are_refused_naming_the_line(name, content, line, message):
    """Cues with bad timestamps were dropped silently and reversed cue times accepted."""
    with pytest.raises(InputError) as err:
        read_bytes(name, content.encode())
    assert err.value.line == line, str(err.value)
    assert message in str(err.value) and name in str(err.value)


def test_control_characters_never_reach_the_text():
    raw = ("Interviewer: \x1b[2J\x1b]0;owned\x07Hello\x9b31m?\x0b\n"
           "Dewi: ok\x00\x1a\n").encode().replace(b"\x00", b"")  # NUL would mark it binary
    text = read_bytes("ctrl.txt", raw).text
    assert not any(ord(ch) < 0x20 and ch not in "\n\t" or 0x7F <= ord(ch) <= 0x9F for ch in text), repr(text)
    assert "Hello" in text and "Dewi: ok" in text


def test_a_one_megabyte_single_line_is_read_whole():
    line = ("Dewi: " + "they kept my passport and my wages " * 30_000)[:1_048_576]
    doc = read_bytes("long.txt", line.encode())
    assert len(doc.text) == len(line.rstrip())


def _hostile_files(tmp_path):
    files = {
        "empty.txt": b"",
        "nul.txt": b"Interviewer: hi\x00\x00\x00 there\n" * 40,
        "mixed.txt": _mixed_utf8_with_latin1_line(),
        "mixed_big5.txt": _big5_with_utf8_lines(),
        "xxe.docx": docx_with(XXE),
        "laughs.docx": docx_with(LAUGHS),
        "reversed.vtt": b"WEBVTT\n\n00:05.000 --> 00:02.000\nBackwards.\n",
        "utf16_bad.txt": codecs.BOM_UTF16_LE + "Hi\n".encode("utf-16-le") + b"\x00\xd8",  # lone surrogate
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    big = tmp_path / "fifty.txt"
    with big.open("wb") as handle:  # 50 MB, refused by size before it is read
        handle.write(b"Dewi: " + b"x" * (50 * 1024 * 1024))
    return [tmp_path / name for name in files] + [big]


def test_a_batch_of_hostile_files_is_refused_file_by_file_and_the_study_is_unchanged(study, tmp_path):
    paths = _hostile_files(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: How are you?\nDewi: Fine, thank you.\nInterviewer: Good.\nDewi: Yes.\n")
    tables = ("transcripts", "segments", "participants", "codings")
    before = dump(study, *tables)
    counts = table_counts(study)
    outcomes = import_files(study, [*paths, good], by="coder1")
    assert [o.file for o in outcomes] == [p.name for p in [*paths, good]]
    refused = {o.file: o.error for o in outcomes if o.error}
    assert set(refused) == {p.name for p in paths}, refused
    for name, error in refused.items():
        assert name in error
    assert outcomes[-1].transcript_id is not None  # the batch went on to the good file
    counts_after = table_counts(study)
    assert counts_after["transcripts"] == counts["transcripts"] + 1
    assert dump(study, *tables)["transcripts"][:len(before["transcripts"])] == before["transcripts"]


def test_finding11_a_symlink_is_refused_unless_allowed(tmp_path):
    """/etc/shadow was imported as a transcript through a link when run as root."""
    target = tmp_path / "secret.txt"
    target.write_text("Dewi: a secret\n")
    link = tmp_path / "innocent.txt"
    link.symlink_to(target)
    with pytest.raises(InputError, match="innocent.txt: is a symbolic link"):
        file_bytes(link)
    assert file_bytes(link, follow_symlinks=True) == target.read_bytes()


def test_finding11_special_files_are_refused(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        file_bytes(fifo)  # never blocks waiting for a writer
    with pytest.raises(InputError, match="not a regular file"):
        file_bytes(tmp_path)
    with pytest.raises(InputError, match="not a regular file"):
        file_bytes("/dev/zero", follow_symlinks=True)


def test_a_gridspan_bomb_in_a_batch_is_read_and_imported(study, tmp_path):
    path = tmp_path / "bomb.docx"
    table = ("<w:tbl><w:tr>" + cell("Interviewer: hi?", "<w:gridSpan w:val='99999999'/>") + cell("Dewi: yes")
             + "</w:tr></w:tbl>")
    path.write_bytes(docx_with(body(table)))
    outcomes = import_files(study, [path], by="coder1")
    assert outcomes[0].error is None and outcomes[0].transcript_id
