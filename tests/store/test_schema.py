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
