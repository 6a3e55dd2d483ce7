"""The demo study opened once for the chart tests (read-only)."""

from __future__ import annotations

import pytest

from workbench.store.study import Study


@pytest.fixture(scope="session")
def demo_study(demo):
    """The session's demo study, opened (tests only read it)."""
    study = Study.open(demo.path)
    yield study
    study.close()
