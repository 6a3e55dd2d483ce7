"""workbench.services.suggest.rules: lemma matching, Chinese variants, negation, evidence, scores."""

from __future__ import annotations

import pytest

from tests.helpers import SHIPPED_CODEBOOK
from workbench.services.codebook import load_codebook
from workbench.services.suggest.rules import compile_rules, rule_score, rules_for_codebook, stem
from workbench.services.suggest.units import units_from_texts

PASSPORT = "exploitation/document_retention"
WAGES = "exploitation/wage_withholding"
DELAY = "barriers/delay"


def hits(rules, text):
    return rules.score(units_from_texts([text])[0])


@pytest.mark.parametrize("text", ["My employer confiscated her passport.", "They were confiscating passports.",
                                  "The passports were confiscated by the agency."])
def test_english_matches_on_lemmas(rules, text):
    found = hits(rules, text)
    assert list(found)[0] == PASSPORT
    assert "passport" in found[PASSPORT].evidence.lower()


def test_near_match_in_any_order_counts_more_than_one_word(rules):
    near = hits(rules, "She confiscated her passport.")[PASSPORT]
    alone = hits(rules, "She mentioned her passport.")[PASSPORT]
    assert near.evidence == "confiscated her passport"
    assert near.raw > alone.raw


def test_patterns_go_through_the_same_normalisation_as_texts():
    rules = compile_rules([("x", {"en": ["passport confiscation"]})])
    assert list(hits(rules, "they confiscated her passport")) == ["x"]
    assert stem("confiscation") == stem("confiscate") == "confisc"


@pytest.mark.parametrize("text", ["佢話護照被收咗。", "老闆收走護照。", "中介扣起護照唔俾返我。", "佢哋收咗我本護照。",
                                  "护照被收走了。"])
def test_chinese_variants_match(rules, text):
    found = hits(rules, text)
    assert list(found)[0] == PASSPORT
    assert found[PASSPORT].evidence


def test_longer_chinese_pattern_scores_higher_than_the_bare_word(rules):
    assert hits(rules, "老闆收走護照。")[PASSPORT].raw > hits(rules, "我有護照。")[PASSPORT].raw


def test_spaced_chinese_pattern_needs_its_parts_close_together():
    rules = compile_rules([("x", {"zh": ["收 護照"]})])
    assert hits(rules, "佢哋收咗我本護照。")["x"].evidence == "收咗我本護照"
    assert hits(rules, "護照一落機就被收。")["x"].evidence == "護照一落機就被收"
    assert hits(rules, "佢收咗好多好多好多好多嘢，之後先講護照") == {}
    assert hits(rules, "佢收咗錢。護照喺度。") == {}


def test_one_character_pattern_must_be_a_whole_word(rules):
    assert PASSPORT not in hits(rules, "保証金好貴")  # 証 inside 保証 is not the pattern 証


def test_negation_lowers_the_score_but_keeps_the_match(rules):
    plain = hits(rules, "The employer kept my passport.")[PASSPORT]
    negated = hits(rules, "The employer never kept my passport.")[PASSPORT]
    assert 0 < negated.raw < plain.raw
    assert "negated?" in negated.evidence
    zh_plain, zh_negated = hits(rules, "佢收走護照。")[PASSPORT], hits(rules, "如果收走護照就犯法。")[PASSPORT]
    assert 0 < zh_negated.raw < zh_plain.raw


def test_hypothetical_cue_lowers_the_score(rules):
    hypothetical = hits(rules, "If they delay the hearing")[DELAY]
    assert hypothetical.raw < hits(rules, "They delay the hearing")[DELAY].raw


def test_a_cue_inside_the_codes_own_match_is_not_a_negation(rules):
    found = hits(rules, "They did not pay the salary.")[WAGES]
    assert "negated" not in found.evidence


def test_mixed_text_uses_both_matchers(rules):
    found = hits(rules, "我等咗好耐, the employer kept my passport")
    assert {PASSPORT, DELAY} <= set(found)


def test_no_match_no_hit(rules):
    assert hits(rules, "The weather was lovely.") == {}
    assert hits(rules, "") == {}


def test_scores_are_in_0_1_and_monotone():
    values = [rule_score(r) for r in (0, 0.5, 1, 2, 5, 50)]
    assert values == sorted(values) and values[0] == 0 and all(0 <= v < 1 for v in values)


def test_more_distinct_evidence_scores_higher(rules):
    one = hits(rules, "They had unpaid wages.")[WAGES]
    two = hits(rules, "They had unpaid wages and a tiny salary.")[WAGES]
    assert two.raw > one.raw and two.evidence == "unpaid wages; salary"


def test_weight_of_a_pattern_counts(rules):
    assert hits(rules, "a document").get(PASSPORT).raw < hits(rules, "a passport").get(PASSPORT).raw


def test_fingerprint_changes_with_patterns(rules):
    other = compile_rules([("x", {"en": ["passport"]})])
    assert other.fingerprint != rules.fingerprint
    assert compile_rules([("x", {"en": ["passport"]})]).fingerprint == other.fingerprint


