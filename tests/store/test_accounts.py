"""workbench.store.accounts (issue 13 finding 9): rate limit, lockout, audited logins, roles, disabling."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from tests.helpers import PASSWORD
from workbench.errors import AuthError, InputError, NotFoundError, PermissionDenied
from workbench.services.memos import add_memo
from workbench.store import accounts, schema
from workbench.store.accounts import GLOBAL_FAILURES_PER_MINUTE, LOCK_MINUTES, MAX_FAILURES, login
from workbench.store.study import Study


def _audit(study, *actions: str) -> list[tuple[str, str | None, dict]]:
    marks = ",".join("?" * len(actions))
    rows = study.db.execute(f"SELECT action, entity_id, detail FROM audit_log WHERE action IN ({marks}) ORDER BY id",
                            actions).fetchall()
    return [(a, e, json.loads(d)) for a, e, d in rows]


def _fail(study, username: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthError):
            login(study, username, "wrong password", client="test")


def test_finding9_five_wrong_passwords_lock_the_username_even_for_the_right_one(study):
    """25 wrong passwords in 13 s, then the right one, logged in: no rate limit or lockout."""
    _fail(study, "coder1", MAX_FAILURES)
    with pytest.raises(AuthError, match=f"try again in {LOCK_MINUTES} minute"):
        login(study, "coder1", PASSWORD)
    audited = [a for a, _, _ in _audit(study, "login", "login_failed", "lockout", "login_refused")]
    assert audited == ["login_failed"] * MAX_FAILURES + ["lockout", "login_refused"]


def test_finding9_successful_and_failed_logins_are_audited(study):
    _fail(study, "coder1", 1)
    user = login(study, "coder1", PASSWORD, client="app")
    assert user.username == "coder1"
    entries = _audit(study, "login", "login_failed")
    assert [(a, e) for a, e, _ in entries] == [("login_failed", "coder1"), ("login", "coder1")]
    assert entries[1][2]["client"] == "app"
    assert study.db.execute("SELECT last_login_at FROM users WHERE username = 'coder1'").fetchone()[0]


def test_a_success_resets_the_count(study):
    _fail(study, "coder1", MAX_FAILURES - 1)
    login(study, "coder1", PASSWORD)
    _fail(study, "coder1", MAX_FAILURES - 1)
    assert login(study, "coder1", PASSWORD).username == "coder1"


def test_unknown_usernames_lock_out_the_same_way_and_are_not_stored(study):
    _fail(study, "hunter2-typed-in-the-wrong-box", MAX_FAILURES)
    with pytest.raises(AuthError, match="too many failed logins for this username"):
        login(study, "hunter2-typed-in-the-wrong-box", "x")
    dumped = json.dumps(study.db.execute("SELECT * FROM audit_log").fetchall())
    dumped += json.dumps(study.db.execute("SELECT * FROM login_attempts").fetchall())
    assert "hunter2" not in dumped
    assert all(d.get("unknown_username") for _, _, d in _audit(study, "login_failed"))


def test_the_lock_ends_after_its_minutes(study):
    _fail(study, "coder1", MAX_FAILURES)
    earlier = (datetime.now(UTC) - timedelta(minutes=LOCK_MINUTES + 1)).isoformat(timespec="seconds")
    with study.bookkeeping():
        study.db.execute("UPDATE login_attempts SET at = ?", [earlier])
    assert accounts.lock_for(study, "coder1") is None
    assert login(study, "coder1", PASSWORD).username == "coder1"


def test_an_admin_unlocks_and_a_reset_password_unlocks(study):
    _fail(study, "coder1", MAX_FAILURES)
    accounts.unlock(study, "coder1", by="admin1")
    assert login(study, "coder1", PASSWORD).username == "coder1"
    _fail(study, "coder1", MAX_FAILURES)
    accounts.reset_password(study, "coder1", "a new password", by="admin1")
    assert login(study, "coder1", "a new password").username == "coder1"
    assert [a for a, _, _ in _audit(study, "unlock", "reset_password")] == ["unlock", "reset_password", "unlock"]


def test_many_failures_across_usernames_refuse_every_login_for_a_minute(study):
    for i in range(GLOBAL_FAILURES_PER_MINUTE):
        with pytest.raises(AuthError):
            login(study, f"guess{i}", "x")
    with pytest.raises(AuthError, match="wait a minute"):
        login(study, "admin1", PASSWORD)


def test_finding9_a_role_change_counts_at_once_even_for_a_user_object_held_by_a_session(study):
    session_user = study.user("coder1")  # what a logged-in page holds
    accounts.set_role(study, "coder1", "reviewer", by="admin1")
    with pytest.raises(PermissionDenied, match=r"coder1 \(reviewer\)"):
        add_memo(study, target_type="study", target_id="study", body="x", by=session_user)
    entry = _audit(study, "update")[-1]
    assert entry[1] == "coder1" and entry[2]["before"] == {"role": "coder"} and entry[2]["after"] == {"role": "reviewer"}


def test_finding9_a_disabled_account_cannot_log_in_or_write_and_its_work_stays(study):
    session_user = study.user("coder1")
    add_memo(study, target_type="study", target_id="study", body="kept", by=session_user)
    accounts.set_active(study, "coder1", False, by="admin1")
    with pytest.raises(AuthError):
        login(study, "coder1", PASSWORD)
    with pytest.raises(NotFoundError):
        add_memo(study, target_type="study", target_id="study", body="x", by=session_user)
    assert study.db.execute("SELECT count(*) FROM memos").fetchone()[0] == 1
    accounts.set_active(study, "coder1", True, by="admin1")
    assert login(study, "coder1", PASSWORD).username == "coder1"


def test_an_admin_cannot_disable_themselves_or_demote_the_last_admin(study):
    with pytest.raises(InputError, match="your own account"):
        accounts.set_active(study, "admin1", False, by="admin1")
    with pytest.raises(InputError, match="last active admin"):
        accounts.set_role(study, "admin1", "coder", by="admin1")
    accounts.set_role(study, "coder1", "admin", by="admin1")
    accounts.set_role(study, "admin1", "coder", by="coder1")  # now there is another admin
    assert study.user("admin1").role == "coder"


def test_list_accounts_shows_disabled_and_locked_accounts(study):
    accounts.set_active(study, "rev1", False, by="admin1")
    _fail(study, "coder1", MAX_FAILURES)
    rows = {r["username"]: r for r in accounts.list_accounts(study)}
    assert set(rows) == {"admin1", "coder1", "rev1"}
    assert rows["rev1"]["active"] is False and rows["coder1"]["locked_until"]


def test_migration_0010_on_a_study_at_the_previous_schema(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    schema.migrations.apply(db, stop_before="0010_accounts")
    db.execute("INSERT INTO users (username, display_name, role, password_hash, created_at) "
               "VALUES ('old', 'Old', 'coder', NULL, 'then')")
    db.conn.commit()
    db.close()
    with Study.open(path) as study:
        assert "login_attempts" in study.db.table_names()
        assert study.db.execute("SELECT username, last_login_at FROM users WHERE username = 'old'").fetchone() == (
            "old", None)
        assert schema.migrations.pending(study.db) == []
