"""workbench.ui.code_picker and the coding page's plain functions behind the picker."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.services import undo
from workbench.services.code_search import CodeMatch
from workbench.services.codes import list_codes
from workbench.ui.code_picker import picker_codes, picker_data
from workbench.ui.coding_history import describe
from workbench.ui.pages.coding import code_names, confirmation, picked_codes

PASSPORT = "exploitation/document_retention"


@pytest.fixture
def codes(study):
    return list_codes(study, counts=False)


def test_the_picker_names_codes_in_the_chosen_language_with_the_other_beside(codes):
    english = picker_codes(codes, {PASSPORT: "#123456"}, lang="en")
    chinese = picker_codes(codes, {}, lang="zh")
    assert (english[PASSPORT]["name"], english[PASSPORT]["other"], english[PASSPORT]["colour"]) == (
        "Document retention", "扣留證件", "#123456")
    assert (chinese[PASSPORT]["name"], chinese[PASSPORT]["other"], chinese[PASSPORT]["theme"]) == (
        "扣留證件", "Document retention", "剝削")
    assert english["exploitation"]["is_theme"] and not english[PASSPORT]["is_theme"]


def test_picker_data_lists_the_ranking_for_the_query_and_known_recent_codes(codes):
    shown = picker_codes(codes, {}, lang="en")
    data = picker_data(codes=shown, query="passport", found=[CodeMatch(PASSPORT, 72.8, "keyword “passport”")],
                       recent=[PASSPORT, "gone/code"] + [c["id"] for c in codes[:8]], has_selection=True,
                       selection_nonce=5, done=None, failed=None)
    assert data["results"] == {"query": "passport", "items": [[PASSPORT, "keyword “passport”"]]}
    assert "gone/code" not in data["recent"] and len(data["recent"]) == 6


def test_an_action_applies_exactly_its_codes_or_the_pick_of_its_query(codes):
    assert picked_codes({"codes": ["exploitation/deception", "exploitation/deception"]}, codes=codes, recent=[]) == [
        "exploitation/deception"]
    assert picked_codes({"codes": [], "query": "passport", "pick": 0}, codes=codes, recent=[]) == [PASSPORT]
    assert picked_codes({"codes": ["barriers/delay"], "query": "護照", "pick": 0}, codes=codes, recent=[]) == [
        "barriers/delay", PASSPORT]
    with pytest.raises(WorkbenchError, match="no code matches"):
        picked_codes({"codes": [], "query": "zqxjv", "pick": 0}, codes=codes, recent=[])
    with pytest.raises(WorkbenchError, match="no active code"):
        picked_codes({"codes": ["<script>"]}, codes=codes, recent=[])
    with pytest.raises(WorkbenchError, match="at least one code"):
        picked_codes({"codes": []}, codes=codes, recent=[])


def test_confirmations_and_undo_name_exactly_the_codes(codes):
    names = code_names(codes, "en")
    change = undo.Change("apply", (PASSPORT, "exploitation/deception"))
    assert confirmation(change, names=names, passage="they kept\nmy passport") == (
        "Applied Document retention (扣留證件), Deception (欺騙) to “they kept my passport”.")
    assert confirmation(change, names=names, passage="x" * 80).endswith("x…”.")
    assert describe(change, names) == "applied Document retention (扣留證件), Deception (欺騙)"
    assert describe(undo.Change("change", ("barriers/delay", PASSPORT)), code_names(codes, "zh")) == (
        "changed 延誤 (Delay) → 扣留證件 (Document retention)")
