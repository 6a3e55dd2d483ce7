"""workbench.services.suggest.similar: more like this, in both languages."""

from __future__ import annotations

from workbench.services.coding import list_codings
from workbench.services.suggest.service import study_rules
from workbench.services.suggest.similar import similar_to_coding


def _coding(study, code, language):
    for row in list_codings(study, code_id=code):
        if (language == "zh") == any("\u4e00" <= c <= "\u9fff" for c in row["snippet"]):
            return row
    raise AssertionError(f"no {language} coding of {code}")


def test_more_like_this_finds_uncoded_sentences_in_both_languages(demo_study):
    coding = _coding(demo_study, "exploitation/document_retention", "en")
    found = similar_to_coding(demo_study, coding["id"], rules=study_rules(demo_study), top=40)
    assert found and [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)
    assert {f["language"] for f in found} >= {"en", "zh"}
    assert any("exploitation/document_retention" in f["shared_codes"] for f in found if f["language"] == "zh")
    coded = [(c["transcript_id"], c["start"], c["end"]) for c in list_codings(demo_study, code_id=coding["code_id"])]
    for hit in found:   # nothing already coded with the code comes back
        assert not any(t == hit["transcript_id"] and s <= hit["start"] and hit["end"] <= e for t, s, e in coded)


def test_shared_terms_explain_the_match(demo_study):
    coding = _coding(demo_study, "exploitation/debt_bondage", "en")
    top = similar_to_coding(demo_study, coding["id"], rules=study_rules(demo_study), top=3)
    assert top and all(hit["shared_terms"] or hit["shared_codes"] for hit in top)