@pytest.mark.skipif(not SHIPPED_CODEBOOK.exists(), reason="the shipped codebook is not written yet")
@pytest.mark.parametrize("text", ["My employer confiscated her passport.", "護照被收", "收走護照", "扣起護照"])
def test_shipped_codebook_finds_document_retention(text):
    from workbench.services.codebook import load_codebook

    found = rules_for_codebook(load_codebook(SHIPPED_CODEBOOK)).score(units_from_texts([text])[0])
    assert list(found)[0] == PASSPORT


def test_sentence_start_pattern_matches_an_imperative_only():
    rules = compile_rules([("voice/recommendations", {"en": ["^ enact"]})])
    assert list(hits(rules, "Enact a comprehensive anti-trafficking law.")) == ["voice/recommendations"]
    assert not hits(rules, "The government did not enact a law.")       # not the first word
    assert not hits(rules, "Enacted in 2018, the ordinance raised fines.")  # not the base form


def test_two_character_chinese_pattern_does_not_straddle_words():
    # regression: 求其 (Cantonese "perfunctory") was found inside 要求其傭工 ("asked his helper")
    rules = compile_rules([("barriers/distrust_authorities", {"zh": ["求其"]})])
    assert not hits(rules, "被告每月均要求其傭工簽署工資收據。")
    assert list(hits(rules, "警察好求其咁幫我落口供。")) == ["barriers/distrust_authorities"]


# -- synonyms and Cantonese (issue 14) ------------------------------------------------------------------------------
SYNONYM_KEYWORDS = {PASSPORT: {"en": ["confiscate passport"], "zh": ["扣起 護照", "扣留"]},
                    DELAY: {"en": ["delay"], "zh": ["唔俾 放假"]}}


@pytest.fixture(scope="module")
def synonym_rules():
    return compile_rules(SYNONYM_KEYWORDS.items())


@pytest.mark.parametrize("text", ["The employer seized her passport.", "Her passport was withheld by the agency.",
                                  "僱主沒收咗佢本護照", "佢哋收埋我本護照", "護照被扣押"])
def test_a_pattern_meets_its_synonyms_at_a_little_less_weight(synonym_rules, text):
    found = hits(synonym_rules, text)
    assert PASSPORT in found
    match = found[PASSPORT].matches[0]
    assert match.pattern.synonym and match.pattern.text in ("confiscate passport", "扣起 護照")
    written = hits(synonym_rules, "僱主扣起佢本護照" if match.pattern.lang == "zh" else "They confiscated her passport.")
    assert written[PASSPORT].matches[0].contribution > match.contribution


def test_a_one_word_pattern_is_not_carried_to_its_synonyms(synonym_rules):
    """扣留 alone (detention as much as retention) must not spread to 收起, 拿走 …"""
    assert PASSPORT not in hits(synonym_rules, "她把雨傘收起")
    assert PASSPORT in hits(synonym_rules, "她被扣留")


def test_cantonese_meets_written_chinese(synonym_rules):
    """唔俾 is written 不給: a pattern written either way matches the other."""
    assert DELAY in hits(synonym_rules, "僱主唔俾佢放假")
    assert DELAY in hits(synonym_rules, "僱主不給她放假")


def test_the_shipped_codebook_does_not_read_a_language_name_or_a_training_centre_as_the_topic():
    """A mention of Cantonese is not a language barrier; a training centre is not agency fees (issue 14)."""
    rules = rules_for_codebook(load_codebook(SHIPPED_CODEBOOK))
    mention = hits(rules, "Before coming to Hong Kong she spent four months at a training centre learning Cantonese.")
    assert all(h.score < 0.35 for h in mention.values())
    barrier = hits(rules, "She could not speak Cantonese and nobody interpreted for her at the police station.")
    assert list(barrier)[0] == "barriers/language_interpretation" and barrier[list(barrier)[0]].score > 0.55
    assert list(hits(rules, "佢唔識講廣東話，警察又冇安排傳譯。"))[0] == "barriers/language_interpretation"


def test_reported_speech_and_denials_keep_the_topic(rules):
    """'She said …', 'the employer denied …' report the matter: the match keeps its full weight."""
    plain = hits(rules, "Her employer confiscated her passport.")[PASSPORT]
    reported = hits(rules, "She told the police that her employer confiscated her passport.")[PASSPORT]
    denied = hits(rules, "The employer denied that he confiscated her passport.")[PASSPORT]
    assert reported.raw == pytest.approx(plain.raw) and denied.raw == pytest.approx(plain.raw)
    assert not reported.matches[0].negated and not denied.matches[0].negated


def test_a_negation_does_not_reach_across_a_clause(rules):
    negated = hits(rules, "They did not confiscate her passport.")[PASSPORT]
    across = hits(rules, "No, they confiscated her passport.")[PASSPORT]
    assert negated.matches[0].negated and not across.matches[0].negated and across.raw > negated.raw
