"""Coding-page rerun time against an empty Streamlit page, on the demo study and on one 50 times larger."""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from workbench.demo import build_demo
from workbench.services.code_search import warm
from workbench.services.codes import list_codes
from workbench.store.study import Study

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
RUNS = 7


def _median_rerun(at: AppTest) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _grow(path: Path, *, copies: int) -> None:
    """Add `copies` copies of every transcript, with its segments and codings, by plain SQL."""
    db = sqlite3.connect(path)
    try:
        for n in range(copies):
            for (tid,) in db.execute("SELECT id FROM transcripts WHERE stem NOT LIKE '%~%'").fetchall():
                new = db.execute(
                    "INSERT INTO transcripts (uid, participant_id, source_name, stem, format, encoding, language, "
                    "text, sha256, text_hash, interview_date, interviewer, interviewer_speaker, speakers, created_at, "
                    "created_by) SELECT uid || ?, participant_id, source_name, stem || '~' || ?, format, encoding, "
                    "language, text, sha256 || ?, text_hash || ?, interview_date, interviewer, interviewer_speaker, "
                    "speakers, created_at, created_by FROM transcripts WHERE id = ?",
                    [f"~{n}", n, f"~{n}", f"~{n}", tid]).lastrowid
                db.execute('INSERT INTO segments (transcript_id, kind, seq, start, "end", speaker, is_interviewer, '
                           "language, words) SELECT ?, kind, seq, start, \"end\", speaker, is_interviewer, language, "
                           "words FROM segments WHERE transcript_id = ? AND kind = 'turn'", [new, tid])
                db.execute('INSERT INTO codings (uid, transcript_id, start, "end", code_id, coder_id, snippet, '
                           "text_hash, assessment, origin, created_at) SELECT uid || ?, ?, start, \"end\", code_id, "
                           "coder_id, snippet, text_hash, assessment, origin, created_at FROM codings "
                           "WHERE transcript_id = ?", [f"~{n}", new, tid])
        db.commit()
    finally:
        db.close()


def _coding_page(study: Path, password: str) -> AppTest:
    os.environ["WORKBENCH_STUDY"] = str(study)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input("chan")
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    at.query_params["transcript"] = "SV01_dewi"
    at.switch_page("workbench/ui/pages/coding.py").run()
    return at


def run() -> None:
    """Print median rerun times and ratios to an empty page."""
    empty = _median_rerun(AppTest.from_string("import streamlit as st\nst.write('')").run())
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "demo.db"
        passwords = build_demo(study).passwords
        with Study.open(study) as opened:  # the page warms the picker's search once per server, in a thread:
            warm(list_codes(opened, counts=False))  # measure the reruns after it, not beside it
        small = _median_rerun(_coding_page(study, passwords["chan"]))
        _grow(study, copies=49)
        with sqlite3.connect(study) as db:
            size = db.execute("SELECT (SELECT count(*) FROM transcripts), (SELECT count(*) FROM codings)").fetchone()
        large = _median_rerun(_coding_page(study, passwords["chan"]))
    print(f"page rerun: empty Streamlit page {empty * 1000:.0f} ms | coding page, demo (9 transcripts) "
          f"{small * 1000:.0f} ms ({small / empty:.1f}x empty) | coding page, {size[0]} transcripts and "
          f"{size[1]:,} codings {large * 1000:.0f} ms ({large / empty:.1f}x empty, {large / small:.2f}x the demo)")


if __name__ == "__main__":
    run()
