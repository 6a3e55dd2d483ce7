"""The Import page's messages: a file is named once, whoever wrote the message."""

from __future__ import annotations

from workbench.errors import DuplicateError, InputError
from workbench.ui.pages.import_page import name_once


def test_duplicate_and_reader_messages_name_the_file_once():
    duplicate = str(DuplicateError("P01.txt: the same transcript is already in the study (imported from P01.txt)"))
    assert name_once("P01.txt", duplicate).count("P01.txt:") == 1
    assert name_once("P01.txt", str(InputError("the file has no text", source="P01.txt"))) == \
        "P01.txt: the file has no text"
    assert name_once("P01.txt", str(InputError("bad line", source="P01.txt", line=3))) == "line 3 of P01.txt: bad line"
    assert name_once("P02.docx", "participant 'Dewi' is already in the study as survivor, not stakeholder") == \
        "P02.docx: participant 'Dewi' is already in the study as survivor, not stakeholder"
