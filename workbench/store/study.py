"""The study file: opening it, users, attributed and permission-checked writes, the audit log."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench.errors import AuthError, BusyError, DuplicateError, InputError, NotFoundError
from workbench.store import codebook_versions, files, passwords, permissions
from workbench.store.schema import CONSENSUS_USER, migrate
from workbench.vocab import is_coder_role

SYSTEM_USER = "system"
# Where writes come from, added to every audit entry: the CLI sets its OS user (whoever can run it on the file
# is the study's custodian, so the audit says who that was at the keyboard, whatever `--as` claims).
_ORIGIN: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("workbench_audit_origin", default=())


def set_origin(**fields: str) -> Token[tuple[tuple[str, str], ...]]:
    """Stamp every audit entry written from here on (in this context) with these fields; reset with the token."""
    return _ORIGIN.set(tuple(fields.items()))


def reset_origin(token: Token[tuple[tuple[str, str], ...]]) -> None:
    """Undo set_origin."""
    _ORIGIN.reset(token)


def os_user() -> str:
    """The operating-system account running this process."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return f"uid {os.getuid()}"


def now() -> str:
    """The current UTC time as ISO 8601 text (what every 'at' column stores)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class User:
    """A person (or the system account) who acts on the study."""

    id: int
    username: str
    display_name: str
    role: str

    def may(self, action: str) -> bool:
        """Whether this user's role allows an action."""
        return permissions.allowed(self.role, action)

    def may_change(self, owner: str) -> bool:
        """Whether this user may change something `owner` wrote (own work, or any as admin)."""
        return permissions.may_change(username=self.username, role=self.role, owner=owner)


