"""workbench.store.backup and `workbench backup | restore | check` (issue 13, backups)."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import stat

import pytest
from click.testing import CliRunner

from tests.helpers import CODE_PASSPORT, INTERVIEW, import_text
from workbench.cli import main
from workbench.errors import DuplicateError, InputError, PermissionDenied
from workbench.services.coding import add_coding, find_span
from workbench.services.memos import add_memo
from workbench.services.transcripts import transcript_text
from workbench.store.backup import backup, check, restore
from workbench.store.study import Study


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def coded(study):
    tid = import_text(study, INTERVIEW)
    start, end = find_span(transcript_text(study, tid), "took my passport")
    add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    return study


def _memo_writer(path: str, stop) -> None:
    with Study.open(path) as study:
        while not stop.is_set():
            add_memo(study, target_type="study", target_id="study", body="written during the backup", by="coder1")


def test_a_backup_taken_while_another_process_writes_is_consistent_private_and_audited(coded, tmp_path):
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    writer = context.Process(target=_memo_writer, args=(coded.path, stop))
    writer.start()
    try:
        for _ in range(200):  # wait until the writer is writing
            if coded.db.execute("SELECT count(*) FROM memos").fetchone()[0]:
                break
            stop.wait(0.05)
        target = backup(coded, tmp_path / "copy.db", by="admin1")
    finally:
        stop.set()
        writer.join(timeout=60)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    report = check(target)
    assert report.ok and report.codings == 1
    assert not (tmp_path / "copy.db-wal").exists()
    with Study.open(target) as copy:
        assert copy.counts()["transcripts"] == 1 and copy.counts()["memos"] >= 1
    entry = coded.db.execute("SELECT action, detail FROM audit_log WHERE action = 'backup'").fetchone()
    assert entry and json.loads(entry[1])["file"] == "copy.db"


def test_a_backup_never_replaces_a_file_unless_asked_and_needs_an_admin(coded, tmp_path):
    (tmp_path / "copy.db").write_text("precious")
    with pytest.raises(DuplicateError):
        backup(coded, tmp_path / "copy.db", by="admin1")
    assert (tmp_path / "copy.db").read_text() == "precious"
    with pytest.raises(PermissionDenied):
        backup(coded, tmp_path / "other.db", by="coder1")
    (tmp_path / "backups").mkdir()
    assert backup(coded, tmp_path / "backups", by="admin1") == tmp_path / "backups" / "study.db"  # a folder: same name
    with pytest.raises(InputError, match="the study file itself"):
        backup(coded, coded.path, by="admin1", overwrite=True)


def test_check_finds_a_coding_whose_snippet_no_longer_matches_its_offsets(coded, tmp_path):
    assert check(coded.path).ok
    raw = sqlite3.connect(coded.path)
    raw.execute('UPDATE codings SET start = start + 2, "end" = "end" + 2')
    raw.commit()
    raw.close()
    report = check(coded.path)
    assert not report.ok and len(report.mismatched) == 1 and "no longer matches" in report.mismatched[0]


def test_check_reads_without_writing(coded, tmp_path):
    copy = backup(coded, tmp_path / "copy.db", by="admin1")
    before = copy.read_bytes()
    check(copy)
    assert copy.read_bytes() == before


def test_restore_checks_the_backup_keeps_the_old_file_and_needs_overwrite(coded, tmp_path):
    good = backup(coded, tmp_path / "good.db", by="admin1")
    add_memo(coded, target_type="study", target_id="study", body="after the backup", by="coder1")
    coded.close()
    with pytest.raises(DuplicateError, match="before-restore"):
        restore(good, coded.path)
    restore(good, coded.path, overwrite=True)
    with Study.open(coded.path) as restored:
        assert restored.counts()["memos"] == 0
        assert restored.db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == ("restore",)
    with Study.open(f"{coded.path}.before-restore") as kept:
        assert kept.counts()["memos"] == 1
    assert stat.S_IMODE(os.stat(coded.path).st_mode) == 0o600


def test_a_damaged_backup_is_not_restored(coded, tmp_path):
    bad = backup(coded, tmp_path / "bad.db", by="admin1")
    raw = sqlite3.connect(bad)
    raw.execute("UPDATE codings SET snippet = 'something else'")
    raw.commit()
    raw.close()
    with pytest.raises(InputError, match="fails its check"):
        restore(bad, tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def test_the_cli_backs_up_checks_and_restores(coded, tmp_path):
    coded.close()
    made = run("backup", coded.path, tmp_path / "b.db")
    assert made.exit_code == 0 and "backed up" in made.output
    checked = run("check", tmp_path / "b.db", "--json")
    assert checked.exit_code == 0 and json.loads(checked.output)["ok"] is True
    restored = run("restore", tmp_path / "b.db", tmp_path / "fresh.db")
    assert restored.exit_code == 0, restored.output
    raw = sqlite3.connect(tmp_path / "fresh.db")
    raw.execute("UPDATE codings SET snippet = 'x'")
    raw.commit()
    raw.close()
    failed = run("check", tmp_path / "fresh.db")
    assert failed.exit_code == 1 and "PROBLEMS FOUND" in failed.output and "1 mismatched" in failed.output
