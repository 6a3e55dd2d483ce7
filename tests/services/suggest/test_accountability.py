"""workbench.services.suggest.accountability: suggestions per code and model, and κ against hand coding."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, INTERVIEW, PASSWORD, import_text
from workbench.services.agreement import mark_done
from workbench.services.coding import add_coding, find_span
from workbench.services.suggest import accept, reject
from workbench.services.suggest.accountability import accountability, by_model
from workbench.services.transcripts import transcript_text


def suggest(study, tid, start, end, code, version):
    with study.writing(by="coder1", action="suggestions.generate"):
        return study.db["suggestions"].insert(
            {"transcript_id": tid, "start": start, "end": end, "code_id": code, "method": version.split(":")[0],
             "model_version": version, "score": 0.9, "evidence": "", "status": "open",
             "created_at": "2026-01-01T00:00:00+00:00"}).last_pk


@pytest.fixture
def assisted(study):
    """coder1 accepts a passport suggestion and rejects a wages one; coder2 codes by hand; both finish."""
    study.add_user(username="coder2", role="coder", password=PASSWORD)
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    passport, wages, delay = (find_span(text, p) for p in ("took my passport", "kept my wages", "waited a long time"))
    accept(study, suggest(study, tid, *passport, CODE_PASSPORT, "rules:abc"), by="coder1")
    reject(study, suggest(study, tid, *wages, CODE_WAGES, "learned:v1"), by="coder1")
    suggest(study, tid, *delay, CODE_DELAY, "learned:v1")  # left open
    add_coding(study, transcript_id=tid, start=delay[0], end=delay[1], code_id=CODE_DELAY, by="coder1")
    for span, code in ((passport, CODE_PASSPORT), (wages, CODE_WAGES)):
        add_coding(study, transcript_id=tid, start=span[0], end=span[1], code_id=code, by="coder2")
    return tid


def test_counts_and_model_versions_per_code(study, assisted):
    table = accountability(study).set_index("code")
    assert table.loc[CODE_PASSPORT, ["suggested", "accepted", "rejected"]].tolist() == [1, 1, 0]
    assert table.loc[CODE_PASSPORT, "accepted share"] == 1.0
    assert table.loc[CODE_WAGES, "accepted share"] == 0.0
    assert table.loc[CODE_WAGES, "model versions"] == "learned:v1 ×1"
    assert pd.isna(table.loc[CODE_PASSPORT, "kappa vs hand coding"])  # not doubly coded (nobody finished) yet


def test_kappa_against_hand_coding_on_doubly_coded_transcripts(study, assisted):
    for coder in ("coder1", "coder2"):
        mark_done(study, assisted, by=coder)
    table = accountability(study).set_index("code")
    # sentences touched: passport (suggested and by hand), wages (by hand), delay (by hand)
    assert table.loc[CODE_PASSPORT, "units compared"] == 3
    assert table.loc[CODE_PASSPORT, "kappa vs hand coding"] == pytest.approx(cohen_kappa_score([1, 0, 0], [1, 0, 0]))
    assert table.loc[CODE_WAGES, "kappa vs hand coding"] == pytest.approx(cohen_kappa_score([0, 0, 0], [0, 1, 0]))


def test_figures_per_model_version(study, assisted):
    models = by_model(study).set_index("model version")
    assert models.loc["learned:v1", ["suggested", "accepted", "rejected"]].tolist() == [2, 0, 1]
    assert models.loc["rules:abc", "accepted share"] == 1.0

