"""workbench.cli.imports and the CLI's trust model (issue 13 findings 9 and 11; SIGKILL mid-import)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from click.testing import CliRunner

from tests.helpers import CODE_PASSPORT, INTERVIEW, import_text
from workbench.cli import main
from workbench.store.study import Study, os_user


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_finding11_file_names_are_printed_escaped_and_cannot_fake_a_line(study, tmp_path):
    """A name with ANSI/OSC escapes or a newline could fake an 'ok … transcript 99' line."""
    hostile = "x\x1b]0;owned\x07\x1b[2K\rok      fake.txt: transcript 99\n.txt"
    (tmp_path / hostile).write_text(INTERVIEW)
    (tmp_path / "also\x1b[31mbad.txt").write_bytes(b"")  # refused: its error names it, escaped too
    study.close()
    result = run("import", study.path, tmp_path / hostile, tmp_path / "also\x1b[31mbad.txt")
    output = result.output
    assert "\x1b" not in output and "\x07" not in output and "\r" not in output
    ok_lines = [line for line in output.splitlines() if line.startswith("ok ")]
    assert len(ok_lines) == 1, output
    assert "\\x1b]0;owned\\x07" in ok_lines[0] and "\\x0a.txt" in ok_lines[0]
    assert "FAILED  also\\x1b[31mbad.txt: the file is empty" in output


def test_finding11_symlinks_are_refused_by_the_cli_unless_the_flag_allows_them(study, tmp_path):
    """A link to /etc/shadow was imported as a transcript when run as root."""
    secret = tmp_path / "secret.txt"
    secret.write_text(INTERVIEW)
    link = tmp_path / "P01.txt"
    link.symlink_to(secret)
    study.close()
    refused = run("import", study.path, link)
    assert refused.exit_code == 1 and "P01.txt: is a symbolic link" in refused.output
    assert Study.open(study.path).counts()["transcripts"] == 0
    allowed = run("import", study.path, link, "--follow-symlinks")
    assert allowed.exit_code == 0, allowed.output
    assert Study.open(study.path).counts()["transcripts"] == 1


def test_finding9_every_cli_write_records_the_os_user(study):
    """`--as` needs no credentials (the CLI's user is the file's custodian), so the audit records who ran it."""
    tid = import_text(study, INTERVIEW)
    study.close()
    result = run("code", "add", study.path, "--transcript", tid, "--match", "took my passport",
                 "--code", CODE_PASSPORT, "--as", "coder1")
    assert result.exit_code == 0, result.output
    with Study.open(study.path) as reopened:
        detail = json.loads(reopened.db.execute(
            "SELECT detail FROM audit_log WHERE entity = 'coding' ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert detail["via"] == "cli" and detail["os_user"] == os_user()


def test_library_writes_outside_the_cli_are_not_stamped_cli(study):
    import_text(study, INTERVIEW)
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert "via" not in detail


def test_sigkill_mid_import_leaves_the_study_consistent_and_the_file_absent(study, tmp_path):
    """kill -9 during a large import: no partial transcript, segments or search rows (this held; keep it so)."""
    big = tmp_path / "big.txt"
    turn = "Dewi: They kept my passport and my wages for five months, and I waited at the tribunal. "
    # big enough that writing its segments takes seconds: a bulk import of a small file commits before the kill
    big.write_text("\n".join(f"Interviewer: Question {i}?\n{turn * 3}" for i in range(24000)))
    # the transcript's text goes into the WAL first; past it by a megabyte, the segments are being written
    writing_segments = big.stat().st_size + 1_000_000
    study.close()
    wal = tmp_path / "study.db-wal"
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "import", study.path, str(big)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 600
        while time.time() < deadline and process.poll() is None:
            if wal.exists() and wal.stat().st_size > writing_segments:  # inside the import's transaction
                break
            time.sleep(0.02)
        assert process.poll() is None, "the import finished before it could be killed; make the file bigger"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    db = sqlite3.connect(study.path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counts = [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("transcripts", "segments", "search_text", "coding_counts")]
    finally:
        db.close()
    assert counts == [0, 0, 0, 0]
    with Study.open(study.path) as reopened:  # and the study opens and takes the import again
        assert reopened.counts()["transcripts"] == 0
