"""workbench.services.exports.report: the Word findings report, read back with python-docx (and LibreOffice)."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pytest

from workbench.services.analysis import Filters
from workbench.services.exports.report import strongest_quotes, word_report


@pytest.fixture(scope="module")
def reports(_demo_with_memos):
    """The demo study's report in English (with charts) and Chinese (with charts), made once."""
    from workbench.store.study import Study

    with Study.open(_demo_with_memos) as study:
        return {lang: word_report(study, lang=lang) for lang in ("en", "zh")}


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def test_the_english_report_has_method_charts_themes_codes_measures_and_quotes(reports, source):
    document = docx.Document(io.BytesIO(reports["en"]))
    headings = _headings(document)
    for heading in ("Method", "Participants by group", "Coders", "Charts", "Themes and codes", "Framework measures"):
        assert heading in headings
    themes = [r[0] for r in source.db.execute("SELECT name_en FROM codes WHERE parent_id IS NULL")]
    assert set(themes) <= set(headings)
    assert "Delay (barriers/delay)" in headings or any(h.endswith("(barriers/delay)") for h in headings)
    assert any(h.startswith("ON-3 — ") for h in headings)
    assert len(document.inline_shapes) == 3
    assert len(document.tables) >= 30
    quotes = [p.text.strip("“”") for p in document.paragraphs if p.style.name == "Quote"]
    snippets = {r[0] for r in source.db.execute("SELECT snippet FROM codings")}
    assert quotes and set(quotes) <= snippets
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Codebook: justice_access 1.0" in body and "Participants are counted once per cell" in body
    group_table = document.tables[0]
    assert [c.text for c in group_table.rows[0].cells] == ["Group", "Participants", "Transcripts"]
    assert {r.cells[0].text: r.cells[1].text for r in group_table.rows[1:]} == {"stakeholder": "4", "survivor": "5"}


def test_the_chinese_report_uses_chinese_labels_and_names(reports, source):
    document = docx.Document(io.BytesIO(reports["zh"]))
    headings = _headings(document)
    assert "研究方法" in headings and "主題與編碼" in headings and "框架措施" in headings
    theme_zh = source.db.execute("SELECT name_zh FROM codes WHERE id = 'barriers'").fetchone()[0]
    assert theme_zh in headings
    assert [c.text for c in document.tables[0].rows[0].cells] == ["組別", "受訪者人數", "訪談稿數目"]
    assert {r.cells[0].text for r in document.tables[0].rows[1:]} == {"倖存者", "持份者"}
    assert len(document.inline_shapes) == 3


def test_quotes_carry_only_pseudonym_group_transcript_and_turn(reports, source):
    document = docx.Document(io.BytesIO(reports["en"]))
    paragraphs = document.paragraphs
    attributions = [paragraphs[i + 1].text for i, p in enumerate(paragraphs) if p.style.name == "Quote"]
    pseudonyms = {r[0] for r in source.db.execute("SELECT pseudonym FROM participants")}
    stems = {r[0] for r in source.db.execute("SELECT stem FROM transcripts")}
    for line in attributions:
        who, _, where = line.removeprefix("— ").partition(" (")
        assert who in pseudonyms and any(s in where for s in stems) and ", turn " in where
    body = "\n".join(p.text for p in paragraphs)
    assert "age_band" not in body and "30-39" not in body  # participant attributes stay out of the report


def test_a_filtered_report_quotes_only_the_filtered_group(source):
    data = word_report(source, filters=Filters(groups=("stakeholder",)), charts_too=False)
    document = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Filters: groups: stakeholder" in body
    quoted = [p.text for p in document.paragraphs if p.text.startswith("— ")]
    assert quoted and all("(stakeholder)" in line for line in quoted)


def test_strongest_quotes_prefer_passages_coded_by_more_coders_one_per_participant_first(source):
    import pandas as pd

    frame = pd.DataFrame({"participant": ["A", "A", "B"], "coders": ["chan,reyes", "chan,reyes", "chan"],
                          "assessments": ["barrier", "barrier", "none"], "snippet": ["x" * 200, "y" * 200, "z" * 200]})
    chosen = strongest_quotes(frame, limit=2)
    assert list(chosen["participant"]) == ["A", "B"]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_the_report_converts_to_pdf_with_libreoffice(reports, tmp_path):
    for lang, data in reports.items():
        path = tmp_path / f"report_{lang}.docx"
        path.write_bytes(data)
        profile = tmp_path / f"profile_{lang}"
        result = subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
                                 "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                                capture_output=True, text=True, timeout=240)
        pdf = tmp_path / f"report_{lang}.pdf"
        assert result.returncode == 0 and pdf.exists(), result.stderr
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000
