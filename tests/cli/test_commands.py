"""workbench.cli: every command documented, the main paths, and errors as one 'error:' line."""

from __future__ import annotations

import json
import shutil
import sqlite3

import click
import pytest
from click.testing import CliRunner

from tests.helpers import CODE_PASSPORT, INTERVIEW, PASSWORD, TINY_CODEBOOK
from workbench.cli import main
from workbench.store.study import Study


def _walk(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, path + (name,))


COMMANDS = list(_walk(main))


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def assert_one_line_error(result, phrase: str):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert phrase in errors[0], errors[0]


def test_the_command_tree_has_every_expected_command():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "import", "info", "demo", "serve", "codebook validate", "codebook load", "codebook show",
            "code add", "code list", "users add", "users list", "users reset-password"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) or "main" for p, _ in COMMANDS])
def test_every_command_has_help(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command = dict(COMMANDS)[path]
    summary = (command.help or "").strip()
    assert summary, f"{' '.join(path)} has no help text"
    assert " ".join(summary.split("\n")[0].split()) in " ".join(result.output.split())  # help wraps lines


@pytest.fixture(scope="module")
def _cli_template(tmp_path_factory):
    """A study made through the CLI once: `init`, `import --participant --group --attr`, `codebook load`."""
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "s.db"
    result = run("init", path)
    assert result.exit_code == 0 and f"created {path}" in result.output
    transcript = folder / "P01_dewi.txt"
    transcript.write_text(INTERVIEW, encoding="utf-8")
    result = run("import", path, transcript, "--participant", "Dewi", "--group", "survivor",
                 "--attr", "nationality=Indonesian", "--attr", "note=a=b")
    assert result.exit_code == 0, result.output
    assert "ok      P01_dewi.txt: transcript 1, UTF-8, en, 6 turns" in result.output
    assert "interviewer: Interviewer" in result.output
    assert "1 imported, 0 failed" in result.output
    book = folder / "tiny.yaml"
    book.write_text(TINY_CODEBOOK, encoding="utf-8")
    result = run("codebook", "load", path, book)
    assert result.exit_code == 0 and "5 codes added, 0 updated" in result.output
    with Study.open(path) as study:
        study.add_user(username="coder1", role="coder", password=PASSWORD)
        study.add_user(username="rev1", role="reviewer", password=PASSWORD)
    return folder


@pytest.fixture
def study_file(_cli_template, tmp_path):
    """A copy of the CLI-made study in tmp_path, beside its transcript P01_dewi.txt and tiny.yaml."""
    for name in ("s.db", "P01_dewi.txt", "tiny.yaml"):
        shutil.copyfile(_cli_template / name, tmp_path / name)
    return tmp_path / "s.db"


def test_init_refuses_an_existing_file(study_file):
    assert_one_line_error(run("init", study_file), "already exists")


def test_import_stored_participant_and_attributes(study_file):
    with Study.open(study_file) as study:
        row = study.db.execute("SELECT pseudonym, participant_group, attributes FROM participants").fetchone()
    assert row[:2] == ("Dewi", "survivor")
    assert json.loads(row[2]) == {"nationality": "Indonesian", "note": "a=b"}


def test_info_json(study_file):
    result = run("info", study_file, "--json")
    assert result.exit_code == 0
    info = json.loads(result.output)
    assert {"transcripts", "participants", "segments", "codes", "codings", "users"} <= set(info)
    assert (info["transcripts"], info["participants"], info["codes"], info["codings"], info["users"]) == (1, 1, 5, 0, 2)
    assert info["segments"] > 6
    plain = run("info", study_file)
    assert plain.exit_code == 0 and "transcripts" in plain.output


def test_code_add_by_match_and_by_offsets_then_list(study_file):
    result = run("code", "add", study_file, "--transcript", "P01_dewi", "--match", "took my passport",
                 "--code", CODE_PASSPORT, "--as", "coder1", "--assessment", "barrier", "--memo", "first day")
    assert result.exit_code == 0, result.output
    start = INTERVIEW.index("took my passport")
    assert result.output.strip() == f"coding 1: {CODE_PASSPORT} on P01_dewi {start}-{start + 16}"
    wages = INTERVIEW.index("kept my wages")
    result = run("code", "add", study_file, "--transcript", "1", "--start", wages - 1, "--end", wages + 13,
                 "--code", "exploitation/wage_withholding", "--as", "coder1")
    assert result.exit_code == 0, result.output
    assert f"{wages}-{wages + 13}" in result.output  # the leading space was trimmed
    result = run("code", "list", study_file, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [(r["code_id"], r["snippet"], r["coder"]) for r in rows] == [
        (CODE_PASSPORT, "took my passport", "coder1"), ("exploitation/wage_withholding", "kept my wages", "coder1")]
    assert rows[0]["assessment"] == "barrier" and rows[0]["memo"] == "first day"
    filtered = json.loads(run("code", "list", study_file, "--json", "--code", CODE_PASSPORT).output)
    assert len(filtered) == 1
    plain = run("code", "list", study_file, "--transcript", "P01_dewi")
    assert plain.exit_code == 0 and "2 codings" in plain.output


def test_users_add_with_password_stdin(study_file):
    result = run("users", "add", study_file, "--username", "ana", "--role", "coder", "--password-stdin",
                 input="a long secret\n")
    assert result.exit_code == 0, result.output
    assert "added ana (coder)" in result.output and "a long secret" not in result.output
    with Study.open(study_file) as study:
        assert study.authenticate("ana", "a long secret").role == "coder"
    listed = run("users", "list", study_file)
    assert "ana" in listed.output and "coder1" in listed.output and "system" not in listed.output


def test_users_add_generates_a_password_and_reset(study_file):
    result = run("users", "add", study_file, "--username", "bo", "--role", "reviewer")
    password = result.output.rsplit("password: ", 1)[1].strip()
    with Study.open(study_file) as study:
        assert study.authenticate("bo", password).role == "reviewer"
    result = run("users", "reset-password", study_file, "--username", "bo", "--password-stdin", input="new secret 1\n")
    assert result.exit_code == 0
    with Study.open(study_file) as study:
        assert study.authenticate("bo", "new secret 1").username == "bo"


def test_codebook_validate_and_show(tmp_path, study_file):
    book = tmp_path / "tiny.yaml"
    result = run("codebook", "validate", book)
    assert result.exit_code == 0 and "ok: tiny 0.1: 5 codes (2 themes)" in result.output
    shown = json.loads(run("codebook", "show", study_file, "--json").output)
    assert [c["id"] for c in shown][:2] == ["exploitation", CODE_PASSPORT]
    assert "Documents retained / 證件被扣留" in run("codebook", "show", book).output


@pytest.mark.parametrize("args, phrase", [
    (("info", "{missing}"), "no study file"),
    (("code", "list", "{missing}"), "no study file"),
    (("import", "{missing}", "{transcript}", "--participant", "X"), "no study file"),
    (("info", "{notsqlite}"), "not a study file"),
    (("info", "{foreign}"), "not a workbench study"),
    (("import", "{study}", "{transcript}", "--participant", "X", "--attr", "novalue"), "--attr takes KEY=VALUE"),
    (("import", "{study}", "{transcript}", "--participant", "X", "--attr", "=v"), "--attr takes KEY=VALUE"),
    (("code", "add", "{study}", "--transcript", "P01_dewi", "--match", "passport", "--code", "no/such",
      "--as", "coder1"), "no active code 'no/such'"),
    (("code", "add", "{study}", "--transcript", "P01_dewi", "--match", "unicorns", "--code", CODE_PASSPORT,
      "--as", "coder1"), "does not occur"),
    (("code", "add", "{study}", "--transcript", "P01_dewi", "--match", "passport", "--code", CODE_PASSPORT,
      "--as", "rev1"), "rev1 (reviewer) may not"),
    (("code", "add", "{study}", "--transcript", "P01_dewi", "--code", CODE_PASSPORT, "--as", "coder1"),
     "give either --match"),
    (("code", "add", "{study}", "--transcript", "P99", "--match", "x", "--code", CODE_PASSPORT, "--as", "coder1"),
     "no transcript 'P99'"),
    (("code", "add", "{study}", "--transcript", "1", "--start", "0", "--end", "99999", "--code", CODE_PASSPORT,
      "--as", "coder1"), "outside the transcript"),
    (("codebook", "load", "{study}", "{badbook}"), "problem(s)"),
    (("codebook", "load", "{study}", "{tiny}", "--as", "rev1"), "may not"),
    (("users", "add", "{study}", "--username", "coder1", "--role", "coder", "--password-stdin"), "already exists"),
    (("users", "add", "{study}", "--username", "short", "--role", "coder", "--password-stdin"), "at least 8"),
    (("import", "{study}", "{transcript}", "--participant", "X", "--manifest", "{manifest}"), "either --manifest"),
])
def test_errors_are_one_line_without_traceback(tmp_path, study_file, args, phrase):
    (tmp_path / "notsqlite.db").write_text("hello")
    foreign = sqlite3.connect(tmp_path / "foreign.db")
    foreign.execute("CREATE TABLE t (x)")
    foreign.commit()
    foreign.close()
    (tmp_path / "bad.yaml").write_text("format: workbench-codebook/1\nid: b\ntitle: B\ncodes:\n  - {id: a}\n")
    (tmp_path / "m.yaml").write_text("- file: P01_dewi.txt\n  participant: X\n")
    values = {"missing": tmp_path / "nope.db", "notsqlite": tmp_path / "notsqlite.db",
              "foreign": tmp_path / "foreign.db", "study": study_file,
              "transcript": tmp_path / "P01_dewi.txt", "badbook": tmp_path / "bad.yaml", "tiny": tmp_path / "tiny.yaml",
              "manifest": tmp_path / "m.yaml"}
    argv = [a.format(**values) for a in args]
    result = run(*argv, input="short\n" if "short" in argv else f"{PASSWORD}\n")
    assert_one_line_error(result, phrase)


def test_a_failed_file_in_an_import_exits_non_zero(study_file, tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip")
    good = tmp_path / "P02.txt"
    good.write_text("Interviewer: Hi?\nAna: Hello.\nInterviewer: Ok?\nAna: Yes.\n", encoding="utf-8")
    result = run("import", study_file, bad, good, "--participant", "Ana", "--group", "survivor")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "FAILED  broken.docx" in result.output and "ok      P02.txt" in result.output
    assert "1 imported, 1 failed" in result.output


def test_duplicate_import_is_reported(study_file, tmp_path):
    result = run("import", study_file, tmp_path / "P01_dewi.txt", "--participant", "Dewi", "--group", "survivor")
    assert result.exit_code == 1 and "already in the study" in result.output and "Traceback" not in result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and "version" in result.output


def test_code_add_with_measures_and_code_measures(study_file):
    from tests.helpers import SHIPPED_CODEBOOK

    assert run("codebook", "load", study_file, SHIPPED_CODEBOOK).exit_code == 0
    result = run("code", "add", study_file, "--transcript", "P01_dewi", "--match", "took my passport", "--code",
                 CODE_PASSPORT, "--as", "coder1", "--measure", "ON-5", "--measure", "NM-x2")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("measures ON-5 NM-x2 (confirmed)")
    shown = run("code", "measures", study_file, "1")
    assert [line.split()[:2] for line in shown.output.splitlines()] == [["NM-x2", "confirmed"], ["ON-5", "confirmed"]]
    none = run("code", "measures", study_file, "1", "--none", "--as", "coder1")
    assert none.exit_code == 0 and "ON-5    rejected" in none.output and "speaks to no measure" in none.output
    derived = json.loads(run("code", "measures", study_file, "1", "--derived", "--as", "coder1", "--json").output)
    assert [(r["measure"], r["status"]) for r in derived] == [("ON-5", "derived")]
    with Study.open(study_file) as study:
        actions = [r[0] for r in study.db.execute("SELECT action FROM audit_log WHERE entity = 'coding' ORDER BY id")]
    assert actions == ["create", "set_measures", "reset_measures"]
    for args, phrase in ((("--measure", "XX-1", "--as", "coder1"), "no measure 'XX-1'"),
                         (("--measure", "ON-5", "--none", "--as", "coder1"), "not several"),
                         (("--measure", "ON-5"), "--as"),
                         (("--measure", "ON-5", "--as", "rev1"), "may not")):
        assert_one_line_error(run("code", "measures", study_file, "1", *args), phrase)
