"""Migration 0007_codings_autoincrement: a deleted coding's id is never given to another coding."""

from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, INTERVIEW, PASSWORD, SHIPPED_CODEBOOK, import_text
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook
from workbench.services.coding import add_coding, find_span, remove_coding
from workbench.services.transcripts import transcript_text
from workbench.store import schema
from workbench.store import study as study_module
from workbench.store.study import Study

MIGRATION = "0007_codings_autoincrement"
SCHEMA_OF_CODINGS = ("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'codings' AND type IN "
                     "('index', 'trigger') ORDER BY name")


def _at_previous_schema(path, monkeypatch: pytest.MonkeyPatch) -> Study:
    """A study opened with every migration but 0007 (so today's library finds the tables it writes to; the
    rebuild must then also keep what later migrations added to codings: columns, indexes, triggers)."""
    without = type(schema.migrations)("workbench")
    without._migrations = [m for m in schema.migrations._migrations if m.name != MIGRATION]
    with monkeypatch.context() as patch:
        patch.setattr(study_module, "migrate", lambda db: without.apply(db))
        opened = Study.open(path, create=True)
    assert MIGRATION not in {m.name for m in schema.migrations.applied(opened.db)}
    return opened


def _old_study_with_a_transcript(path, monkeypatch: pytest.MonkeyPatch) -> tuple[Study, int]:
    """A study at the previous schema with a coder, the shipped codebook and one interview."""
    old = _at_previous_schema(path, monkeypatch)
    old.add_user(username="coder1", role="coder", password=PASSWORD)
    book, framework = load_with_framework(SHIPPED_CODEBOOK)
    install_codebook(old, book, framework, by="system")
    return old, import_text(old, INTERVIEW)


def _span(study: Study, tid: int, passage: str) -> tuple[int, int]:
    return find_span(transcript_text(study, tid), passage)


def test_a_fresh_study_never_reuses_a_deleted_id(study):
    tid = import_text(study, INTERVIEW)
    start, end = _span(study, tid, "took my passport")
    first = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    remove_coding(study, first, by="coder1")
    again = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    assert again > first


def test_a_study_at_the_previous_schema_keeps_everything_and_stops_reusing_ids(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    old, tid = _old_study_with_a_transcript(path, monkeypatch)
    ids = [add_coding(old, transcript_id=tid, start=s, end=e, code_id=code, by="coder1", assessment="barrier",
                      memo="a note")
           for (s, e), code in ((_span(old, tid, "took my passport"), CODE_PASSPORT),
                                (_span(old, tid, "kept my wages"), CODE_WAGES),
                                (_span(old, tid, "almost a year"), CODE_DELAY))]
    # what a later migration or another tool may have added: a table whose rows cascade from codings, a trigger
    old.db.execute("CREATE TABLE coding_notes (coding_id INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE, "
                   "note TEXT)")
    old.db.execute("INSERT INTO coding_notes VALUES (?, 'kept')", [ids[0]])
    old.db.conn.commit()
    remove_coding(old, ids[-1], by="coder1")  # the largest id: today the next coding would get it again
    before = {
        "columns": old.db.execute("PRAGMA table_xinfo(codings)").fetchall(),
        "companions": old.db.execute(SCHEMA_OF_CODINGS).fetchall(),
        "rows": old.db.execute("SELECT * FROM codings ORDER BY id").fetchall(),
        "counts": old.db.execute("SELECT * FROM coding_counts ORDER BY 1, 2, 3, 4").fetchall(),
        "foreign_keys": old.db.execute("PRAGMA foreign_key_list(codings)").fetchall(),
    }
    old.close()

    with Study.open(path) as migrated:
        assert MIGRATION in {m.name for m in schema.migrations.applied(migrated.db)}
        assert "AUTOINCREMENT" in migrated.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
        assert migrated.db.execute("PRAGMA table_xinfo(codings)").fetchall() == before["columns"]
        assert migrated.db.execute(SCHEMA_OF_CODINGS).fetchall() == before["companions"]
        assert migrated.db.execute("SELECT * FROM codings ORDER BY id").fetchall() == before["rows"]
        assert migrated.db.execute("SELECT * FROM coding_counts ORDER BY 1, 2, 3, 4").fetchall() == before["counts"]
        assert migrated.db.execute("PRAGMA foreign_key_list(codings)").fetchall() == before["foreign_keys"]
        assert migrated.db.execute("SELECT * FROM coding_notes").fetchall() == [(ids[0], "kept")]
        assert migrated.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrated.db.execute("PRAGMA legacy_alter_table").fetchone()[0] == 0
        assert migrated.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        start, end = _span(migrated, tid, "almost a year")
        new = add_coding(migrated, transcript_id=tid, start=start, end=end, code_id=CODE_DELAY, by="coder1")
        assert new > ids[-1], "the id of the removed coding was handed out again"
        # the triggers still keep the summary exact, and the cascade from codings still holds
        grouped = migrated.db.execute("SELECT code_id, transcript_id, coder_id, coalesce(assessment, 'none'), "
                                      "count(*) FROM codings GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4").fetchall()
        assert migrated.db.execute("SELECT code_id, transcript_id, coder_id, assessment, sum(n) FROM coding_counts "
                                   "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4").fetchall() == grouped
        remove_coding(migrated, ids[0], by="coder1")
        assert migrated.db.execute("SELECT count(*) FROM coding_notes").fetchone()[0] == 0


def test_ids_named_in_the_audit_log_are_never_handed_out(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    old, tid = _old_study_with_a_transcript(path, monkeypatch)
    start, end = _span(old, tid, "took my passport")
    ids = [add_coding(old, transcript_id=tid, start=start, end=end, code_id=code, by="coder1")
           for code in (CODE_PASSPORT, CODE_WAGES, CODE_DELAY)]
    for coding_id in ids:  # every coding gone: only the audit log remembers their ids
        remove_coding(old, coding_id, by="coder1")
    old.close()
    with Study.open(path) as migrated:
        new = add_coding(migrated, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    assert new == max(ids) + 1


def test_rebuilding_twice_changes_nothing(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        before = study.db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        schema.codings_autoincrement(study.db)
        assert study.db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == before


def test_the_rebuild_refuses_to_run_inside_a_transaction(tmp_path, monkeypatch):
    old = _at_previous_schema(tmp_path / "old.db", monkeypatch)
    old.db.execute("BEGIN")
    with pytest.raises(RuntimeError, match="outside a transaction"):
        schema.codings_autoincrement(old.db)
    old.db.execute("ROLLBACK")
    old.close()
    db = sqlite3.connect(tmp_path / "old.db")
    try:
        assert "AUTOINCREMENT" not in db.execute("SELECT sql FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    finally:
        db.close()
