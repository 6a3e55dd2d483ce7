"""Codebook versions: a snapshot after every codebook change that altered it, with a readable diff.

`Study.writing` calls `record` at the end of every write whose action is `codebook.edit`, whichever
function made it (add, rename, move, merge, delete, definition, colour or mapping edits, installs), so
no codebook operation has to remember to. Codings keep code ids; a version only describes the codebook.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from workbench.errors import NotFoundError

SNAPSHOT_FORMAT = 1
# The columns of `codes` that are the codebook's content (not who touched it when).
CODE_FIELDS = ("parent_id", "name_en", "name_zh", "definition_en", "definition_zh", "include", "exclude",
               "examples", "keywords", "color", "position", "status", "merged_into")
_JSON_FIELDS = ("include", "exclude", "examples", "keywords")
# Which change a field's edit is, and how it reads.
_FIELD_KINDS = {"name_en": "renamed", "name_zh": "renamed", "parent_id": "moved", "definition_en": "redefined",
                "definition_zh": "redefined", "include": "redefined", "exclude": "redefined",
                "examples": "redefined", "keywords": "keywords", "color": "recoloured", "measures": "mapping",
                "position": "reordered", "merged_into": "merged"}
_SUMMARY_ITEMS = 4


@dataclass(frozen=True)
class Change:
    """One difference between two codebook versions."""

    code: str  # the code id ('' for the codebook as a whole)
    kind: str  # added, deleted, merged, restored, renamed, moved, redefined, keywords, recoloured, mapping, reordered
    field: str
    before: Any
    after: Any

    def describe(self) -> str:
        """The change as one readable line."""
        if self.kind == "added":
            return f"added {self.code} ({self.after})"
        if self.kind in ("deleted", "restored"):
            return f"{self.kind} {self.code}"
        if self.kind == "merged":
            return f"merged {self.code} into {self.after}"
        if self.field == "measures":
            gained = sorted(set(self.after) - set(self.before))
            lost = sorted(set(self.before) - set(self.after))
            parts = ([f"+{', '.join(gained)}"] if gained else []) + ([f"−{', '.join(lost)}"] if lost else [])
            return f"mapping of {self.code}: {' '.join(parts)}"
        if self.field == "codebook":
            return f"codebook {_short(self.before)} → {_short(self.after)}"
        if self.kind == "moved":
            return f"moved {self.code} from {self.before or '(top level)'} to {self.after or '(top level)'}"
        if self.kind == "reordered":
            return f"reordered {self.code}"
        return f"{self.field} of {self.code}: {_short(self.before)} → {_short(self.after)}"


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return repr(text[:limit] + "…") if len(text) > limit else repr(text)


def snapshot(db: Database) -> dict[str, Any]:
    """The codebook's content now: every code (with its measures) and the installed codebook's name."""
    columns = ", ".join(f'"{f}"' for f in CODE_FIELDS)
    codes: dict[str, dict[str, Any]] = {}
    for row in db.execute(f"SELECT id, {columns} FROM codes ORDER BY id").fetchall():
        entry = dict(zip(CODE_FIELDS, row[1:]))
        for key in _JSON_FIELDS:
            entry[key] = json.loads(entry[key] or "null")
        entry["measures"] = []
        codes[row[0]] = entry
    for code_id, measure_id in db.execute("SELECT code_id, measure_id FROM code_measures ORDER BY 1, 2").fetchall():
        if code_id in codes:
            codes[code_id]["measures"].append(measure_id)
    meta = db.execute("SELECT value FROM study_meta WHERE key = 'codebook'").fetchone()
    return {"format": SNAPSHOT_FORMAT, "codebook": json.loads(meta[0]) if meta else None, "codes": codes}


def fingerprint(snap: dict[str, Any]) -> str:
    """A hash of a snapshot's content (equal snapshots, equal fingerprints)."""
    canonical = json.dumps(snap, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(db: Database, *, author_id: int | None, first_summary: str | None = None) -> int | None:
    """Store a new version if the codebook differs from the latest one; returns its number, or None."""
    snap = snapshot(db)
    latest = db.execute("SELECT fingerprint, snapshot FROM codebook_versions ORDER BY id DESC LIMIT 1").fetchone()
    if latest is None and not snap["codes"]:
        return None  # nothing to version yet
    fp = fingerprint(snap)
    if latest is not None and latest[0] == fp:
        return None
    if latest is None:
        summary = first_summary or f"first version: {len(snap['codes'])} codes"
    else:
        summary = summarise(diff(json.loads(latest[1]), snap))
    return db.execute(
        "INSERT INTO codebook_versions (created_at, created_by, fingerprint, summary, snapshot) VALUES (?, ?, ?, ?, ?)",
        [datetime.now(UTC).isoformat(timespec="seconds"), author_id, fp, summary,
         json.dumps(snap, ensure_ascii=False, sort_keys=True)]).lastrowid


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """What changed from one snapshot to another, code by code in id order."""
    changes: list[Change] = []
    if before.get("codebook") != after.get("codebook"):
        changes.append(Change("", "installed", "codebook", before.get("codebook"), after.get("codebook")))
    old, new = before["codes"], after["codes"]
    for code_id in sorted(set(old) | set(new)):
        a, b = old.get(code_id), new.get(code_id)
        if a is None:
            assert b is not None
            changes.append(Change(code_id, "added", "name_en", None, b["name_en"]))
            continue
        if b is None or (a["status"] == "active" and b["status"] == "deleted"):
            changes.append(Change(code_id, "deleted", "status", a["status"], None if b is None else b["status"]))
            continue
        if a["status"] != b["status"]:
            if b["status"] == "merged":
                changes.append(Change(code_id, "merged", "merged_into", a.get("merged_into"), b.get("merged_into")))
                continue
            if b["status"] == "active":
                changes.append(Change(code_id, "restored", "status", a["status"], b["status"]))
        for field in (*CODE_FIELDS, "measures"):
            if field in ("status", "merged_into") or a.get(field) == b.get(field):
                continue
            changes.append(Change(code_id, _FIELD_KINDS[field], field, a.get(field), b.get(field)))
    return changes


def summarise(changes: list[Change]) -> str:
    """A short summary of a list of changes (reordering alone is counted, not listed)."""
    if not changes:
        return "no change"
    shown = [c for c in changes if c.kind != "reordered"]
    lines = list(dict.fromkeys(c.describe() for c in shown))
    text = "; ".join(lines[:_SUMMARY_ITEMS])
    if len(lines) > _SUMMARY_ITEMS:
        text += f"; and {len(lines) - _SUMMARY_ITEMS} more change(s)"
    reordered = sum(c.kind == "reordered" for c in changes)
    if reordered:
        text += ("; " if text else "") + f"{reordered} code(s) reordered"
    return text


def versions(db: Database) -> list[dict[str, Any]]:
    """Every version, newest first: number, label, when, by whom, summary."""
    rows = db.execute("SELECT v.id, v.created_at, coalesce(u.username, 'system'), v.summary FROM codebook_versions v "
                      "LEFT JOIN users u ON u.id = v.created_by ORDER BY v.id DESC").fetchall()
    return [{"version": r[0], "label": label(r[0]), "created_at": r[1], "author": r[2], "summary": r[3]} for r in rows]


def label(number: int) -> str:
    """How a version is named in exports and reports ('v3')."""
    return f"v{number}"


def version_snapshot(db: Database, number: int) -> dict[str, Any]:
    """The codebook as it was at a version."""
    row = db.execute("SELECT snapshot FROM codebook_versions WHERE id = ?", [number]).fetchone()
    if row is None:
        raise NotFoundError(f"no codebook version {number} in this study")
    return json.loads(row[0])


def compare(db: Database, older: int, newer: int) -> list[dict[str, Any]]:
    """The changes between two versions as rows (code, kind, field, before, after, change)."""
    changes = diff(version_snapshot(db, older), version_snapshot(db, newer))
    return [{**asdict(c), "change": c.describe()} for c in changes]


def current_version(db: Database) -> dict[str, Any] | None:
    """The newest version (number, label, when, author, and the installed codebook's id and version), or None."""
    found = versions(db)
    if not found:
        return None
    meta = db.execute("SELECT value FROM study_meta WHERE key = 'codebook'").fetchone()
    book = json.loads(meta[0]) if meta else {}
    return {**found[0], "codebook_id": book.get("id"), "codebook_version": book.get("version")}


def current_label(db: Database) -> str:
    """The codebook version exports and reports name, e.g. 'justice_access 1.0, study revision v3 (2026-05-01)'."""
    current = current_version(db)
    if current is None:
        return "no codebook"
    book = f"{current['codebook_id']} {current['codebook_version']}, " if current["codebook_id"] else ""
    return f"{book}study revision {current['label']} ({current['created_at'][:10]})"
