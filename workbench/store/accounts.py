"""Login accounts: logging in with a rate limit and lockout, every attempt audited; roles and disabling (admins).

The lockout is per username typed, known or not (so it never reveals which accounts exist): after
MAX_FAILURES wrong passwords in a row the username is refused for LOCK_MINUTES, counted from the last
failure; an admin's unlock or password reset lifts it. Across the study, more than GLOBAL_FAILURES_PER_MINUTE
failed logins in a minute refuse every login for that minute (guessing across many usernames).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.errors import AuthError, InputError
from workbench.store import permissions
from workbench.store.schema import CONSENSUS_USER
from workbench.store.study import SYSTEM_USER, Study, User, now

MAX_FAILURES = 5
LOCK_MINUTES = 15
GLOBAL_FAILURES_PER_MINUTE = 30


@dataclass(frozen=True)
class Lock:
    """Why logins for a username are refused just now, and until when (UTC)."""

    until: datetime
    reason: str


def login(study: Study, username: str, password: str, *, client: str | None = None) -> User:
    """The user, if the password is right and the username not locked out; every attempt is recorded and audited."""
    username = username.strip()
    known = _known(study, username)
    lock = lock_for(study, username)
    if lock is not None:
        _attempt(study, username, known, "refused", client, action="login_refused", reason=lock.reason)
        raise AuthError(_refusal(lock))
    try:
        user = study.authenticate(username, password)
    except AuthError:
        _attempt(study, username, known, "failed", client, action="login_failed")
        lock = lock_for(study, username)
        if lock is not None and lock.reason == "lockout":
            study.record(known, "lockout", "user", known.username if known else None,
                         {"minutes": LOCK_MINUTES, "failures": MAX_FAILURES, "client": client})
        raise
    _attempt(study, username, user, "ok", client, action="login")
    return user


def lock_for(study: Study, username: str) -> Lock | None:
    """The lock on a username now (its own failures, or the study-wide limit), or None."""
    current = datetime.now(UTC)
    minute_ago = (current - timedelta(minutes=1)).isoformat(timespec="seconds")
    recent = study.db.execute("SELECT count(*), max(at) FROM login_attempts WHERE outcome = 'failed' AND at >= ?",
                              [minute_ago]).fetchone()
    if recent[0] >= GLOBAL_FAILURES_PER_MINUTE:
        return Lock(datetime.fromisoformat(recent[1]) + timedelta(minutes=1), "rate")
    failures, last = 0, None
    for outcome, at in study.db.execute("SELECT outcome, at FROM login_attempts WHERE username_key = ? "
                                        "ORDER BY id DESC LIMIT 200", [_key(username)]):
        if outcome in ("ok", "unlocked"):
            break
        if outcome == "failed":
            failures += 1
            last = last or at
    if failures < MAX_FAILURES or last is None:
        return None
    until = datetime.fromisoformat(last) + timedelta(minutes=LOCK_MINUTES)
    return Lock(until, "lockout") if until > current else None


def unlock(study: Study, username: str, *, by: str | User) -> None:
    """Lift a username's lockout (admins; a password reset does it too)."""
    target = study.user(username)
    with study.writing(by=by, action="users.manage") as actor:
        _insert_attempt(study, username, target, "unlocked", None)
        study.audit(actor, "unlock", "user", username, {})


def reset_password(study: Study, username: str, password: str, *, by: str | User) -> None:
    """Set a new password and lift any lockout (admins)."""
    study.set_password(username=username, password=password, by=by)
    unlock(study, username, by=by)


def set_role(study: Study, username: str, role: str, *, by: str | User) -> None:
    """Change an account's role (admins); the last active admin stays an admin."""
    if role not in permissions.ROLES:
        raise InputError(f"role must be one of {', '.join(permissions.ROLES)}, not {role!r}")
    target = _changeable(study, username)
    with study.writing(by=by, action="users.manage") as actor:
        if target.role == "admin" and role != "admin":
            _keep_an_admin(study, username)
        study.db.execute("UPDATE users SET role = ? WHERE id = ?", [role, target.id])
        study.audit(actor, "update", "user", username, {"before": {"role": target.role}, "after": {"role": role}})


def set_active(study: Study, username: str, active: bool, *, by: str | User) -> None:
    """Disable an account (it can no longer log in or write; its work stays) or enable it again (admins)."""
    row = study.db.execute("SELECT id, active, role FROM users WHERE username = ?", [username]).fetchone()
    if row is None or username == SYSTEM_USER:
        raise InputError(f"no account {username!r} to change")
    with study.writing(by=by, action="users.manage") as actor:
        if not active and actor.username == username:
            raise InputError("you cannot disable your own account")
        if not active and row[2] == "admin":
            _keep_an_admin(study, username)
        study.db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), row[0]])
        study.audit(actor, "enable" if active else "disable", "user", username,
                    {"before": {"active": bool(row[1])}, "after": {"active": active}})


def list_accounts(study: Study) -> list[dict[str, Any]]:
    """Every person's account (not the system or consensus ones), disabled ones included, with last login and lock."""
    rows = study.db.execute("SELECT username, display_name, role, active, created_at, last_login_at FROM users "
                            "WHERE username NOT IN (?, ?) ORDER BY username", [SYSTEM_USER, CONSENSUS_USER]).fetchall()
    accounts = []
    for username, display, role, active, created, last_login in rows:
        lock = lock_for(study, username)
        accounts.append({"username": username, "display_name": display, "role": role, "active": bool(active),
                         "created_at": created, "last_login_at": last_login,
                         "locked_until": lock.until.isoformat(timespec="seconds") if lock else None})
    return accounts


def _refusal(lock: Lock) -> str:
    minutes = max(1, round((lock.until - datetime.now(UTC)).total_seconds() / 60))
    if lock.reason == "rate":
        return "too many failed logins on this study in the last minute; wait a minute and try again"
    return (f"too many failed logins for this username; try again in {minutes} minute(s), or ask an "
            "administrator to unlock the account")


def _attempt(study: Study, username: str, user: User | None, outcome: str, client: str | None, *,
             action: str, reason: str | None = None) -> None:
    with study.bookkeeping():
        _insert_attempt(study, username, user, outcome, client)
        if outcome == "ok" and user is not None:
            study.db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", [now(), user.id])
        detail: dict[str, Any] = {"client": client}
        if user is None:
            detail["unknown_username"] = True  # the name typed is not kept: it may be a password typed in the wrong box
        if reason:
            detail["reason"] = reason
        study.audit(user, action, "user", user.username if user else None, detail)


def _insert_attempt(study: Study, username: str, user: User | None, outcome: str, client: str | None) -> None:
    study.db.execute("INSERT INTO login_attempts (at, username_key, user_id, outcome, client) VALUES (?, ?, ?, ?, ?)",
                     [now(), _key(username), None if user is None else user.id, outcome, client])


def _key(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def _known(study: Study, username: str) -> User | None:
    row = study.db.execute("SELECT id, username, display_name, role FROM users WHERE username = ? AND active = 1 "
                           "AND username != ?", [username, SYSTEM_USER]).fetchone()
    return User(*row) if row else None


def _changeable(study: Study, username: str) -> User:
    if username == SYSTEM_USER:
        raise InputError("the system account cannot be changed")
    return study.user(username)


def _keep_an_admin(study: Study, username: str) -> None:
    others = study.db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND username NOT IN (?, ?)",
                              [username, SYSTEM_USER]).fetchone()[0]
    if not others:
        raise InputError(f"{username} is the last active admin; make another account admin first")
