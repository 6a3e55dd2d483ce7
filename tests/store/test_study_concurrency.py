"""workbench.store.study under concurrency (issue 13 finding 3): every write takes the lock first and waits for it."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import threading

import pytest

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, import_text
from workbench.errors import BusyError
from workbench.services.coding import add_coding
from workbench.services.memos import add_memo
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

WORKERS = 4
PER_WORKER = 500
CODES = (CODE_PASSPORT, CODE_WAGES, CODE_DELAY, "barriers")


def _long_transcript(study: Study) -> int:
    # one long run of characters without spaces: every span [i, i+3) is a distinct, codable passage
    return import_text(study, "Interviewer: Tell me.\nDewi: " + "等" * (PER_WORKER + 10) + "\n", name="long.txt")


def _offset(study_path: str, transcript_id: int) -> int:
    with Study.open(study_path) as study:
        return transcript_text(study, transcript_id).index("等")


def _library_worker(study_path: str, transcript_id: int, base: int, code: str, results) -> None:
    failures: list[str] = []
    with Study.open(study_path) as study:
        for i in range(PER_WORKER):
            try:
                add_coding(study, transcript_id=transcript_id, start=base + i, end=base + i + 3, code_id=code,
                           by="coder1")
            except Exception as err:  # noqa: BLE001 - counted, not hidden: the test asserts there are none
                failures.append(f"{type(err).__name__}: {err}")
    results.put(failures)


def _cli_worker(study_path: str, transcript_id: int, base: int, code: str, results) -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    runner = CliRunner()
    failures: list[str] = []
    for i in range(PER_WORKER):
        outcome = runner.invoke(main, ["code", "add", study_path, "--transcript", str(transcript_id),
                                       "--start", str(base + i), "--end", str(base + i + 3), "--code", code,
                                       "--as", "coder1"])
        if outcome.exit_code != 0:
            failures.append(outcome.output + repr(outcome.exception))
    results.put(failures)


def _run_workers(target, study: Study) -> list[str]:
    transcript_id = _long_transcript(study)
    base = _offset(study.path, transcript_id)
    before = study.db.execute("SELECT count(*) FROM codings").fetchone()[0]
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=target, args=(study.path, transcript_id, base, code, results))
               for code in CODES[:WORKERS]]
    for worker in workers:
        worker.start()
    failures = [failure for _ in workers for failure in results.get(timeout=1200)]
    for worker in workers:
        worker.join(timeout=60)
    landed = study.db.execute("SELECT count(*) FROM codings").fetchone()[0] - before
    assert failures == [], failures[:5]
    assert landed == WORKERS * PER_WORKER
    return failures


@pytest.mark.timeout(1500)
def test_finding3_four_processes_times_500_codings_all_land_through_the_library(study):
    _run_workers(_library_worker, study)


@pytest.mark.timeout(1500)
def test_finding3_four_processes_times_500_codings_all_land_through_the_cli(study):
    _run_workers(_cli_worker, study)


def test_finding3_every_write_begins_immediate(study):
    statements: list[str] = []
    study.db.conn.set_trace_callback(statements.append)
    try:
        add_memo(study, target_type="study", target_id="study", body="a note", by="coder1")
    finally:
        study.db.conn.set_trace_callback(None)
    begins = [s for s in statements if s.upper().startswith("BEGIN")]
    first_write = next(i for i, s in enumerate(statements) if s.upper().startswith(("INSERT", "UPDATE", "DELETE")))
    assert begins == ["BEGIN IMMEDIATE"]
    assert statements.index("BEGIN IMMEDIATE") < first_write


def test_finding3_a_busy_study_is_a_busy_error_and_nothing_is_written(study):
    blocker = sqlite3.connect(study.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock for longer than the wait
    study.db.execute("PRAGMA busy_timeout = 200")
    try:
        with pytest.raises(BusyError, match="busy.*try again"):
            add_memo(study, target_type="study", target_id="study", body="kept by the caller", by="coder1")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert study.db.execute("SELECT count(*) FROM memos").fetchone()[0] == 0
    assert not study.db.conn.in_transaction
    add_memo(study, target_type="study", target_id="study", body="now it lands", by="coder1")  # the study works on


def test_finding3_a_write_waits_for_a_short_lock_instead_of_failing(study):
    blocker = sqlite3.connect(study.path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: blocker.execute("COMMIT"))
    release.start()
    try:
        add_memo(study, target_type="study", target_id="study", body="waited", by="coder1")
    finally:
        release.join()
        blocker.close()
    assert study.db.execute("SELECT body FROM memos").fetchall() == [("waited",)]


def test_finding3_the_cli_says_busy_in_one_line_without_a_traceback(study):
    transcript_id = _long_transcript(study)
    blocker = sqlite3.connect(study.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        # the CLI waits up to its busy timeout (10 s) before giving up: hold the lock longer than that
        done = subprocess.run([sys.executable, "-m", "workbench.cli", "code", "add", study.path, "--transcript",
                               str(transcript_id), "--start", "30", "--end", "33", "--code", CODE_PASSPORT,
                               "--as", "coder1"], capture_output=True, text=True, timeout=120)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert done.returncode == 1
    assert done.stderr.startswith("error: the study is busy"), done.stderr
    assert "Traceback" not in done.stderr
