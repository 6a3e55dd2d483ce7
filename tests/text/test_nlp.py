"""workbench.text.nlp: blank spaCy pipelines, English lemmas, Hong Kong Chinese segmentation, exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text.analysis import analyse_many
from workbench.text.nlp import cut_chinese, english, english_lemma, segmenter, to_simplified


def _words(text: str, language: str) -> list[tuple[str, str]]:
    return [(text[w.start:w.end], w.norm) for w in analyse_many([text], languages=[language])[0].words]


@pytest.mark.parametrize("word, lemma", [("confiscated", "confiscate"), ("was", "be"), ("Did", "do"),
                                         ("went", "go"), ("Passports", "passport"), ("threatened", "threaten")])
def test_english_lemmas_are_lower_cased_lookups(word, lemma):
    assert english_lemma(word) == lemma


def test_english_words_sentences_and_lemmas():
    text = "Did they say it was legal? The police CONFISCATED my passport.\nI went home."
    analysis = analyse_many([text], languages=["en"])[0]
    assert [text[s:e] for s, e in analysis.sentences] == [
        "Did they say it was legal?", "The police CONFISCATED my passport.", "I went home."]
    norms = dict(_words(text, "en"))
    assert norms["Did"] == "do" and norms["was"] == "be" and norms["CONFISCATED"] == "confiscate"
    assert "?" not in norms and "." not in norms  # punctuation is not a word


@pytest.mark.parametrize("word", ["佢哋", "唔係", "屋企", "勞資審裁處"])
def test_cantonese_and_domain_words_stay_whole(word):
    text = f"我聽講{word}好緊要，之後我哋再講。"
    assert word in cut_chinese(text)


def test_cantonese_sentence_segmentation():
    words = cut_chinese("佢哋唔係話過你可以返屋企咩？我去咗勞資審裁處，等咗三個月。")
    for word in ("佢哋", "唔係", "屋企", "勞資審裁處"):
        assert word in words
    index = words.index("三")
    assert words[index:index + 3] == ["三", "個", "月"]


@pytest.mark.parametrize("text, expected", [("三個月", ["三", "個", "月"]), ("兩年", ["兩", "年"]),
                                            ("每個月", ["每", "個", "月"]), ("8,000蚊", ["8,000", "蚊"])])
def test_numerals_are_split_from_measure_words(text, expected):
    assert cut_chinese(text) == expected


def test_segmenter_words_concatenate_back_to_the_text():
    text = "佢哋 話我欠咗 8,000 蚊，𠝹😀 我唔係好明。"
    assert "".join(segmenter().cut(text)) == text


ASTRAL_ZH = "我個名係𠝹😀佢哋收咗我本護照。我唔係想走😀！\n之後我返屋企𠝹。"
ASTRAL_EN = "I saw 😀 then 𠝹 came. Emoji 😀😀 again!\nWas it?"
ASTRAL_MIXED = "我 told 佢哋 I was confiscated 😀 by the 𠝹 police. 好驚呀！Then I went."


@pytest.mark.parametrize("text, language", [(ASTRAL_ZH, "zh"), (ASTRAL_EN, "en"), (ASTRAL_MIXED, "mixed")])
def test_word_and_sentence_offsets_slice_the_text_exactly(text, language):
    analysis = analyse_many([text], languages=[language])[0]
    assert analysis.words and analysis.sentences
    for word in analysis.words:
        piece = text[word.start:word.end]
        assert piece and piece == piece.strip()
        if language != "en":
            assert word.norm == piece or word.norm == english_lemma(piece)
    for start, end in analysis.sentences:
        assert text[start:end].strip() == text[start:end]
    assert "𠝹" in [text[w.start:w.end] for w in analysis.words]
    # sentences cover the text in order without overlapping
    assert all(a[1] <= b[0] for a, b in zip(analysis.sentences, analysis.sentences[1:]))


def test_chinese_sentences():
    analysis = analyse_many([ASTRAL_ZH], languages=["zh"])[0]
    assert [ASTRAL_ZH[s:e] for s, e in analysis.sentences] == [
        "我個名係𠝹😀佢哋收咗我本護照。", "我唔係想走😀！", "之後我返屋企𠝹。"]


def test_mixed_speech_lemmatises_the_english_words():
    norms = dict(_words(ASTRAL_MIXED, "mixed"))
    assert norms["confiscated"] == "confiscate" and norms["was"] == "be" and norms["佢哋"] == "佢哋"


def test_analyse_many_keeps_the_order_of_interleaved_languages():
    texts = ["The agency took it.", "佢哋收咗我本護照。", "I was afraid.", "我返屋企。"]
    results = analyse_many(texts, languages=["en", "zh", "en", "mixed"])
    assert len(results) == 4
    for text, result in zip(texts, results):
        assert result.sentences == [(0, len(text))]
    assert [w.norm for w in results[2].words] == ["i", "be", "afraid"]
    assert "屋企" in [w.norm for w in results[3].words]


def test_pipelines_are_built_once():
    assert english() is english()
    assert segmenter() is segmenter()
    assert english().pipe_names == ["sentencizer", "lemmatizer"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30))
def test_character_mapping_keeps_length(text):
    assert len(to_simplified(text)) == len(text)


def test_traditional_maps_to_simplified_for_jieba():
    assert to_simplified("勞資審裁處") == "劳资审裁处"


@pytest.mark.parametrize("text, language", [("Fine.\nNote: the phone rang.", "en"), ("好。\n之後我走咗。", "zh")])
def test_regression_sentences_do_not_start_with_a_line_break(text, language):
    """Sentence spans began with the '\\n' spaCy attaches to the next sentence ('\\nNote: …')."""
    first, second = analyse_many([text], languages=[language])[0].sentences
    assert text[second[0]:second[1]] == text.split("\n")[1]
    assert text[first[0]:first[1]] == text.split("\n")[0]
