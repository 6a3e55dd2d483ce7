"""workbench.store.study: opening files, users, authentication, metadata, lookups and the audit log."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.helpers import CODE_PASSPORT, DISTINCTIVE, INTERVIEW, PASSWORD, import_text
from workbench.errors import AuthError, DuplicateError, InputError, NotFoundError
from workbench.services.coding import add_coding, find_span, remove_coding, restore_codings, snapshot_codings, update_coding
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import SYSTEM_USER, Study


# -- opening -----------------------------------------------------------------------------------
def test_opening_a_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(NotFoundError, match="workbench init"):
        Study.open(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize("content", [b"hello, this is a text file\n", b"PK\x03\x04" + bytes(200),
                                     b"SQLite format 2\x00" + bytes(100)])
def test_opening_a_non_sqlite_file_is_an_input_error_naming_it(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        Study.open(path)
    assert "notes.db" in str(err.value)
    assert "not a study file" in str(err.value)
    assert path.read_bytes() == content  # untouched


def test_an_empty_file_becomes_a_study(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Study.open(path) as study:
        assert study.counts()["transcripts"] == 0


def test_context_manager_closes(tmp_path):
    with Study.open(tmp_path / "s.db", create=True) as study:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        study.db.execute("SELECT 1")


# -- users -------------------------------------------------------------------------------------
def test_fixture_users_and_roles(study):
    assert {(u.username, u.role) for u in study.users()} == {("coder1", "coder"), ("rev1", "reviewer"),
                                                            ("admin1", "admin")}
    assert SYSTEM_USER in {u.username for u in study.users(include_system=True)}
    assert study.counts()["users"] == 3


def test_add_user_records_creator_and_audits(study):
    user = study.add_user(username="coder2", role="coder", password="another-password", by="admin1",
                          display_name="Coder Two")
    assert user.display_name == "Coder Two"
    created_by = study.db.execute("SELECT created_by FROM users WHERE username = 'coder2'").fetchone()[0]
    assert created_by == study.user("admin1").id
    row = study.db.execute("SELECT user_id, action, entity, entity_id, detail FROM audit_log "
                           "ORDER BY id DESC LIMIT 1").fetchone()
    assert row[:4] == (study.user("admin1").id, "create", "user", "coder2")
    assert json.loads(row[4]) == {"role": "coder"}


@pytest.mark.parametrize("kwargs, error", [
    ({"username": "coder1", "role": "coder", "password": PASSWORD}, DuplicateError),
    ({"username": "x", "role": "owner", "password": PASSWORD}, InputError),
    ({"username": "bad name", "role": "coder", "password": PASSWORD}, InputError),
    ({"username": "", "role": "coder", "password": PASSWORD}, InputError),
    ({"username": "shorty", "role": "coder", "password": "seven77"}, InputError),
])
def test_add_user_refuses_bad_input(study, kwargs, error):
    before = study.counts()["users"]
    with pytest.raises(error):
        study.add_user(**kwargs)
    assert study.counts()["users"] == before


def test_unknown_user_lookup(study):
    with pytest.raises(NotFoundError, match="nobody"):
        study.user("nobody")


def test_authenticate_returns_the_user(study):
    user = study.authenticate("rev1", PASSWORD)
    assert (user.username, user.role) == ("rev1", "reviewer")


def test_wrong_password_and_unknown_user_give_the_same_message(study):
    with pytest.raises(AuthError) as wrong:
        study.authenticate("coder1", PASSWORD + "x")
    with pytest.raises(AuthError) as unknown:
        study.authenticate("no_such_person", PASSWORD)
    assert str(wrong.value) == str(unknown.value)
    assert "coder1" not in str(wrong.value)


def test_the_system_account_cannot_log_in(study):
    with pytest.raises(AuthError):
        study.authenticate(SYSTEM_USER, "")


def test_set_password(study):
    study.set_password(username="coder1", password="a-new-password", by="admin1")
    assert study.authenticate("coder1", "a-new-password").username == "coder1"
    with pytest.raises(AuthError):
        study.authenticate("coder1", PASSWORD)
    with pytest.raises(InputError):
        study.set_password(username="coder1", password="short", by="admin1")


def test_password_hashes_are_not_the_passwords(study):
    hashes = [r[0] for r in study.db.execute("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")]
    assert hashes and all(PASSWORD not in h for h in hashes)


# -- metadata, counts, lookups -----------------------------------------------------------------
def test_meta_round_trip(study):
    assert study.meta("title") is None
    assert study.meta("title", "untitled") == "untitled"
    study.set_meta("title", "研究 study", by="admin1")
    study.set_meta("title", "研究 study 2", by="admin1")
    assert study.meta("title") == "研究 study 2"


def test_counts_has_every_figure(study):
    counts = study.counts()
    assert set(counts) >= {"transcripts", "participants", "segments", "codes", "codings", "users"}
    assert counts["codes"] >= 5


def test_transcript_lookup_by_id_stem_and_file_name(study):
    tid = import_text(study, INTERVIEW, name="P07_dewi.txt")
    assert resolve_transcript(study, tid) == tid
    assert resolve_transcript(study, str(tid)) == tid
    assert resolve_transcript(study, "P07_dewi") == tid
    assert resolve_transcript(study, "P07_dewi.txt") == tid
    with pytest.raises(NotFoundError):
        resolve_transcript(study, "P99")


def test_ambiguous_stem_asks_for_the_id(study):
    import_text(study, INTERVIEW, name="P07.txt")
    import_text(study, INTERVIEW + "Interviewer: Thanks?\n", name="P07.md")
    with pytest.raises(InputError, match="give the id"):
        resolve_transcript(study, "P07")


# -- audit -------------------------------------------------------------------------------------
def test_every_write_is_attributed(study):
    tid = import_text(study, INTERVIEW, by="coder1")
    start, end = find_span(study.db["transcripts"].get(tid)["text"], "took my passport")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    update_coding(study, cid, by="admin1", memo="checked")
    rows = study.db.execute("SELECT u.username, a.action, a.entity FROM audit_log a JOIN users u ON u.id = a.user_id "
                            "WHERE a.entity IN ('transcript', 'participant', 'coding') ORDER BY a.id").fetchall()
    assert rows == [("coder1", "create", "participant"), ("coder1", "import", "transcript"),
                    ("coder1", "create", "coding"), ("admin1", "update", "coding")]
    assert study.db.execute("SELECT count(*) FROM audit_log WHERE user_id IS NULL").fetchone()[0] == 0
    assert study.recent_activity(limit=1)[0]["user"] == "admin1"


def test_system_writes_record_the_os_user(study):
    study.set_meta("title", "x", by=SYSTEM_USER)
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert detail.get("os_user")


def test_audit_log_never_holds_transcript_text(study):
    tid = import_text(study, INTERVIEW, name="P02.txt", by="coder1")
    text = study.db["transcripts"].get(tid)["text"]
    start, end = find_span(text, DISTINCTIVE)
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1",
                     memo="own words")
    update_coding(study, cid, by="coder1", assessment="barrier")
    snapshot = snapshot_codings(study, [cid])[cid]
    remove_coding(study, cid, by="coder1")
    restore_codings(study, [snapshot], by="coder1")
    rows = study.db.execute("SELECT * FROM audit_log").fetchall()
    assert len(rows) >= 6
    dumped = json.dumps(rows, ensure_ascii=False)
    for phrase in (DISTINCTIVE, "violet umbrella", "took my passport", "kept my wages"):
        assert phrase not in dumped


def test_regression_another_applications_database_is_left_alone(tmp_path):
    """Opening someone else's SQLite file added every workbench table to it and switched it to WAL."""
    path = tmp_path / "invoices.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(InputError, match="invoices.db.*not a workbench study"):
        Study.open(path)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["invoices"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert path.read_bytes() == before
