"""The PII gate at import: the study's names list, screening a read file, the person's decision, its audit.

A file with likely identifying data is held (PiiHeld) until the person pseudonymises it (placeholders such as
[PHONE-1], listed names → pseudonyms) or imports it as is with a written reason. Pseudonymising happens before
anything is segmented or stored, so offsets are code points into the stored (pseudonymised) text. The audit
records kinds and counts and the reason, never a value.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.errors import InputError, NotFoundError, PiiHeld
from workbench.store.study import Study, User, now
from workbench.text.pii import KINDS, Finding, counts, detect, pseudonymise
from workbench.text.readers import Document

MIN_REASON = 10  # characters: a reason is a sentence someone can read later, not "ok"


# -- the names list (real name → pseudonym) ------------------------------------------------------------------
def names_map(study: Study) -> dict[str, str]:
    """Real name → pseudonym, for applying at import (faces show it only through `list_names`)."""
    return dict(study.db.execute("SELECT real_name, pseudonym FROM pii_names ORDER BY id").fetchall())


def list_names(study: Study, *, by: str | User) -> list[dict[str, Any]]:
    """The names list with who added each entry; real names, so only for users who may configure the study."""
    study.actor(by, action="study.configure")
    rows = study.db.execute("SELECT n.id, n.real_name, n.pseudonym, n.created_at, u.username FROM pii_names n "
                            "LEFT JOIN users u ON u.id = n.created_by ORDER BY n.pseudonym, n.real_name").fetchall()
    return [dict(zip(("id", "real_name", "pseudonym", "created_at", "created_by"), r)) for r in rows]


def _clean(value: str, *, what: str) -> str:
    value = unicodedata.normalize("NFC", " ".join(str(value).split()))
    if not value:
        raise InputError(f"{what} is empty")
    return value


def add_names(study: Study, pairs: Iterable[tuple[str, str]], *, by: str | User) -> int:
    """Add (real name, pseudonym) pairs in one write (a listed real name gets its new pseudonym); returns how many."""
    cleaned = [(_clean(real, what="the real name"), _clean(pseudonym, what="the pseudonym")) for real, pseudonym in pairs]
    with study.writing(by=by, action="study.configure") as actor:
        for real, pseudonym in cleaned:
            study.db.execute("INSERT INTO pii_names (real_name, pseudonym, created_at, created_by) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (real_name) DO UPDATE SET pseudonym = excluded.pseudonym",
                             [real, pseudonym, now(), actor.id])
        study.audit(actor, "add_names", "pii_names", None, {"entries": len(cleaned)})
    return len(cleaned)


def remove_name(study: Study, name_id: int, *, by: str | User) -> None:
    """Remove one entry of the names list."""
    with study.writing(by=by, action="study.configure") as actor:
        if study.db.execute("DELETE FROM pii_names WHERE id = ?", [name_id]).rowcount == 0:
            raise NotFoundError(f"no names-list entry {name_id}")
        study.audit(actor, "remove_name", "pii_names", name_id, {})


def read_names_csv(path: str | Path) -> list[tuple[str, str]]:
    """(real name, pseudonym) rows of a CSV file with columns real_name, pseudonym (UTF-8, with or without BOM)."""
    return names_from_csv(Path(path).read_text(encoding="utf-8-sig"), source=str(path))


def names_from_csv(text: str, *, source: str) -> list[tuple[str, str]]:
    """(real name, pseudonym) rows of CSV text with columns real_name, pseudonym; errors name the line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"real_name", "pseudonym"} <= set(reader.fieldnames):
        raise InputError("the first line must name the columns real_name and pseudonym", source=source)
    rows = []
    for line, row in enumerate(reader, start=2):
        if not (row.get("real_name") or "").strip() or not (row.get("pseudonym") or "").strip():
            raise InputError("real_name and pseudonym must both be filled", source=source, line=line)
        rows.append((row["real_name"], row["pseudonym"]))
    return rows


