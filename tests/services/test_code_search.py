"""workbench.services.code_search: what a coder types finds the right code first, in both languages."""

from __future__ import annotations

import pytest

from tests.helpers import REQUIRED_CODE_IDS
from workbench.services.code_search import fold, rank_codes
from workbench.services.codes import list_codes

PASSPORT = "exploitation/document_retention"


@pytest.fixture
def codes(study):
    return list_codes(study, counts=False)


def _first(codes, query, **kw):
    found = rank_codes(codes, query, **kw)
    assert found, f"nothing found for {query!r}"
    return found[0]


@pytest.mark.parametrize("query", ["passport", "Passports", "passp", "confiscated passports", "護照", "护照",
                                   "收起護照", "收咗我本護照", "document ret", "扣留證件", "ID card kept"])
def test_passport_in_either_language_finds_document_retention_first(codes, query):
    assert _first(codes, query).code_id == PASSPORT


def test_a_name_beats_a_keyword_and_says_why(codes):
    found = rank_codes(codes, "deception")
    assert found[0].code_id == "exploitation/deception" and found[0].why == "name"
    police = rank_codes(codes, "police")
    assert police[0].why.startswith("keyword “") and "police" in police[0].why
    assert all(m.why for m in found + police)


def test_every_code_is_found_first_by_its_own_names(codes):
    for code in codes:
        for name in (code["name_en"], code["name_zh"], code["id"]):
            if name:
                assert _first(codes, name).code_id == code["id"], (name, rank_codes(codes, name, limit=3))


def test_the_shipped_codes_are_all_reachable(codes):
    assert set(REQUIRED_CODE_IDS) <= {c["id"] for c in codes}
    assert {m.code_id for m in rank_codes(codes, "")} == {c["id"] for c in codes}


def test_a_typo_still_finds_the_name(codes):
    found = _first(codes, "decepton")
    assert (found.code_id, found.why) == ("exploitation/deception", "similar name")


def test_nothing_matches_nonsense(codes):
    assert rank_codes(codes, "zqxjv") == []


def test_empty_query_lists_recent_codes_then_the_codebook_in_order(codes):
    recent = ["barriers/delay", PASSPORT]
    found = rank_codes(codes, "  ", recent=recent)
    assert [m.code_id for m in found[:2]] == recent and found[0].why == "recently used"
    rest = [m.code_id for m in found[2:]]
    assert rest == [c["id"] for c in sorted(codes, key=lambda c: c["position"]) if c["id"] not in recent]
    assert len(rank_codes(codes, "", limit=5)) == 5


def test_recent_use_reorders_within_a_tier_but_never_over_a_better_match(codes):
    plain = [m.code_id for m in rank_codes(codes, "police")]
    second = plain[1]
    boosted = [m.code_id for m in rank_codes(codes, "police", recent=[second])]
    assert boosted[0] == second  # two keyword matches: the one used lately comes first
    assert _first(codes, "deception", recent=[PASSPORT]).code_id == "exploitation/deception"


def test_a_code_comes_before_its_theme_at_an_equal_match(codes):
    themes = {c["id"] for c in codes if not c["parent_id"]}
    found = rank_codes(codes, "exploitation")
    assert found[0].code_id == "exploitation"  # the theme's own name is the better match
    ids = [m.code_id for m in found]
    assert len(ids) == len(set(ids)) and themes & set(ids) == {"exploitation"}


def test_fold_meets_traditional_simplified_case_and_id_separators():
    assert fold("護照") == fold("护照")
    assert fold("Exploitation/Debt_Bondage") == "exploitation debt bondage"
