"""Plain helpers and constants shared by the unit tests (fixtures live in conftest.py)."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

from workbench.services.importing import prepare, store
from workbench.services.participants import ParticipantInfo
from workbench.store.study import Study

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CODEBOOK = REPO / "codebooks" / "justice_access.yaml"
DEMO_MANIFEST = REPO / "transcripts" / "manifest.yaml"

PASSWORD = "correct-horse-42"
USERS = {"coder1": "coder", "rev1": "reviewer", "admin1": "admin"}

# Code ids present both in the shipped codebook (DESIGN.md §4) and in the tiny fallback codebook,
# so the tests run the same whichever one the `study` fixture installed.
CODE_PASSPORT = "exploitation/document_retention"
CODE_WAGES = "exploitation/wage_withholding"
CODE_DELAY = "barriers/delay"

# The 29 code ids DESIGN.md §4 requires of the shipped codebook.
REQUIRED_CODE_IDS = [
    "exploitation/deception", "exploitation/debt_bondage", "exploitation/document_retention",
    "exploitation/wage_withholding", "exploitation/violence_threats", "exploitation/restricted_movement",
    "exploitation/abusive_conditions", "identification/screening", "identification/non_disclosure",
    "enforcement/authority_response", "enforcement/prosecution", "enforcement/legal_framework",
    "barriers/fear_retaliation", "barriers/distrust_authorities", "barriers/language_interpretation",
    "barriers/immigration_status", "barriers/criminalisation", "barriers/delay", "barriers/cost_livelihood",
    "remedies/legal_aid", "remedies/labour_tribunal", "remedies/compensation", "remedies/non_refoulement",
    "support/shelter_welfare", "support/ngo", "support/hotline_information", "recruitment/agency_fees",
    "recruitment/agency_regulation", "voice/recommendations",
]

TINY_CODEBOOK = """\
format: workbench-codebook/1
id: tiny
title: {en: Tiny test codebook, zh: 測試編碼簿}
version: "0.1"
codes:
  - id: exploitation
    name: {en: Exploitation, zh: 剝削}
    color: "#aa3333"
  - id: exploitation/document_retention
    parent: exploitation
    name: {en: Documents retained, zh: 證件被扣留}
    keywords: {en: [passport], zh: [護照]}
  - id: exploitation/wage_withholding
    parent: exploitation
    name: {en: Wages withheld, zh: 拖欠工資}
  - id: barriers
    name: {en: Barriers, zh: 障礙}
    color: "#3333aa"
  - id: barriers/delay
    parent: barriers
    name: {en: Delay, zh: 延誤}
"""

# A short interview used across the service tests. The distinctive phrase lets tests prove that
# transcript text never leaks into the audit log.
DISTINCTIVE = "the violet umbrella of Tsuen Wan"
INTERVIEW = f"""\
Interviewer: How did you come to Hong Kong?
Dewi: Through an agency. My employer took my passport on the first day.
Interviewer: Were you paid?
Dewi: No. For five months she kept my wages. I remember {DISTINCTIVE}.
Interviewer: What happened at the tribunal?
Dewi: We waited a long time, almost a year.
"""

CHINESE_INTERVIEW = """\
訪問員：你點樣嚟香港？
阿玲：經中介嚟。𠝹佢哋收咗我本護照，我唔係想留低😀。
訪問員：之後呢？
阿玲：我去咗勞資審裁處，等咗三個月。
"""


def import_text(study: Study, text: str, *, name: str = "P01.txt", by: str = "coder1",
                participant: str | None = "P01", group: str = "survivor",
                attributes: dict[str, Any] | None = None, encoding: str = "utf-8", **prepare_kw: Any) -> int:
    """Prepare and store a generated transcript through the real import service; returns its id."""
    prepared = prepare(name, text.encode(encoding), **prepare_kw)
    who = ParticipantInfo(participant, group, attributes or {}) if participant else None
    return store(study, prepared, participant=who, by=by)


def table_counts(study: Study) -> dict[str, int]:
    """Row count of every table of the study."""
    return {name: study.db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
            for name in study.db.table_names()}


def dump(study: Study, *tables: str) -> dict[str, list[tuple]]:
    """Every row of the named tables, ordered, for before/after comparisons."""
    return {name: study.db.execute(f"SELECT * FROM [{name}] ORDER BY rowid").fetchall() for name in tables}


def copy_study(source: str | Path, target: Path) -> Path:
    """A consistent copy of a study file (SQLite backup API; safe with WAL), connections closed at once."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


# -- REFI-QDA: a small hand-made project, as another program would write it ---------------------------------
REFI_GUID = "{:08X}-0000-4000-8000-000000000000".format

def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive of the members (name → bytes), as any zip tool writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def small_project(*, origin: str = "QualCoder 3.5", text: str = "Q: Why?\nA: They kept my passport.\n",
                  start: int | None = None, end: int | None = None, extra: str = "", note: bool = False,
                  user: str = 'name="Mei Wong"') -> bytes:
    """A small QDA-XML project: one user, two codes, one source with one coded selection (and a note)."""
    start = text.index("kept my passport") if start is None else start
    end = start + len("kept my passport") if end is None else end
    note_ref = f'<NoteRef targetGUID="{REFI_GUID(9)}"/>' if note else ""
    notes = (f'<Notes><Note guid="{REFI_GUID(9)}" name="why" creatingUser="{REFI_GUID(1)}"><PlainTextContent>Check the '
             'date.</PlainTextContent></Note></Notes>') if note else ""
    qde = f"""<?xml version="1.0" encoding="utf-8"?>{extra}
<Project xmlns="urn:QDA-XML:project:1.0" name="Small" origin="{origin}">
 <Users><User guid="{REFI_GUID(1)}" {user}/></Users>
 <CodeBook><Codes><Code guid="{REFI_GUID(2)}" name="Documents" isCodable="true" color="#aa0000">
   <Description>Papers taken.</Description>
   <Code guid="{REFI_GUID(3)}" name="Passport kept" isCodable="true"/></Code></Codes></CodeBook>
 <Sources><TextSource guid="{REFI_GUID(4)}" name="Interview 1" plainTextPath="internal://{REFI_GUID(4)}.txt">
   <PlainTextSelection guid="{REFI_GUID(5)}" startPosition="{start}" endPosition="{end}" creatingUser="{REFI_GUID(1)}">
    <Description>Assessment: barrier</Description>
    <Coding guid="{REFI_GUID(6)}" creatingUser="{REFI_GUID(1)}" creationDateTime="2024-05-01T10:00:00Z">
     <CodeRef targetGUID="{REFI_GUID(3)}"/>{note_ref}</Coding>
   </PlainTextSelection></TextSource></Sources>{notes}
</Project>"""
    return zip_of({"project.qde": qde.encode("utf-8"), f"sources/{REFI_GUID(4)}.txt": text.encode("utf-8")})
