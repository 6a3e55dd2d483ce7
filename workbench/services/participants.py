"""Participants (pseudonym, group, attributes) and the batch-import manifest (CSV or YAML)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import DuplicateError, InputError, NotFoundError
from workbench.store.study import Study, User, now
from workbench.vocab import GROUPS

# Manifest columns that describe the import rather than the participant.
_IMPORT_KEYS = {"file", "participant", "group", "language", "interview_date", "interviewer",
                "interviewer_speaker", "attributes"}


@dataclass(frozen=True)
class ParticipantInfo:
    """Who a transcript is with."""

    pseudonym: str
    group: str = "other"
    attributes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.pseudonym or not self.pseudonym.strip():
            raise InputError("a participant needs a pseudonym")
        GROUPS.check(self.group)

    @classmethod
    def from_manifest(cls, entry: dict[str, Any], *, source: str) -> ParticipantInfo:
        """Build from a manifest entry; unknown columns become attributes."""
        if not entry.get("participant"):
            raise InputError("the manifest entry names no participant", source=source)
        attributes = dict(entry.get("attributes") or {})
        attributes.update({k: v for k, v in entry.items() if k not in _IMPORT_KEYS and v not in (None, "")})
        return cls(str(entry["participant"]), str(entry.get("group") or "other"), attributes)


def ensure_participant(study: Study, info: ParticipantInfo, *, actor: User) -> int:
    """The participant's id, created if new; call inside a write transaction."""
    row = study.db.execute("SELECT id, participant_group FROM participants WHERE pseudonym = ?",
                           [info.pseudonym]).fetchone()
    if row:
        if row[1] != info.group:
            raise InputError(f"participant {info.pseudonym!r} is already in the study as {row[1]}, not {info.group}")
        return row[0]
    pid = study.db.execute(
        "INSERT INTO participants (pseudonym, participant_group, attributes, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?)",
        [info.pseudonym, info.group, json.dumps(info.attributes, ensure_ascii=False, default=str), now(), actor.id],
    ).lastrowid
    assert pid is not None  # an INSERT always sets lastrowid
    study.audit(actor, "create", "participant", pid, {"group": info.group})
    return pid


def list_participants(study: Study) -> list[dict[str, Any]]:
    """Participants with their transcript counts."""
    rows = study.db.execute(
        "SELECT p.id, p.pseudonym, p.participant_group, p.attributes, "
        "(SELECT count(*) FROM transcripts t WHERE t.participant_id = p.id) FROM participants p ORDER BY p.pseudonym"
    ).fetchall()
    return [{"id": r[0], "pseudonym": r[1], "participant_group": r[2], "attributes": json.loads(r[3]), "transcripts": r[4]}
            for r in rows]


def parse_attributes(text: str) -> dict[str, str]:
    """'key: value' or 'key=value' lines into a dict (what the Import and Transcripts pages take)."""
    attributes = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        for sep in ("=", ":", "："):
            if sep in line:
                key, value = line.split(sep, 1)
                if not key.strip():
                    raise InputError(f"attribute line {number} has no name before {sep!r}")
                attributes[key.strip()] = value.strip()
                break
        else:
            raise InputError(f"attribute line {number} needs 'key: value'")
    return attributes


def format_attributes(attributes: dict[str, Any]) -> str:
    """A participant's attributes as the 'key: value' lines parse_attributes reads back."""
    return "\n".join(f"{key}: {value}" for key, value in attributes.items())


def update_participant(study: Study, participant_id: int, *, by: str | User, pseudonym: str | None = None,
                       group: str | None = None, attributes: dict[str, Any] | None = None) -> None:
    """Change a participant's pseudonym, group or attributes; audited with before and after."""
    study.actor(by, action="transcripts.import")  # refused even when nothing would change
    row = study.db.execute("SELECT pseudonym, participant_group, attributes FROM participants WHERE id = ?",
                           [participant_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no participant with id {participant_id}")
    before = {"pseudonym": row[0], "participant_group": row[1], "attributes": json.loads(row[2])}
    after = dict(before)
    if pseudonym is not None:
        if not pseudonym.strip():
            raise InputError("a participant needs a pseudonym")
        after["pseudonym"] = pseudonym.strip()
    if group is not None:
        after["participant_group"] = GROUPS.check(group)
    if attributes is not None:
        after["attributes"] = {str(k).strip(): v for k, v in attributes.items() if str(k).strip()}
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return
    with study.writing(by=by, action="transcripts.import") as actor:
        if "pseudonym" in changed and study.db.execute(
                "SELECT 1 FROM participants WHERE pseudonym = ? AND id != ?", [after["pseudonym"], participant_id]
        ).fetchone():
            raise DuplicateError(f"another participant is already called {after['pseudonym']!r}")
        study.db.execute(
            "UPDATE participants SET pseudonym = ?, participant_group = ?, attributes = ? WHERE id = ?",
            [after["pseudonym"], after["participant_group"],
             json.dumps(after["attributes"], ensure_ascii=False, default=str), participant_id])
        study.audit(actor, "update", "participant", participant_id,
                    {"fields": changed, "before": {k: before[k] for k in changed},
                     "after": {k: after[k] for k in changed}})


def load_manifest(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a manifest (YAML list or CSV with a 'file' column) keyed by file name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputError("no such manifest", source=str(path)) from err
    except UnicodeDecodeError as err:
        raise InputError("the manifest is not UTF-8 text", source=path.name) from err
    entries: list[tuple[int | None, dict[str, Any]]]
    if path.suffix.lower() == ".csv":
        entries = [(n + 2, dict(row)) for n, row in enumerate(csv.DictReader(io.StringIO(text)))]
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise InputError(f"not valid YAML: {err}", source=path.name, line=mark.line + 1 if mark else None) from err
        if not isinstance(data, list):
            raise InputError("a YAML manifest is a list of entries (- file: ...)", source=path.name)
        entries = [(None, e) for e in data]
    manifest: dict[str, dict[str, Any]] = {}
    for line, entry in entries:
        if not isinstance(entry, dict) or not entry.get("file"):
            raise InputError("every entry needs a 'file'", source=path.name, line=line)
        manifest[Path(str(entry["file"])).name] = entry
    return manifest
