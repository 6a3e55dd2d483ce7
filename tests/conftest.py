"""Fixtures shared by every test: a fresh study per test and the demo study built once per session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import PASSWORD, SHIPPED_CODEBOOK, USERS
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook
from workbench.store.study import Study


@pytest.fixture(scope="session")
def _study_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A study file with the three test users and a codebook, built once (password hashing is slow)."""
    folder = tmp_path_factory.mktemp("template")
    codebook_path = SHIPPED_CODEBOOK
    path = folder / "template.db"
    with Study.open(path, create=True) as study:
        for username, role in USERS.items():
            study.add_user(username=username, role=role, password=PASSWORD)
        book, framework = load_with_framework(codebook_path)
        install_codebook(study, book, framework, by="admin1")
    assert not Path(f"{path}-wal").exists(), "closing the study should checkpoint the WAL"
    return path


@pytest.fixture
def study(_study_template: Path, tmp_path: Path):
    """A fresh Study in tmp_path with users coder1 (coder), rev1 (reviewer), admin1 (admin) and a codebook.

    The codebook is the shipped codebooks/justice_access.yaml when it exists, otherwise a tiny one;
    both contain the code ids in tests.helpers (CODE_PASSPORT, CODE_WAGES, CODE_DELAY).
    """
    path = tmp_path / "study.db"
    shutil.copyfile(_study_template, path)
    study = Study.open(path)
    yield study
    study.close()


@dataclass(frozen=True)
class DemoStudy:
    """The demo study built by workbench.demo.build_demo: its file and the generated passwords."""

    path: Path
    passwords: dict[str, str]
    imported: int
    codings: int


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoStudy:
    """The demo study, built once per session (read-only by convention: copy it before writing)."""
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = build_demo(path)
    return DemoStudy(path=path, passwords=result.passwords, imported=result.imported, codings=result.codings)
