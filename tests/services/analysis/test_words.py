"""workbench.services.analysis.words and kwic: lemmas and jieba words without stop words; KWIC lines."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from workbench.services.analysis import keyword_in_context, word_frequencies
from workbench.services.analysis.words import count_words
from workbench.text.stopwords import stop_words

CODE = "exploitation/document_retention"


def test_stop_lists_hold_cantonese_particles_and_english_function_words():
    assert {"嘅", "咗", "啲", "喺", "㗎", "啦", "囉", "喎", "唔好", "緊", "有時", "而家"} <= stop_words("zh")
    assert {"the", "be", "and", "i"} <= stop_words("en")


def test_words_per_code_come_from_coded_sentences_without_stop_words(demo_study):
    table = word_frequencies(demo_study, by="code", top=30)
    mine = table[table["code"] == CODE]
    assert {"passport", "護照"} <= set(mine["word"])
    assert not set(table["word"]) & stop_words("all")
    assert set(mine["language"]) == {"en", "zh"}


def test_word_counts_equal_a_count_over_the_coded_sentences(demo_study):
    sentences = demo_study.db.execute(
        "SELECT DISTINCT s.id, s.words FROM codings k JOIN segments s ON s.transcript_id = k.transcript_id "
        "AND s.kind = 'sentence' AND s.start < k.\"end\" AND k.start < s.\"end\" WHERE k.code_id = ?",
        [CODE]).fetchall()
    texts = [words.lower().split() for _, words in sentences]
    counts = Counter(w for words in texts for w in words)
    pairs = Counter(" ".join(p) for words in texts for p in zip(words, words[1:]))
    table = word_frequencies(demo_study, by="code", top=8)
    for row in table[table["code"] == CODE].to_dict("records"):
        assert row["count"] == (pairs[row["word"]] if " " in row["word"] else counts[row["word"]])


def test_words_per_group_over_all_speech(demo_study):
    coded = word_frequencies(demo_study, by="group", top=10)
    spoken = word_frequencies(demo_study, by="group", top=10, coded_only=False)
    assert set(coded["group"]) == set(spoken["group"]) == {"survivor", "stakeholder"}
    assert spoken["count"].max() >= coded["count"].max()
    chinese = word_frequencies(demo_study, by="group", language="zh")
    assert set(chinese["language"]) == {"zh"}


def test_count_words_drops_non_words_and_single_letters():
    rows = pd.DataFrame({"key": ["a", "a"], "language": ["en", "zh"], "words": ["the passport 2018 x , passport",
                                                                              "佢 收 咗 護照 護照"]})
    table = count_words(rows)
    assert dict(zip(table["word"], table["count"])) == {"passport": 2, "護照": 2, "收": 1}


def test_keyword_in_context_inside_one_code(demo_study):
    lines = keyword_in_context(demo_study, "passports", code=CODE)
    assert len(lines) > 0
    assert all(m.lower().startswith("passport") for m in lines["match"])
    everywhere = keyword_in_context(demo_study, "passport")
    assert len(everywhere) >= len(lines)


def test_names_that_always_occur_together_count_as_one_term(demo_study):
    table = word_frequencies(demo_study, by="group", top=40)
    assert "hong kong" in set(table["word"])
    assert not {"hong", "kong"} & set(table["word"])


def test_count_words_joins_only_words_that_are_never_apart():
    rows = pd.DataFrame({"key": ["a"] * 4, "language": ["en"] * 4, "words": [
        "hong kong labour tribunal", "hong kong labour department", "labour tribunal hong kong", "the labour"]})
    table = count_words(rows)
    assert dict(zip(table["word"], table["count"])) == {"hong kong": 3, "labour": 4, "tribunal": 2, "department": 1}
