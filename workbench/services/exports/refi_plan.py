"""What a REFI-QDA import will write: the plan, read and checked before anything touches the study.

The plan maps the file's users, codes, cases, sources, selections and notes onto the study's users, code ids,
participants, transcripts, codings and memos (refi_read.py fills it, refi_import.py writes it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.services.exports.refi import CODEBOOK_NS, PROJECT_FILE, PROJECT_NS, as_guid
from workbench.services.importing import Prepared
from workbench.services.participants import ParticipantInfo

IMPORTED_ROOT = "imported"
POSITIONS = ("auto", "characters", "crlf")


@dataclass
class PlannedUser:
    """A user named in the file and who they are in the study."""

    guid: str
    username: str
    display_name: str
    exists: bool
    role: str = "coder"


@dataclass
class PlannedCode:
    """A code of the file and the study code it becomes."""

    guid: str
    id: str
    parent: str | None
    name_en: str
    definition_en: str
    color: str | None
    exists: bool
    extras: dict[str, Any] = field(default_factory=dict)  # the workbench's own fields, from its sidecar


@dataclass
class PlannedSource:
    """A text source: its normalised text, prepared turns (None when the study already has the text)."""

    guid: str
    name: str
    text: str
    prepared: Prepared | None
    existing_id: int | None
    participant: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    same_as: str | None = None  # an earlier source of the file with the same text (its codings go there)


@dataclass
class PlannedCoding:
    """A coding on code-point offsets of a source's normalised text."""

    guid: str
    source: str
    start: int
    end: int
    code: str
    user: str | None
    created: str | None
    assessment: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class PlannedMemo:
    """A note and what it is about (target GUID: a code, source, coding or case; None for the study)."""

    guid: str
    title: str
    body: str
    user: str | None
    target_type: str
    target: str | None


@dataclass
class ImportPlan:
    """Everything an import will write, read and checked without touching the study."""

    name: str
    kind: str  # qdpx or qdc
    origin: str
    title: str = ""
    users: dict[str, PlannedUser] = field(default_factory=dict)
    codes: list[PlannedCode] = field(default_factory=list)
    participants: dict[str, ParticipantInfo] = field(default_factory=dict)
    sources: list[PlannedSource] = field(default_factory=list)
    codings: list[PlannedCoding] = field(default_factory=list)
    memos: list[PlannedMemo] = field(default_factory=list)
    coding_memos: dict[str, list[str]] = field(default_factory=dict)  # coding GUID -> note GUIDs for its memo
    sidecar: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Figures to show before confirming."""
        return {"file": self.name, "kind": self.kind, "origin": self.origin,
                "users": len(self.users), "new_users": sum(not u.exists for u in self.users.values()),
                "codes": len(self.codes), "new_codes": sum(not c.exists for c in self.codes),
                "imported_branch": sum(c.id.startswith(IMPORTED_ROOT + "/") for c in self.codes if not c.exists),
                "participants": len(self.participants), "sources": len(self.sources),
                "new_sources": sum(s.existing_id is None for s in self.sources), "codings": len(self.codings),
                "memos": len(self.memos) + len(self.coding_memos), "warnings": list(self.warnings)}


def sniff(name: str, data: bytes) -> str | None:
    """'qdpx' or 'qdc' when the file is a REFI-QDA project or codebook (by content, or by its suffix), else None."""
    suffix = Path(name).suffix.lower()
    if suffix in (".qdpx", ".qdc"):
        return suffix[1:]
    if data.startswith(b"PK\x03\x04") and PROJECT_FILE.encode() in data[:200_000]:
        return "qdpx"
    head = data[:2000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and CODEBOOK_NS.encode() in head and b"CodeBook" in head:
        return "qdc"
    return None


def q(name: str, namespace: str = PROJECT_NS) -> str:
    """A QDA-XML tag with its namespace."""
    return f"{{{namespace}}}{name}"


def child_text(element: ET.Element | None, name: str, namespace: str = PROJECT_NS) -> str:
    """The stripped text of a child element (empty when there is none)."""
    child = element.find(q(name, namespace)) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def guid_of(element: ET.Element, attribute: str = "guid", *, what: str) -> str:
    """An element's GUID attribute, upper case without braces; InputError naming `what` when missing."""
    value = element.get(attribute)
    if not value:
        raise InputError(f"{what} has no {attribute}")
    return as_guid(value)
