"""Reading the audit log (admins): filter by user, action and date; CSV for the record. Writing is Study.audit."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from workbench.store.study import Study, User

COLUMNS = ("id", "at", "user", "action", "entity", "entity_id", "detail")


def audit_entries(study: Study, *, by: str | User, users: tuple[str, ...] = (), actions: tuple[str, ...] = (),
                  since: str | None = None, until: str | None = None, limit: int | None = 1000) -> list[dict[str, Any]]:
    """Audit entries, newest first; `since`/`until` are ISO dates or times (UTC), `until` a date includes that day."""
    study.actor(by, action="audit.view")
    where, params = [], []
    if users:
        where.append(f"coalesce(u.username, '') IN ({','.join('?' * len(users))})")
        params += list(users)
    if actions:
        where.append(f"a.action IN ({','.join('?' * len(actions))})")
        params += list(actions)
    if since:
        where.append("a.at >= ?")
        params.append(since)
    if until:
        where.append("a.at < ?" if "T" in until else "substr(a.at, 1, 10) <= ?")
        params.append(until)
    sql = ("SELECT a.id, a.at, u.username, a.action, a.entity, a.entity_id, a.detail FROM audit_log a "
           "LEFT JOIN users u ON u.id = a.user_id" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY a.id DESC" + (" LIMIT ?" if limit else ""))
    rows = study.db.execute(sql, params + ([limit] if limit else [])).fetchall()
    return [dict(zip(COLUMNS, row)) for row in rows]


def audit_choices(study: Study) -> dict[str, list[str]]:
    """The users and actions that occur in the log (for filter widgets)."""
    users = [r[0] or "" for r in study.db.execute(
        "SELECT DISTINCT u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ORDER BY 1")]
    actions = [r[0] for r in study.db.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1")]
    return {"users": users, "actions": actions}


def audit_csv(study: Study, entries: list[dict[str, Any]], *, by: str | User) -> bytes:
    """Entries as CSV (UTF-8 with BOM, for spreadsheets); exporting the log is itself recorded."""
    actor = study.actor(by, action="audit.view")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow([_cell(entry[c]) for c in COLUMNS])
    study.record(actor, "export", "audit_log", None, {"format": "csv", "rows": len(entries)})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def record_export(path: str, *, by: str | User, what: str, file_format: str, name: str) -> None:
    """Record that someone exported data (any role may; reading is not a change, but it is on the record).

    Opens its own connection: downloads are made when clicked, outside the page's run and its connection.
    """
    with Study.open(path) as study:
        actor = study.user(by.username if isinstance(by, User) else by)
        study.record(actor, "export", what, None, {"format": file_format, "file": name})


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # a cell a spreadsheet would run as a formula (=, +, -, @) is kept as text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def detail(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry's detail as a dict."""
    return json.loads(entry["detail"] or "{}")
