"""The Import page: after importing the uploader and the Import button reset; a file is named once per message."""

from __future__ import annotations

from tests.helpers import import_text
from tests.ui.conftest import by_label, logged_in, open_page
from workbench.errors import DuplicateError, InputError
from workbench.store.study import Study
from workbench.ui.pages.import_page import name_once
from workbench.ui.safe import md


def test_duplicate_and_reader_messages_name_the_file_once():
    duplicate = str(DuplicateError("P01.txt: the same transcript is already in the study (imported from P01.txt)"))
    assert name_once("P01.txt", duplicate).count("P01.txt:") == 1
    assert name_once("P01.txt", str(InputError("the file has no text", source="P01.txt"))) == \
        "P01.txt: the file has no text"
    assert name_once("P01.txt", str(InputError("bad line", source="P01.txt", line=3))) == "line 3 of P01.txt: bad line"
    assert name_once("P02.docx", "participant 'Dewi' is already in the study as survivor, not stakeholder") == \
        "P02.docx: participant 'Dewi' is already in the study as survivor, not stakeholder"


def _upload(at, *files: tuple[str, bytes]):
    uploader = at.file_uploader[0]
    uploader.set_value([(name, data, "text/plain") for name, data in files])
    at.run()
    assert not at.exception, at.exception
    return at


GOOD = ("P98_reset.txt", "FICTIONAL.\nInterviewer: Hello?\nLi: 我哋屋企好遠。\nInterviewer: OK?\nLi: 係。\n".encode())


def test_after_importing_the_uploader_and_import_button_reset(ui_study, demo):
    at = _upload(open_page(logged_in("chan", demo.passwords["chan"]), "import_page"), GOOD)
    by_label(at.button, "Import 1 file(s)").click()
    at.run()
    assert not at.exception
    with Study.open(ui_study) as study:
        tid = study.db.execute("SELECT id FROM transcripts WHERE stem = 'P98_reset'").fetchone()[0]
    assert [s.value for s in at.success] == [md(f"P98_reset.txt: imported as transcript {tid}.")]
    assert not [b for b in at.button if b.label.startswith("Import ")], "the Import button is gone"
    assert not at.file_uploader[0].value, "the uploader is empty again"


def test_a_duplicate_upload_names_the_file_once(ui_study, demo):
    with Study.open(ui_study) as study:
        import_text(study, GOOD[1].decode(), name="P98_first.txt", by="chan", participant=None)
    at = _upload(open_page(logged_in("chan", demo.passwords["chan"]), "import_page"), GOOD)
    by_label(at.button, "Import 1 file(s)").click()
    at.run()
    [error] = [e.value for e in at.error]
    assert error.count(md("P98_reset.txt")) == 1 and "already in the study" in error
