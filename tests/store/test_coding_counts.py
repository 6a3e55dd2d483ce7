"""Migration 0008_coding_measures: coding_counts and attribution_tallies equal GROUP BYs over the codings.

The summaries are kept by triggers, whoever writes; every test compares them with the same counts made
straight from `codings` and `coding_measures`, after each kind of write.
"""

from __future__ import annotations

from sqlite_utils import Database

from tests.helpers import (
    CHINESE_INTERVIEW,
    CODE_DELAY,
    CODE_PASSPORT,
    CODE_WAGES,
    INTERVIEW,
    SHIPPED_CODEBOOK,
    import_text,
)
from workbench.services.attributions import reset_coding_measures, set_coding_measures
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook, merge_codes
from workbench.services.coding import add_coding, find_span, remove_coding, restore_codings, snapshot_codings, update_coding
from workbench.services.transcripts import transcript_text
from workbench.store import schema
from workbench.store.study import Study

GROUPED = ("SELECT code_id, transcript_id, coder_id, coalesce(assessment, 'none'), language, count(*), "
           "sum(EXISTS (SELECT 1 FROM coding_measures a WHERE a.coding_id = k.id)) FROM codings k "
           "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
ATTRIBUTED = ("SELECT k.code_id, k.transcript_id, k.coder_id, coalesce(k.assessment, 'none'), k.language, a.measure_id, "
              "count(*) FROM coding_measures a JOIN codings k ON k.id = a.coding_id WHERE a.status = 'confirmed' "
              "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6")


def _in_step(study: Study) -> bool:
    counts = study.db.execute("SELECT code_id, transcript_id, coder_id, assessment, language, n, decided "
                              "FROM coding_counts ORDER BY 1, 2, 3, 4, 5").fetchall()
    tallies = study.db.execute("SELECT * FROM attribution_tallies ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    return counts == study.db.execute(GROUPED).fetchall() and tallies == study.db.execute(ATTRIBUTED).fetchall()


def _code(study: Study, tid: int, passage: str, code: str, by: str, **kw) -> int:
    start, end = find_span(transcript_text(study, tid), passage)
    return add_coding(study, transcript_id=tid, start=start, end=end, code_id=code, by=by, **kw)


def test_counts_follow_add_update_remove_and_merge(study):
    tid = import_text(study, INTERVIEW)
    first = _code(study, tid, "took my passport", CODE_PASSPORT, "coder1", assessment="barrier", measures=["ON-2"])
    _code(study, tid, "took my passport", CODE_PASSPORT, "admin1")
    second = _code(study, tid, "took my passport on", CODE_PASSPORT, "coder1", assessment="barrier")
    assert _in_step(study)
    assert study.db.execute("SELECT max(n) FROM coding_counts").fetchone()[0] == 2
    update_coding(study, first, by="coder1", assessment="facilitator")
    assert _in_step(study)
    set_coding_measures(study, second, ["ON-3", "NM-f"], by="coder1")
    update_coding(study, second, by="coder1", code_id=CODE_DELAY)
    assert _in_step(study)
    set_coding_measures(study, second, [], by="coder1")
    assert _in_step(study)
    with study.db.atomic():  # any SQLite tool may change a decision row by row
        study.db.execute("UPDATE coding_measures SET status = 'confirmed' WHERE coding_id = ?", [second])
    assert _in_step(study)
    with study.db.atomic():
        study.db.execute("UPDATE coding_measures SET coding_id = ? WHERE coding_id = ?", [first, second])
    assert _in_step(study)
    set_coding_measures(study, second, ["ON-2"], by="coder1")
    assert _in_step(study)
    reset_coding_measures(study, second, by="coder1")
    assert _in_step(study)
    snapshot = snapshot_codings(study, [first])
    remove_coding(study, first, by="coder1")
    assert _in_step(study)
    restore_codings(study, list(snapshot.values()), by="coder1")
    assert _in_step(study) and study.db.execute("SELECT count(*) FROM attribution_tallies").fetchone()[0] > 0
    merge_codes(study, source=CODE_DELAY, target=CODE_PASSPORT, by="admin1")
    assert _in_step(study)


def test_each_coding_keeps_the_language_of_its_turn(study):
    en = import_text(study, INTERVIEW)
    zh = import_text(study, CHINESE_INTERVIEW, name="P02.txt", participant="P02")
    a = _code(study, en, "kept my wages", CODE_WAGES, "coder1", measures=["ON-2"])
    b = _code(study, zh, "收咗我本護照", CODE_PASSPORT, "coder1")
    languages = dict(study.db.execute("SELECT id, language FROM codings").fetchall())
    assert languages == {a: "en", b: "zh"}
    assert _in_step(study)


def test_deleting_a_transcript_cascades_and_the_summaries_follow(study):
    tid = import_text(study, INTERVIEW)
    _code(study, tid, "took my passport", CODE_PASSPORT, "coder1", measures=["ON-2", "NM-f"])
    with study.db.atomic():
        study.db.execute("DELETE FROM transcripts WHERE id = ?", [tid])
    assert _in_step(study)
    assert study.db.execute("SELECT count(*) FROM attribution_tallies").fetchone()[0] == 0


def test_a_study_at_the_previous_schema_migrates(tmp_path):
    """Codings made before 0008 get their language and counts; their measures stay derived (no rows)."""
    path = tmp_path / "old.db"
    db = Database(str(path))
    # Every migration but 0008, so today's library (which writes codebook versions, 0009) can make the old rows.
    without = type(schema.migrations)("workbench")
    without._migrations = [m for m in schema.migrations._migrations if m.name != "0008_coding_measures"]
    without.apply(db)
    assert "language" not in db["codings"].columns_dict
    old = Study(db, str(path))
    old._ensure_system_user()
    for username, role in (("coder1", "coder"), ("admin1", "admin")):
        old.add_user(username=username, role=role, password="correct-horse-42")
    book, framework = load_with_framework(SHIPPED_CODEBOOK)
    install_codebook(old, book, framework, by="admin1")
    en = import_text(old, INTERVIEW)
    zh = import_text(old, CHINESE_INTERVIEW, name="P02.txt", participant="P02")
    for tid, passage in ((en, "took my passport"), (zh, "收咗我本護照")):
        add_coding(old, transcript_id=tid, **dict(zip(("start", "end"), find_span(transcript_text(old, tid), passage))),
                   code_id=CODE_PASSPORT, by="coder1")
    db.close()
    with Study.open(path) as study:
        assert sorted(r[0] for r in study.db.execute("SELECT language FROM codings")) == ["en", "zh"]
        assert _in_step(study) and study.db.execute("SELECT sum(n) FROM coding_counts").fetchone()[0] == 2
        assert study.db.execute("SELECT count(*) FROM coding_measures").fetchone()[0] == 0
