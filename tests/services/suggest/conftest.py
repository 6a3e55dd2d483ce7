"""Fixtures of the suggestion tests: small keyword rules, and a private, writable copy of the demo study."""

from __future__ import annotations

import pytest

from tests.helpers import copy_study
from workbench.services.suggest.rules import RuleSet, compile_rules
from workbench.store.study import Study

KEYWORDS = {
    "exploitation/document_retention": {
        "en": ["passport", "confiscate passport", "keep my passport", {"text": "document", "weight": 0.5}],
        "zh": ["護照", "護照被收", "收走護照", "扣起護照", "收 護照", "証"],
    },
    "exploitation/wage_withholding": {"en": ["unpaid wages", "not pay", "salary"], "zh": ["人工", "冇出糧"]},
    "barriers/delay": {"en": ["wait a long time", "delay"], "zh": ["等咗", "拖延"]},
}


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """Rules compiled from a few hand-written patterns (independent of the shipped codebook)."""
    return compile_rules(KEYWORDS.items())


@pytest.fixture
def demo_study(demo, tmp_path):
    """A writable copy of the demo study (its codings are the training data)."""
    study = Study.open(copy_study(demo.path, tmp_path / "demo.db"))
    yield study
    study.close()
