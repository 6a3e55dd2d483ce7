"""Backing up, restoring and checking a study file (SQLite's online backup: safe while the app is writing)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import DuplicateError, InputError
from workbench.store import files
from workbench.store.study import Study, User
from workbench.text.offsets import text_hash


@dataclass
class CheckReport:
    """What `check` found: SQLite's own checks, then every coding against its transcript."""

    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    codings: int = 0
    mismatched: list[str] = field(default_factory=list)  # a coding whose snippet no longer matches its offsets
    outdated: list[str] = field(default_factory=list)  # the text changed since coding, snippet still in place

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong (outdated codings are reported, not failures)."""
        return not (self.integrity or self.foreign_keys or self.mismatched)


def backup(study: Study, destination: str | Path, *, by: str | User, overwrite: bool = False) -> Path:
    """Copy the open study to a new file (owner-only), consistent even while others write; audited."""
    target = Path(destination)
    if target.is_dir():
        target = target / Path(study.path).name
    if target.exists() and not overwrite:
        raise DuplicateError(f"{target} already exists (give another name, or overwrite it explicitly)")
    if target.resolve() == Path(study.path).resolve():
        raise InputError("the backup cannot be the study file itself")
    actor = study.actor(by, action="study.configure")
    partial = _sibling(target)
    try:
        copy = sqlite3.connect(partial)
        try:
            # one step inside one read snapshot: in WAL mode the app's writers go on meanwhile, and a step-wise
            # copy would start again from the beginning each time they wrote
            study.db.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    files.make_private(target)
    study.record(actor, "backup", "study", None, {"file": target.name})
    return target


def restore(backup_file: str | Path, study_path: str | Path, *, overwrite: bool = False) -> Path:
    """Put a backup in place as the study file, after checking it; the file it replaces is kept beside it."""
    source, target = Path(backup_file), Path(study_path)
    if not source.is_file():
        raise InputError("no such backup file", source=str(source))
    report = check(source)
    if not report.ok:
        raise InputError("the backup fails its check; not restoring it:\n" + "\n".join(describe(report)),
                         source=str(source))
    kept = None
    if target.exists():
        if not overwrite:
            raise DuplicateError(f"{target} exists; stop the app and restore with overwrite to replace it "
                                 "(the current file is kept as .before-restore)")
        kept = target.with_name(target.name + ".before-restore")
        _copy(target, kept)
    partial = _sibling(target)
    try:
        _copy(source, Path(partial))
        for suffix in ("-wal", "-shm"):  # an old WAL beside the new file would be replayed into it
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    files.make_private(target)
    with Study.open(target) as study:
        study.record(None, "restore", "study", None, {"from": source.name,
                                                       "kept": kept.name if kept else None})
    return target


def check(path: str | Path) -> CheckReport:
    """SQLite's integrity and foreign-key checks, then every coding's snippet against its offsets."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such study file", source=str(path))
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # a check never changes the file
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'codings'").fetchone():
            raise InputError("this is not a workbench study", source=str(path))
        report = CheckReport()
        report.integrity = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        report.foreign_keys = [f"{table} row {rowid} points at a missing {parent}" for table, rowid, parent, _ in
                               db.execute("PRAGMA foreign_key_check").fetchall()]
        texts = dict(db.execute("SELECT id, text FROM transcripts").fetchall())  # each text read once
        rows = db.execute('SELECT k.id, k.transcript_id, k.start, k."end", k.snippet, k.text_hash, t.stem '
                          "FROM codings k JOIN transcripts t ON t.id = k.transcript_id ORDER BY k.id")
        for coding_id, transcript_id, start, end, snippet, version, stem in rows:
            report.codings += 1
            text = texts[transcript_id]
            where = f"coding {coding_id} ({stem} {start}-{end})"
            if text[start:end] != snippet:
                report.mismatched.append(f"{where}: its quoted text no longer matches the transcript at its offsets")
            elif version != text_hash(text):
                report.outdated.append(f"{where}: the transcript changed since it was coded; the passage is intact")
    except sqlite3.DatabaseError as err:
        raise InputError(f"this is not a readable SQLite study ({err})", source=str(path)) from err
    finally:
        db.close()
    return report


def describe(report: CheckReport) -> list[str]:
    """The report as lines a person reads."""
    lines = [f"integrity: {problem}" for problem in report.integrity]
    lines += [f"foreign key: {problem}" for problem in report.foreign_keys]
    lines += report.mismatched + [f"note: {line}" for line in report.outdated]
    status = "ok" if report.ok else "PROBLEMS FOUND"
    lines.append(f"{status}: {report.codings} codings checked, {len(report.mismatched)} mismatched, "
                 f"{len(report.integrity) + len(report.foreign_keys)} database problem(s)")
    return lines


def _sibling(target: Path) -> str:
    """A private temporary file in the target's folder (so the final rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)  # mkstemp makes it 0600
    return name


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite file through the backup API (a WAL is folded in)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        src.close()
        dst.close()
    files.make_private(target)