# -- screening and the decision ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    """What the person chose for a held file: pseudonymise every finding but `keep` (indexes), or none."""

    pseudonymise: bool
    reason: str | None = None
    keep: frozenset[int] = frozenset()

    @classmethod
    def override(cls, reason: str) -> Decision:
        """Import as is, for a written reason."""
        return cls(pseudonymise=False, reason=reason)

    def check(self, findings: list[Finding]) -> None:
        """Raise InputError unless a reason is given whenever a finding stays in the text."""
        kept = not self.pseudonymise or any(0 <= i < len(findings) for i in self.keep)
        if kept and len((self.reason or "").strip()) < MIN_REASON:
            raise InputError(f"say why identifying data may stay in the transcript (a reason of at least {MIN_REASON} "
                             "characters); it is recorded in the audit log")


PSEUDONYMISE = Decision(pseudonymise=True)


@dataclass
class Screening:
    """What the gate found in a file (spans into the text as read) and what became of it."""

    findings: list[Finding]
    decision: Decision | None = None
    replaced: list[Finding] = field(default_factory=list)
    # Where a position of the text as read lies in the stored text (None: the text was not changed).
    position: Callable[[int], int] | None = None

    @property
    def kept(self) -> list[Finding]:
        """Findings left in the stored text."""
        return [f for f in self.findings if f not in self.replaced]

    def audit_detail(self) -> dict[str, Any]:
        """Kinds and counts found, replaced and kept, and the reason: never a value."""
        detail: dict[str, Any] = {"found": counts(self.findings), "replaced": counts(self.replaced),
                                  "kept": counts(self.kept)}
        if self.kept:
            detail["reason"] = (self.decision.reason or "").strip() if self.decision else ""
        return detail

    @property
    def audit_action(self) -> str:
        """'pii_override' when anything identifying was kept, else 'pii_pseudonymise'."""
        return "pii_override" if self.kept else "pii_pseudonymise"


def held_message(name: str, findings: list[Finding]) -> str:
    """Why a file is held: its findings by line and kind, never their values."""
    listed = "; ".join(f"line {f.line}: {KINDS[f.kind].en}" for f in findings[:20])
    more = f"; and {len(findings) - 20} more" if len(findings) > 20 else ""
    return (f"{name}: held, {len(findings)} likely identifying item(s) ({listed}{more}). Pseudonymise them, "
            "or import as is with a written reason.")


@dataclass(frozen=True)
class Gate:
    """The gate one import passes: the study's names list and the person's decision (None until they make one)."""

    names: Mapping[str, str] = field(default_factory=dict)
    decision: Decision | None = None

    def findings(self, document: Document) -> list[Finding]:
        """What the gate finds in a document's text."""
        return detect(document.text, names=self.names)

    def screen(self, document: Document) -> tuple[Document, Screening]:
        """The document to prepare (pseudonymised as decided) and the screening; PiiHeld while undecided."""
        findings = self.findings(document)
        if not findings:
            return document, Screening([])
        if self.decision is None:
            raise PiiHeld(held_message(document.name, findings),
                          findings=[(f.line, KINDS[f.kind].en) for f in findings])
        self.decision.check(findings)
        chosen = [f for i, f in enumerate(findings) if self.decision.pseudonymise and i not in self.decision.keep]
        if not chosen:
            return document, Screening(findings, self.decision)
        result = pseudonymise(document.text, chosen)
        cues = [replace(c, start=result.position(c.start), end=result.position(c.end)) for c in document.cues]
        return (replace(document, text=result.text, cues=cues),
                Screening(findings, self.decision, chosen, position=result.position))


def gate_for(study: Study, decision: Decision | None = None) -> Gate:
    """The gate of this study (its names list) with a decision."""
    return Gate(names=names_map(study), decision=decision)


def record(study: Study, actor: User, transcript_id: int, screening: Screening) -> None:
    """Audit what the gate did for a stored transcript (inside the import's write)."""
    if screening.findings:
        study.audit(actor, screening.audit_action, "transcript", transcript_id, screening.audit_detail())
