"""A report author in a real browser: from the Themes page, a Word report in Chinese and an XLSX of quotes."""

from __future__ import annotations

import io
import json
import re

import docx
import openpyxl

from tests.browser.conftest import login, query, screenshot, wait_ready


def _download(page, name: str, target):
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=name, exact=True).click()
    download.value.save_as(target)
    return download.value.suggested_filename


def test_a_reviewer_downloads_a_chinese_word_report_and_an_xlsx_of_quotes_from_themes(app_server, page, demo, tmp_path):
    base, study = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="themes")
    page.get_by_text("繁體中文").click()
    wait_ready(page)
    screenshot(page, "themes-downloads")

    report = tmp_path / "report.docx"
    assert _download(page, "Word findings report (中文)", report).endswith("-report-zh.docx")
    document = docx.Document(io.BytesIO(report.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "研究方法" in headings and "主題與編碼" in headings and "框架措施" in headings
    assert len(document.inline_shapes) == 3 and len(document.tables) > 20
    assert any(p.style.name == "Quote" for p in document.paragraphs)

    quotes = tmp_path / "quotes.xlsx"
    assert _download(page, "Quotes · XLSX", quotes).endswith("-quotes.xlsx")
    book = openpyxl.load_workbook(quotes)
    sheet = book["quotes"]
    header = [c.value for c in sheet[1]]
    assert {"code", "name_zh", "quote", "participant", "group", "measures_derived"} <= set(header)
    rows = sheet.max_row - 1
    assert rows == query(study, "SELECT count(*) FROM codings")[0][0]
    column = header.index("quote") + 1
    assert any(re.search("[\u4e00-\u9fff]", str(sheet.cell(r, column).value)) for r in range(2, sheet.max_row + 1))

    audit = [json.loads(d) for (d,) in query(study, "SELECT a.detail FROM audit_log a JOIN users u ON u.id = a.user_id "
                                                    "WHERE a.action = 'export' AND u.username = 'reviewer'")]
    assert {(a["format"], a["lang"]) for a in audit} >= {("docx", "zh"), ("xlsx", "zh")}
    assert page.get_by_role("button", name="REFI-QDA project (NVivo, MAXQDA, ATLAS.ti, QualCoder)").count() == 0


def test_an_admin_imports_a_refi_qda_project_on_the_import_page(app_server, page, demo, tmp_path):
    from tests.helpers import small_project

    base, study = app_server
    project = tmp_path / "colleague.qdpx"
    project.write_bytes(small_project(note=True))
    login(page, base, "admin", demo.passwords["admin"], path="import")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(project))
    wait_ready(page)
    page.wait_for_selector("text=REFI-QDA project written by")
    screenshot(page, "import-qdpx-preview")
    assert query(study, "SELECT count(*) FROM transcripts WHERE stem = 'Interview 1'")[0][0] == 0
    page.get_by_role("button", name="Import colleague.qdpx").click()
    wait_ready(page)
    page.wait_for_selector("text=colleague.qdpx: imported")
    assert query(study, "SELECT k.snippet, k.assessment, k.memo FROM codings k JOIN transcripts t "
                        "ON t.id = k.transcript_id WHERE t.stem = 'Interview 1'") == [
        ("kept my passport", "barrier", "Check the date.")]
    assert query(study, "SELECT role, password_hash FROM users WHERE username = 'mei_wong'") == [("coder", None)]
