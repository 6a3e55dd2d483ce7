"""Fixtures of the export tests: a private copy of the demo study with memos on every kind of target."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_study
from workbench.services.memos import add_memo
from workbench.store.study import Study

DATA = Path(__file__).resolve().parents[2] / "data"
MAXQDA = DATA / "maxqda24-icls.qdpx"
ATLAS = DATA / "atlasti23-small.qdpx"
SCHEMAS = Path(__file__).resolve().parents[3] / "workbench" / "services" / "exports" / "schemas"


@pytest.fixture(scope="session")
def _demo_with_memos(demo, tmp_path_factory) -> Path:
    """The demo study plus one memo on the study, a transcript, a code, a coding and a participant (built once)."""
    path = copy_study(demo.path, tmp_path_factory.mktemp("exports") / "demo_memos.db")
    with Study.open(path) as study:
        transcript = study.db.execute("SELECT id FROM transcripts WHERE stem = 'SV04_siu_ling'").fetchone()[0]
        coding = study.db.execute("SELECT id FROM codings WHERE memo IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        participant = study.db.execute("SELECT id FROM participants WHERE pseudonym = '阿玲'").fetchone()[0]
        add_memo(study, target_type="study", target_id="study", title="Method", body="Two coders, 研究備忘", by="chan")
        add_memo(study, target_type="transcript", target_id=transcript, body="Interpreter present.", by="reyes")
        add_memo(study, target_type="code", target_id="barriers/delay", body="Delay covers waiting.", by="chan")
        add_memo(study, target_type="coding", target_id=coding, title="Check", body="Is this delay?", by="reyes")
        add_memo(study, target_type="participant", target_id=participant, body="Follow-up agreed.", by="admin")
    return path


@pytest.fixture
def source(_demo_with_memos, tmp_path) -> Study:
    """A private, writable copy of the demo study with memos."""
    study = Study.open(copy_study(_demo_with_memos, tmp_path / "source.db"))
    yield study
    study.close()


@pytest.fixture
def empty(tmp_path) -> Study:
    """A new, empty study (system user only)."""
    study = Study.open(tmp_path / "empty.db", create=True)
    yield study
    study.close()
