"""workbench.services.suggest.synonyms: the classes as written, and the variants they make of a pattern."""

from __future__ import annotations

from workbench.services.suggest.patterns import SYNONYM_FACTOR, zh_fold
from workbench.services.suggest.synonyms import chinese_variants, english_variants, synonym_classes


def test_classes_are_read_from_the_data_files_without_comments():
    english, chinese = synonym_classes("en"), synonym_classes("zh")
    assert ("confiscate", "seize", "withhold", "retain") in english
    assert any("扣起" in c and "沒收" in c for c in chinese)
    assert all(len(c) > 1 and not c[0].startswith("#") for c in english + chinese)


def test_a_two_word_english_pattern_gets_variants_at_a_lower_weight():
    variants = english_variants(("code", "confiscate passport", 1.0, ("confisc", "passport"), ["confiscate", "passport"]))
    assert variants[0][2] == 1.0 and {v[2] for v in variants[1:]} == {SYNONYM_FACTOR}
    assert ("seiz", "passport") in {v[3] for v in variants} or ("seize", "passport") in {v[3] for v in variants}
    assert english_variants(("code", "confiscate", 1.0, ("confisc",), ["confiscate"])) == [
        ("code", "confiscate", 1.0, ("confisc",), ["confiscate"])]


def test_a_chinese_member_is_replaced_only_inside_a_longer_pattern():
    parts = (zh_fold("扣起"), zh_fold("護照"))
    variants = chinese_variants("code", "扣起 護照", 1.0, parts)
    assert (zh_fold("沒收"), zh_fold("護照")) in {v[3] for v in variants}
    assert (zh_fold("扣起"), zh_fold("身份證")) in {v[3] for v in variants}
    assert chinese_variants("code", "扣留", 1.0, (zh_fold("扣留"),)) == [("code", "扣留", 1.0, (zh_fold("扣留"),))]
