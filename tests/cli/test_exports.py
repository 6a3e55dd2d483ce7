"""`workbench export` and REFI-QDA files through `workbench import` (workbench.cli.exports, workbench.cli.imports)."""

from __future__ import annotations

import json

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from tests.helpers import copy_study, small_project
from tests.services.exports.conftest import MAXQDA
from workbench.cli import main
from workbench.services.exports import FORMATS, TABLES
from workbench.store.study import Study


def _run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def demo_copy(demo, tmp_path):
    return copy_study(demo.path, tmp_path / "demo.db")


def test_export_help_lists_every_format_and_table_from_the_registries():
    text = " ".join(_run("export", "--help").output.split())
    for name, spec in FORMATS.items():
        assert f"{name}: {spec.label}" in text
    for name in TABLES:
        assert name in text


def test_export_writes_each_format(demo_copy, tmp_path):
    for fmt, extra in (("qdpx", ()), ("qdc", ()), ("yaml", ()), ("csv", ("--table", "framework")),
                       ("xlsx", ("--table", "quotes", "--table", "code_participant")),
                       ("docx", ("--lang", "zh", "--group", "stakeholder"))):
        target = tmp_path / f"out.{fmt}"
        result = _run("export", demo_copy, "--format", fmt, "--output", target, *extra)
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 1000, fmt
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == ["quotes", "code_participant", "about"]
    assert "研究方法" in [p.text for p in docx.Document(tmp_path / "out.docx").paragraphs]
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfparticipant,group,GOV-1")
    with Study.open(demo_copy) as study:
        details = [json.loads(d) for (d,) in study.db.execute("SELECT detail FROM audit_log WHERE action = 'export'")]
    assert [d["format"] for d in details] == ["qdpx", "qdc", "yaml", "csv", "xlsx", "docx"]
    assert details[-1]["filters"] == {"groups": ["stakeholder"]} and details[-1]["lang"] == "zh"


def test_export_qdpx_twice_is_byte_identical_and_to_stdout(demo_copy, tmp_path):
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    for target in (first, second):
        assert _run("export", demo_copy, "--format", "qdpx", "-o", target).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    result = CliRunner().invoke(main, ["export", str(demo_copy), "--format", "csv", "--table", "codebook", "-o", "-"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"\xef\xbb\xbfcode,parent")


def test_a_reviewer_may_not_export_the_project(demo_copy, tmp_path):
    result = _run("export", demo_copy, "--format", "qdpx", "-o", tmp_path / "x.qdpx", "--as", "reviewer")
    assert result.exit_code == 1 and "error: reviewer (reviewer) may not download the project file" in result.output
    assert not (tmp_path / "x.qdpx").exists()


def test_import_recognises_a_project_by_content_and_round_trips_the_demo(demo_copy, tmp_path):
    project = tmp_path / "demo-project.zip"  # not named .qdpx: recognised by what is inside
    assert _run("export", demo_copy, "--format", "qdpx", "-o", project).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert _run("init", fresh).exit_code == 0
    result = _run("import", fresh, project)
    assert result.exit_code == 0, result.output
    assert "9 transcripts, 37 codes" in result.output and "545 codings" in result.output
    assert "cannot log in until an admin sets a password" in result.output
    with Study.open(demo_copy) as a, Study.open(fresh) as b:
        assert {k: v for k, v in a.counts().items() if k != "suggestions"} == {
            k: v for k, v in b.counts().items() if k != "suggestions"}


def test_import_of_the_maxqda_sample_and_a_broken_project(tmp_path):
    study = tmp_path / "s.db"
    _run("init", study)
    result = _run("import", study, MAXQDA)  # its sources hold e-mail addresses and web pages: held
    assert result.exit_code == 3 and "HELD    maxqda24-icls.qdpx" in result.output and "@" not in result.output
    result = _run("import", study, MAXQDA, "--allow-pii", "--reason", "a public conference programme's contacts")
    assert result.exit_code == 0 and "10 transcripts, 308 codes (307 under 'imported')" in result.output
    outside = tmp_path / "outside.qdpx"
    outside.write_bytes(small_project(start=3, end=5000))
    before = Study.open(study)
    counts = before.counts()
    before.close()
    result = _run("import", study, outside)
    assert result.exit_code == 1
    assert "FAILED  outside.qdpx: source 'Interview 1': selection" in result.output
    assert "positions 3–5000 is outside the text (34 characters)" in result.output
    with Study.open(study) as after:
        assert after.counts() == counts


def test_import_positions_option_reads_maxqda_line_breaks(tmp_path):
    text = "Q: Why?\nA: They kept my passport.\n"
    start = text.index("kept") + 1  # one line break before it, counted twice
    project = tmp_path / "p.qdpx"
    project.write_bytes(small_project(text=text, start=start, end=start + 16))
    study = tmp_path / "s.db"
    _run("init", study)
    assert _run("import", study, project, "--positions", "crlf").exit_code == 0
    with Study.open(study) as s:
        assert s.db.execute("SELECT snippet FROM codings").fetchone()[0] == "kept my passport"


def test_a_not_a_zip_project_is_one_clear_line(tmp_path):
    study = tmp_path / "s.db"
    _run("init", study)
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"hello")
    result = _run("import", study, bad)
    assert result.exit_code == 1 and "bad.qdpx: this file is not a zip archive" in result.output