class Study:
    """One study in one SQLite file."""

    def __init__(self, db: Database, path: str):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Study:
        """Open a study file (creating it if asked), migrating it to the current schema."""
        path = str(path)
        if path != ":memory:" and not create and not Path(path).exists():
            raise NotFoundError(f"no study file at {path} (create one with: workbench init {path})")
        if path != ":memory:":
            files.create_private(path)  # before SQLite creates it 0644 (its WAL and SHM files copy its mode)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
        try:
            # Ask SQLite rather than reading the header ourselves: closing our own file handle on the
            # database would drop this process's POSIX locks and let another process delete the WAL index.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as err:
            conn.close()
            raise InputError("this is not a study file (not an SQLite database)", source=path) from err
        db = Database(conn)
        if not _is_empty_or_study(db):  # never add our tables to another application's database
            conn.close()
            raise InputError("this SQLite database is not a workbench study (it holds other tables)", source=path)
        if path != ":memory:":
            files.make_private(path)  # studies made before 0600 was the rule are narrowed when opened
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 10000")
        migrate(db)
        study = cls(db, path)
        study._ensure_system_user()
        return study

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- metadata ---------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        """A study metadata value."""
        row = self.db.execute("SELECT value FROM study_meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str, *, by: str | User) -> None:
        """Set a study metadata value."""
        with self.writing(by=by, action="study.configure") as actor:
            before = self.meta(key)
            self.put_meta_in_write(key, value)
            self.audit(actor, "set", "study_meta", key, {"before": before, "after": value})

    def put_meta_in_write(self, key: str, value: str) -> None:
        """Store a metadata value as part of a write already checked by `writing`."""
        self.db.table("study_meta").upsert({"key": key, "value": value}, pk="key")

    # -- users -------------------------------------------------------------------------------
    def _ensure_system_user(self) -> None:
        if self.db.execute("SELECT 1 FROM users WHERE username = ?", [SYSTEM_USER]).fetchone():
            return
        with self.db.atomic():
            self.db.table("users").insert(
                {"username": SYSTEM_USER, "display_name": "Command line / system", "role": "admin",
                 "password_hash": None, "created_at": now(), "created_by": None}
            )

    def user(self, username: str, *, include_inactive: bool = False) -> User:
        """Look a user up by username (an active one unless asked)."""
        row = self.db.execute(
            "SELECT id, username, display_name, role FROM users WHERE username = ? AND (active = 1 OR ?)",
            [username, include_inactive]).fetchone()
        if row is None:
            raise NotFoundError(f"no user {username!r} in this study")
        return User(*row)

    def users(self, *, include_system: bool = False, include_inactive: bool = False) -> list[User]:
        """All active users (with inactive and reserved accounts if asked), by username."""
        rows = self.db.execute(
            "SELECT id, username, display_name, role FROM users WHERE active = 1 OR ? ORDER BY username",
            [include_inactive]).fetchall()
        return [User(*r) for r in rows if include_system or r[1] != SYSTEM_USER]

    def coders(self) -> list[User]:
        """Active users who code (every role but the read-only one), by username."""
        return [u for u in self.users() if is_coder_role(u.role)]

    def add_user(self, *, username: str, role: str, password: str, display_name: str | None = None,
                 by: str | User = SYSTEM_USER) -> User:
        """Create a login account."""
        if role not in permissions.ROLES:
            raise InputError(f"role must be one of {', '.join(permissions.ROLES)}, not {role!r}")
        if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise InputError(f"username {username!r} must be letters, digits, '.', '_' or '-'")
        if len(password) < 8:
            raise InputError("password must have at least 8 characters")
        with self.writing(by=by, action="users.manage") as actor:
            if self.db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise DuplicateError(f"user {username!r} already exists")
            self.db.table("users").insert(
                {"username": username, "display_name": display_name or username, "role": role,
                 "password_hash": passwords.hash_password(password), "created_at": now(),
                 "created_by": actor.id}
            )
            self.audit(actor, "create", "user", username, {"role": role})
        return self.user(username)

    def add_imported_coder(self, *, username: str, display_name: str, by: str | User, role: str = "coder") -> User:
        """Record a user named in an imported project: no password, so no login until an admin sets one.

        They become coders (or reviewers, when the file says so), never admins, whatever they were elsewhere.
        """
        if role not in ("coder", "reviewer"):
            raise InputError(f"an imported user is a coder or a reviewer, not {role!r}")
        if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise InputError(f"username {username!r} must be letters, digits, '.', '_' or '-'")
        with self.writing(by=by, action="transcripts.import") as actor:
            if self.db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise DuplicateError(f"user {username!r} already exists")
            self.db.table("users").insert(
                {"username": username, "display_name": display_name or username, "role": role,
                 "password_hash": None, "created_at": now(), "created_by": actor.id})
            self.audit(actor, "create", "user", username, {"role": role, "login": False, "via": "import"})
        return self.user(username)

    def set_password(self, *, username: str, password: str, by: str | User = SYSTEM_USER) -> None:
        """Reset a user's password."""
        if len(password) < 8:
            raise InputError("password must have at least 8 characters")
        target = self.user(username)
        with self.writing(by=by, action="users.manage") as actor:
            self.db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                            [passwords.hash_password(password), target.id])
            self.audit(actor, "reset_password", "user", username, {})

    def authenticate(self, username: str, password: str) -> User:
        """The user whose password this is, or AuthError (same message and time whatever was wrong)."""
        row = self.db.execute(
            "SELECT password_hash FROM users WHERE username = ? AND active = 1", [username]
        ).fetchone()
        if row is None or row[0] is None:
            passwords.verify_password(passwords.dummy_hash(), password)  # an unknown name costs what a known one does
            raise AuthError("unknown username or wrong password")
        if not passwords.verify_password(row[0], password):
            raise AuthError("unknown username or wrong password")
        return self.user(username)

    # -- writes ------------------------------------------------------------------------------
    def actor(self, by: str | User, *, action: str) -> User:
        """The user acting, as the study has them now (a disabled account or a changed role counts at once)."""
        username = by.username if isinstance(by, User) else by
        # The consensus layer's reserved account never logs in (inactive), but the library writes its codings.
        actor = self.user(username, include_inactive=username == CONSENSUS_USER)
        permissions.require(username=actor.username, role=actor.role, action=action)
        return actor

    @contextmanager
    def writing(self, *, by: str | User, action: str, owner: str | None = None,
                what: str = "it") -> Iterator[User]:
        """One permission-checked, all-or-nothing write by a named user (of `what`, owned by `owner` if given)."""
        actor = self.actor(by, action=action)
        if owner is not None:
            permissions.require_owner(username=actor.username, role=actor.role, owner=owner, what=what)
        # A write inside a write is a savepoint of the outer one; the outermost takes the write lock first.
        with self.db.atomic() if self.db.conn.in_transaction else self._immediate():
            yield actor
            if action == "codebook.edit":  # whatever the operation, a change to the codebook makes a version
                codebook_versions.record(self.db, author_id=actor.id)

    @contextmanager
    def bookkeeping(self) -> Iterator[None]:
        """A short write of records that change no study content (login attempts, audit entries): no permission."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        with self._immediate():
            yield

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        # BEGIN IMMEDIATE takes the write lock first, so waiting for a busy study honours the busy timeout; a
        # deferred BEGIN that reads and then writes fails at once with "database is locked" when it upgrades.
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise _busy(err) from err
        try:
            yield
        except BaseException:
            self.db.conn.rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as err:
            self.db.conn.rollback()
            raise _busy(err) from err

    def audit(self, actor: User | None, action: str, entity: str, entity_id: Any, detail: dict[str, Any]) -> None:
        """Record who did what inside a write; detail must never carry transcript text."""
        detail = {**detail, **dict(_ORIGIN.get())}
        if actor is not None and actor.username == SYSTEM_USER:
            detail.setdefault("os_user", os_user())
        self.db.table("audit_log").insert(
            {"at": now(), "user_id": None if actor is None else actor.id, "action": action, "entity": entity,
             "entity_id": None if entity_id is None else str(entity_id),
             "detail": json.dumps(detail, ensure_ascii=False)}
        )

    def record(self, actor: User | None, action: str, entity: str, entity_id: Any, detail: dict[str, Any]) -> None:
        """Audit something that changes nothing (a login, an export, a backup) in its own short write."""
        with self.bookkeeping():
            self.audit(actor, action, entity, entity_id, detail)

    def recent_activity(self, *, limit: int = 20) -> list[dict[str, Any]]:
        """The latest audit entries with usernames."""
        rows = self.db.execute(
            "SELECT a.at, u.username, a.action, a.entity, a.entity_id FROM audit_log a "
            "LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT ?", [limit]
        ).fetchall()
        return [dict(zip(("at", "user", "action", "entity", "entity_id"), r)) for r in rows]

    # -- lookups -----------------------------------------------------------------------------
    def change_stamp(self) -> tuple[int, int]:
        """A value that changes whenever the study file changes: by another connection (data_version) or this one
        (total_changes). Caches of query results key on it."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self.db.conn.total_changes

    def counts(self) -> dict[str, int]:
        """How many of each thing the study holds."""
        queries = {
            "transcripts": "SELECT count(*) FROM transcripts",
            "participants": "SELECT count(*) FROM participants",
            "segments": "SELECT count(*) FROM segments",
            "codes": "SELECT count(*) FROM codes WHERE status = 'active'",
            "codings": "SELECT count(*) FROM codings",
            "users": f"SELECT count(*) FROM users WHERE active = 1 AND username != '{SYSTEM_USER}'",
            "memos": "SELECT count(*) FROM memos",
            "measures": "SELECT count(*) FROM measures",
            "suggestions": "SELECT count(*) FROM suggestions",
        }
        return {key: self.db.execute(sql).fetchone()[0] for key, sql in queries.items()}


def _is_empty_or_study(db: Database) -> bool:
    tables = db.table_names()
    if set(tables) <= {"_sqlite_migrations"}:
        return True
    return "_sqlite_migrations" in tables and db.execute(
        "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'workbench' LIMIT 1").fetchone() is not None


def _busy(err: sqlite3.OperationalError) -> Exception:
    """A locked study as the domain's BusyError; any other operational error unchanged."""
    text = str(err).lower()
    return BusyError() if "locked" in text or "busy" in text else err
