"""Builds the fictional demo study from transcripts/ and codebooks/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workbench import bundled
from workbench.errors import InputError, WorkbenchError
from workbench.services.agreement.assignments import assign, mark_done
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook
from workbench.services.coding import add_coding, find_span
from workbench.services.importing import import_files
from workbench.services.participants import load_manifest
from workbench.services.transcripts import resolve_transcript
from workbench.store.passwords import generate_password
from workbench.store.study import Study

# Shipped with the package (the repository's codebooks/ and transcripts/, see workbench/bundled/).
CODEBOOK = bundled.folder("codebooks") / "justice_access.yaml"
TRANSCRIPTS = bundled.folder("transcripts")
DEMO_USERS = [
    ("admin", "admin", "Study administrator"),
    ("chan", "coder", "Coder Chan (fictional reference coder)"),
    ("reyes", "coder", "Coder Reyes (fictional reference coder)"),
    ("reviewer", "reviewer", "Reviewer"),
]


@dataclass
class DemoResult:
    """The passwords generated (shown once) and the import outcome."""

    passwords: dict[str, str]
    imported: int
    codings: int


def build_demo(path: str | Path, *, transcripts: Path = TRANSCRIPTS, codebook: Path = CODEBOOK) -> DemoResult:
    """Create a new demo study at `path`; refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise InputError(f"{path} already exists; remove it or choose another path")
    try:
        with Study.open(path, create=True) as study:
            passwords = {}
            for username, role, display in DEMO_USERS:
                passwords[username] = generate_password()
                study.add_user(username=username, role=role, password=passwords[username], display_name=display)
            study.set_meta("title", "Demo study (FICTIONAL composite interviews)", by="system")
            book, framework = load_with_framework(codebook)
            install_codebook(study, book, framework, by="admin")
            manifest = load_manifest(transcripts / "manifest.yaml")
            files = [transcripts / name for name in manifest]
            outcomes = import_files(study, files, by="admin", manifest=manifest)
            failed = [o.error for o in outcomes if o.error]
            if failed:
                raise InputError("demo transcripts failed to import:\n  " + "\n  ".join(failed))
            codings = load_reference_codings(study, transcripts / "reference_codings")
            mark_reference_coding_done(study, transcripts / "reference_codings")
            return DemoResult(passwords, len(outcomes), codings)
    except BaseException:  # never leave a half-built demo behind (it would block the next attempt)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise


def reference_codings(folder: Path) -> list[dict]:
    """All reference codings (JSON lines), each with the file and line it came from."""
    rows = []
    for file in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"not valid JSON: {err.msg}", source=file.name, line=number) from err
            rows.append({**row, "_source": file.name, "_line": number})
    return rows


def load_reference_codings(study: Study, folder: Path) -> int:
    """Apply the two fictional coders' reference codings (quotes located in the stored text).

    A row's "measures" (a list, possibly empty) are the framework measures its coder confirmed; a row
    without the key leaves them derived from the code's mapping.
    """
    count = 0
    texts: dict[str, tuple[int, str]] = {}
    with study.db.atomic():
        for row in reference_codings(folder):
            try:  # every problem names the file and line of the reference coding
                stem = row["transcript"]
                if stem not in texts:
                    tid = resolve_transcript(study, stem)
                    texts[stem] = (tid, study.db.execute("SELECT text FROM transcripts WHERE id = ?",
                                                         [tid]).fetchone()[0])
                tid, text = texts[stem]
                start, end = find_span(text, row["quote"], occurrence=int(row.get("occurrence", 1)))
                add_coding(study, transcript_id=tid, start=start, end=end, code_id=row["code"], by=row["coder"],
                           assessment=row.get("assessment"), memo=row.get("memo"), origin="reference",
                           measures=row.get("measures"))
            except KeyError as err:
                raise InputError(f"missing key {err}", source=row["_source"], line=row["_line"]) from err
            except WorkbenchError as err:
                raise InputError(str(err), source=row["_source"], line=row["_line"]) from err
            count += 1
    return count


def mark_reference_coding_done(study: Study, folder: Path) -> None:
    """The reference coders double-coded every transcript blind and finished: assign them and mark each done."""
    rows = reference_codings(folder)
    coders = sorted({row["coder"] for row in rows})
    for stem in sorted({row["transcript"] for row in rows}):
        tid = resolve_transcript(study, stem)
        assign(study, tid, coders=coders, by="admin")
        for coder in coders:
            mark_done(study, tid, by=coder)
