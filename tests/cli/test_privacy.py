"""workbench import's PII gate and `workbench pii | names | reading`: exit codes, no values printed, audit."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_commands import run
from tests.helpers import INTERVIEW
from tests.services.test_pii_gate import HKID, WITH_PII
from workbench.store.study import Study


@pytest.fixture
def files(study, tmp_path):
    (tmp_path / "P02_maria.txt").write_text(WITH_PII, encoding="utf-8")
    (tmp_path / "P01.txt").write_text(INTERVIEW, encoding="utf-8")
    study.close()
    return study.path, tmp_path / "P02_maria.txt", tmp_path / "P01.txt"


def test_a_file_with_findings_exits_3_listing_file_line_and_kind_never_the_value(files):
    path, pii_file, clean = files
    result = run("import", path, pii_file, clean, "--as", "coder1")
    assert result.exit_code == 3, result.output
    assert "HELD    P02_maria.txt: 2 likely identifying item(s)" in result.output
    assert "P02_maria.txt line 2: Hong Kong ID card number" in result.output
    assert "P02_maria.txt line 4: phone number" in result.output
    assert "1 imported, 0 failed, 1 held" in result.output
    assert HKID not in result.output and "9123" not in result.output
    with Study.open(path) as s:
        assert [r[0] for r in s.db.execute("SELECT source_name FROM transcripts")] == ["P01.txt"]


def test_allow_pii_needs_a_reason_and_is_audited(files):
    path, pii_file, _clean = files
    result = run("import", path, pii_file, "--allow-pii", "--as", "coder1")
    assert result.exit_code == 1 and "reason" in result.output
    result = run("import", path, pii_file, "--allow-pii", "--reason", "Consent to keep the office number", "--as", "coder1")
    assert result.exit_code == 0, result.output
    assert "identifying data: kept 1 hkid, 1 phone" in result.output
    with Study.open(path) as s:
        [detail] = [json.loads(r[0]) for r in s.db.execute("SELECT detail FROM audit_log WHERE action = 'pii_override'")]
    assert detail["reason"] == "Consent to keep the office number" and detail["kept"] == {"hkid": 1, "phone": 1}


def test_pseudonymise_from_the_cli_applies_the_names_list(files, tmp_path):
    path, pii_file, _clean = files
    names = tmp_path / "names.csv"
    names.write_text("real_name,pseudonym\nMaria Santos,Dewi\n", encoding="utf-8")
    assert run("names", "import", path, names).exit_code == 0
    result = run("import", path, pii_file, "--pseudonymise", "--as", "coder1")
    assert result.exit_code == 0, result.output
    assert "identifying data: replaced 1 hkid, 3 name, 1 phone" in result.output
    with Study.open(path) as s:
        text = s.db.execute("SELECT text FROM transcripts").fetchone()[0]
    assert "Dewi: They copied my ID card, [HKID-1]" in text and "Maria" not in text
    assert "Dewi" in run("names", "list", path).output
    assert run("names", "list", path, "--as", "coder1").exit_code == 1  # real names: admins only


def test_names_add_takes_the_real_name_at_a_prompt(files):
    path, *_ = files
    result = run("names", "add", path, "--pseudonym", "Ana", input="Anabelle Cruz\n")
    assert result.exit_code == 0 and "added a name for Ana" in result.output
    assert "Anabelle Cruz" in run("names", "list", path).output
    entry = run("names", "list", path).output.split()[0]
    assert run("names", "remove", path, entry).exit_code == 0
    assert "Anabelle" not in run("names", "list", path).output


def test_pii_check_lists_findings_and_exits_3(files):
    path, pii_file, clean = files
    result = run("pii", "check", path, pii_file, clean, "--json")
    assert result.exit_code == 3
    assert json.loads(result.output) == {"P02_maria.txt": [{"line": 2, "kind": "hkid"}, {"line": 4, "kind": "phone"}],
                                         "P01.txt": []}
    assert run("pii", "check", path, clean).exit_code == 0


def test_both_choices_at_once_are_refused(files):
    path, pii_file, _clean = files
    result = run("import", path, pii_file, "--pseudonymise", "--allow-pii", "--reason", "x" * 20)
    assert result.exit_code == 1 and "either --pseudonymise or --allow-pii" in result.output


def test_reading_codes_and_user_settings(files):
    path, *_ = files
    assert run("reading", "codes", path).output.split() == ["exploitation/violence_threats",
                                                            "exploitation/abusive_conditions"]
    assert run("reading", "codes", path, "--set", "exploitation").output.split() == ["exploitation"]
    assert run("reading", "codes", path, "--set", "no/such").exit_code == 1
    assert "rev1: trauma-informed reading on" in run("reading", "user", path, "rev1").output
    assert "rev1: trauma-informed reading off" in run("reading", "user", path, "rev1", "--off", "--as", "rev1").output
    assert run("reading", "user", path, "coder1", "--on", "--as", "rev1").exit_code == 1
    assert "rev1: trauma-informed reading on" in run("reading", "user", path, "rev1", "--default").output
