"""Coding-page rerun (AppTest) on the demo and on a big study (issue 9: big ≤ 1.5× the demo).

- empty: a Streamlit page that writes nothing (the floor of any rerun),
- demo: the coding page on SV01_dewi in the demo study,
- big: the demo study grown to 50 times its transcripts, every segment (turns and sentences, with their text,
  word places and search entries) and coding copied, plus a 10,000-turn interview (bench/synthetic.py) holding
  9,000 open suggestions; the coding page opened on that long interview, suggestions shown.
Each figure is the median of 7 reruns of the same page by the same logged-in coder.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from bench.results import record, table
from bench.synthetic import interview
from workbench.demo import build_demo
from workbench.services.code_search import warm
from workbench.services.codes import list_codes
from workbench.services.importing import prepare, store
from workbench.services.suggest.service import generate
from workbench.store.schema import index_sentences
from workbench.store.study import Study

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
RUNS = 7
COPIES = 49
LONG_TURNS = 10_000
OPEN_SUGGESTIONS = 9_000
AIM = 1.5
_SEGMENT_COLUMNS = ('kind, seq, start, "end", speaker, is_interviewer, language, t_start_ms, t_end_ms, words, text, '
                    "word_spans")


def _median_rerun(at: AppTest) -> float:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _grow(path: Path, *, copies: int) -> None:
    """Add `copies` copies of every transcript with all its segments and codings (plain SQL, then bulk indexing)."""
    db = sqlite3.connect(path)
    try:
        for n in range(copies):
            for (tid,) in db.execute("SELECT id FROM transcripts WHERE stem NOT LIKE '%~%'").fetchall():
                new = db.execute(
                    "INSERT INTO transcripts (uid, participant_id, source_name, stem, format, encoding, language, "
                    "text, sha256, text_hash, interview_date, interviewer, interviewer_speaker, speakers, created_at, "
                    "created_by) SELECT uid || ?, participant_id, source_name, stem || '~' || ?, format, encoding, "
                    "language, text, sha256 || ?, text_hash, interview_date, interviewer, interviewer_speaker, "
                    "speakers, created_at, created_by FROM transcripts WHERE id = ?",
                    [f"~{n}", n, f"~{n}", tid]).lastrowid
                low, high = db.execute("SELECT min(id), max(id) FROM segments WHERE transcript_id = ?", [tid]).fetchone()
                shift = db.execute("SELECT max(id) FROM segments").fetchone()[0] + 1 - low
                db.execute(f"INSERT INTO segments (id, transcript_id, turn_id, {_SEGMENT_COLUMNS}) "
                           f"SELECT id + ?, ?, turn_id + ?, {_SEGMENT_COLUMNS} FROM segments WHERE transcript_id = ? "
                           "ORDER BY id", [shift, new, shift, tid])
                index_sentences(Database(db), first=low + shift, last=high + shift)
                db.execute('INSERT INTO codings (uid, transcript_id, start, "end", code_id, coder_id, snippet, '
                           "text_hash, assessment, origin, created_at) SELECT uid || ?, ?, start, \"end\", code_id, "
                           "coder_id, snippet, text_hash, assessment, origin, created_at FROM codings "
                           "WHERE transcript_id = ?", [f"~{n}", new, tid])
        db.commit()
    finally:
        db.close()


def _long_interview(path: Path) -> tuple[str, int]:
    """Import a 10,000-turn interview and leave OPEN_SUGGESTIONS open suggestions on it (rules, any score)."""
    with Study.open(path) as study:
        prepared = prepare("long_interview.txt", interview("en", turns=LONG_TURNS).encode())
        tid = store(study, prepared, participant=None, by="admin")
        generate(study, tid, by="chan", method="rules", threshold=0.0)
        with study.db.conn:   # keep the best OPEN_SUGGESTIONS (generation found more at threshold 0)
            study.db.execute("DELETE FROM suggestions WHERE transcript_id = ? AND id NOT IN (SELECT id FROM suggestions "
                             "WHERE transcript_id = ? ORDER BY score DESC, id LIMIT ?)", [tid, tid, OPEN_SUGGESTIONS])
        open_ = study.db.execute("SELECT count(*) FROM suggestions WHERE transcript_id = ? AND status = 'open'",
                                 [tid]).fetchone()[0]
    return prepared.stem, open_


def _coding_page(study: Path, password: str, transcript: str) -> AppTest:
    os.environ["WORKBENCH_STUDY"] = str(study)
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.text_input[0].input("chan")
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    at.query_params["transcript"] = transcript
    at.switch_page("workbench/ui/pages/coding.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run() -> dict:
    """Print median rerun times and their ratios; record them."""
    empty = _median_rerun(AppTest.from_string("import streamlit as st\nst.write('')").run())
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "demo.db"
        passwords = build_demo(study).passwords
        with Study.open(study) as opened:  # the page warms the picker's search once per server, in a thread:
            warm(list_codes(opened, counts=False))  # measure the reruns after it, not beside it
        demo = _median_rerun(_coding_page(study, passwords["chan"], "SV01_dewi"))
        _grow(study, copies=COPIES)
        stem, open_ = _long_interview(study)
        with sqlite3.connect(study) as db:
            size = db.execute("SELECT (SELECT count(*) FROM transcripts), (SELECT count(*) FROM segments), "
                              "(SELECT count(*) FROM codings), (SELECT count(*) FROM suggestions WHERE status = 'open')"
                              ).fetchone()
        big = _median_rerun(_coding_page(study, passwords["chan"], stem))
    print(table(["page", "transcripts", "segments", "codings", "open suggestions", "median rerun ms", "× empty",
                 "× demo"],
                [["empty Streamlit page", "", "", "", "", empty * 1000, 1.0, ""],
                 ["coding page, demo (SV01_dewi)", 9, "", "", "", demo * 1000, demo / empty, 1.0],
                 [f"coding page, {LONG_TURNS:,}-turn interview", *size[:3], open_, big * 1000, big / empty, big / demo]]))
    print(f"big study / demo {big / demo:.2f}× (aim ≤ {AIM}×: {'yes' if big / demo <= AIM else 'NO'}); "
          f"study: {size[0]:,} transcripts, {size[1]:,} segments, {size[2]:,} codings, {size[3]:,} open suggestions")
    figures = {"empty_ms": round(empty * 1000, 1), "demo_ms": round(demo * 1000, 1), "big_ms": round(big * 1000, 1),
               "big_over_demo": round(big / demo, 3), "transcripts": size[0], "segments": size[1], "codings": size[2],
               "open_suggestions_on_page": open_}
    record("pages", figures)
    return figures


if __name__ == "__main__":
    run()
