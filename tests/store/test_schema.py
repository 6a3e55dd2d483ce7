"""workbench.store.schema: named migrations on a fresh file, applied once, with WAL and foreign keys."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlite_utils import Database

from workbench.store import schema
from workbench.store.study import Study

TABLES = {"study_meta", "users", "participants", "transcripts", "segments", "frameworks", "measures", "codes",
          "code_measures", "suggestions", "codings", "memos", "audit_log"}


def test_fresh_file_gets_every_table(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        assert TABLES <= set(study.db.table_names())


def test_migrations_table_lists_0001_initial(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        rows = list(study.db["_sqlite_migrations"].rows)
    assert [(r["migration_set"], r["name"]) for r in rows][0] == ("workbench", "0001_initial")
    assert [r["name"] for r in rows] == [m.name for m in schema.migrations._migrations]


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "s.db"
    with Study.open(path, create=True) as study:
        before = list(study.db["_sqlite_migrations"].rows)
    for _ in range(2):
        with Study.open(path) as study:
            assert list(study.db["_sqlite_migrations"].rows) == before
            assert schema.migrations.pending(study.db) == []
            # the system account is created once, not per opening
            assert study.db.execute("SELECT count(*) FROM users WHERE username = 'system'").fetchone()[0] == 1


def test_migrate_is_idempotent_on_a_bare_database(tmp_path):
    db = Database(sqlite3.connect(tmp_path / "bare.db"))
    schema.migrate(db)
    schema.migrate(db)
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(schema.migrations._migrations)
    assert TABLES <= set(db.table_names())
    db.close()


def test_migration_names_are_numbered_and_unique():
    names = [m.name for m in schema.migrations._migrations]
    assert names[0] == "0001_initial"
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"\d{4}[a-z]?_[a-z0-9_]+", n) for n in names)  # 0012b_…: parallel branches
    assert names == sorted(names)


def test_wal_foreign_keys_and_busy_timeout_are_on(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        assert study.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert study.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert study.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_foreign_keys_are_enforced(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        with pytest.raises(sqlite3.IntegrityError):
            study.db.execute("INSERT INTO codes (id, parent_id, codebook_id, name_en, created_at, created_by) "
                             "VALUES ('a/b', 'no-such-parent', 'x', 'A', 'now', 1)")


def test_check_constraints_hold(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        with pytest.raises(sqlite3.IntegrityError):
            study.db.execute("INSERT INTO users (username, display_name, role, created_at) "
                             "VALUES ('x', 'x', 'superuser', 'now')")


def test_in_memory_study_works():
    with Study.open(":memory:") as study:
        assert TABLES <= set(study.db.table_names())
        assert study.counts()["users"] == 0


def test_0012_adds_suggestion_details_to_a_study_at_the_previous_schema(tmp_path):
    """A study file made before 0012 gains the column and keeps its rows."""
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    before = [m for m in schema.migrations._migrations if m.name < "0012_suggest_feedback"]
    previous = type(schema.migrations)("workbench")
    previous._migrations = before
    previous.apply(db)
    assert "details" not in db["suggestions"].columns_dict
    uid = db.execute("INSERT INTO users (username, display_name, role, created_at) VALUES ('u', 'U', 'coder', 'now')"
                     ).lastrowid
    db.execute("INSERT INTO participants (pseudonym, participant_group, created_at, created_by) "
               "VALUES ('P', 'survivor', 'now', ?)", [uid])
    db.conn.commit()
    db.close()
    with Study.open(path) as study:
        assert study.db["suggestions"].columns_dict["details"] is str
        applied = {r[0] for r in study.db.execute("SELECT name FROM _sqlite_migrations").fetchall()}
        assert "0012_suggest_feedback" in applied and study.user("u").role == "coder"


# -- 0006_segment_text ---------------------------------------------------------------------------------------
QUERIES = ("passport", "kept my passport", "agency fee", "護照", "勞資審裁處", "錢", "佢哋", "收咗")


def _integrity(db) -> None:
    for index in ("search_words", "search_text"):
        db.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")


def _as_before_0006(path) -> None:
    """Put a study back in the shape of schema 0005: no sentence text, 0003's own trigram table and triggers."""
    db = Database(sqlite3.connect(path))
    with db.conn:
        for trigger in ("segments_text_fill", "search_segments_delete", "search_segments_update"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP TABLE search_text")
        db.execute("DROP TABLE search_words")
        db.execute("ALTER TABLE segments DROP COLUMN text")
        db.execute("ALTER TABLE segments DROP COLUMN word_spans")
        for statement in schema._SEARCH_INDEX:   # exactly what 0003 ran
            db.execute(statement)
        db.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_segment_text'")
    db.close()


def test_0006_on_a_fresh_study_no_trigger_reads_a_transcript_per_row(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        assert {"text", "word_spans"} <= set(study.db["segments"].columns_dict)
        triggers = dict(study.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        assert "content=''" in study.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'search_text'").fetchone()[0]
        # only the fallback for writers that give no text reads the transcript's text (see the migration's comment);
        # codings_language (0008) reads transcripts.language, a column stored before the text, so not the text
        readers = {name for name, sql in triggers.items() if "transcripts" in sql}
        assert readers == {"segments_text_fill", "codings_language"}
        assert "t.text" not in triggers["codings_language"] and "text" not in triggers["codings_language"].replace(
            "transcript_id", "")


def test_0006_migrates_a_study_at_the_previous_schema(demo, tmp_path):
    from tests.helpers import copy_study
    from workbench.services.search import search
    from workbench.services.suggest.service import generate, list_suggestions
    from workbench.text.nlp import has_han

    path = copy_study(demo.path, tmp_path / "old.db")
    _as_before_0006(path)
    with sqlite3.connect(path) as db:
        assert "text" not in [r[1] for r in db.execute("PRAGMA table_info(segments)")]
    with Study.open(demo.path) as today, Study.open(path) as migrated:
        assert schema.migrations.pending(migrated.db) == []
        rows = migrated.db.execute('SELECT s.start, s."end", s.text, s.word_spans, t.text FROM segments s '
                                   "JOIN transcripts t ON t.id = s.transcript_id WHERE s.kind = 'sentence'").fetchall()
        assert rows and all(sentence == text[a:b] and spans is None for a, b, sentence, spans, text in rows)
        _integrity(migrated.db)
        for study in (today, migrated):   # the trigram index holds exactly the sentences with a Chinese character
            indexed = {r[0] for r in study.db.execute("SELECT rowid FROM search_text")}
            han = {r[0] for r in study.db.execute("SELECT id, text FROM segments WHERE kind = 'sentence'")
                   if has_han(r[1])}
            assert indexed == han and 0 < len(han) < study.db.execute(
                "SELECT count(*) FROM segments WHERE kind = 'sentence'").fetchone()[0]
        for query in QUERIES:
            assert search(migrated, query, limit=1000).hits == search(today, query, limit=1000).hits, query
        # sentences without stored word places are analysed again: the same suggestions as a fresh import
        generate(migrated, 4, by="admin", method="rules")
        fresh = copy_study(demo.path, tmp_path / "fresh.db")
        with Study.open(fresh) as again:
            generate(again, 4, by="admin", method="rules")
            assert list_suggestions(migrated, 4) and [
                {k: v for k, v in r.items() if k not in ("id", "created_at")} for r in list_suggestions(migrated, 4)
            ] == [{k: v for k, v in r.items() if k not in ("id", "created_at")} for r in list_suggestions(again, 4)]


def test_a_sentence_written_without_its_text_gets_it_and_stays_indexed(demo, tmp_path):
    """Another SQLite tool (or an older script) inserting sentences the way 0003 expected them."""
    from tests.helpers import copy_study
    from workbench.services.search import search

    with Study.open(copy_study(demo.path, tmp_path / "s.db")) as study:
        tid, text = study.db.execute("SELECT id, text FROM transcripts WHERE stem = 'SV01_dewi'").fetchone()
        start = text.index("No receipt.")
        before = len(search(study, "receipt", limit=1000).hits)
        with study.db.conn:
            sid = study.db.execute(
                'INSERT INTO segments (transcript_id, kind, seq, start, "end", language, words) '
                "VALUES (?, 'sentence', 99, ?, ?, 'en', 'no receipt')", [tid, start, start + 11]).lastrowid
        assert study.db.execute("SELECT text FROM segments WHERE id = ?", [sid]).fetchone()[0] == "No receipt."
        assert len(search(study, "receipt", limit=1000).hits) == before + 1
        with study.db.conn:
            study.db.execute("UPDATE segments SET words = 'nothing here' WHERE id = ?", [sid])
        assert len(search(study, "receipt", limit=1000).hits) == before
        assert len(search(study, "nothing", limit=1000).hits) >= 1
        with study.db.conn:
            study.db.execute("DELETE FROM segments WHERE id = ?", [sid])
        _integrity(study.db)
