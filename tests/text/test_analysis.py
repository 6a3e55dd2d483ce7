"""workbench.text.analysis: one pass over token arrays gives what spaCy's Doc path gave, in linear time."""

from __future__ import annotations

import gc
import subprocess
import sys
from functools import lru_cache

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from tests.helpers import REPO
from workbench.text import analysis
from workbench.text.analysis import (
    FINAL_PUNCT,
    MAX_PIECE,
    Analysis,
    Word,
    analyse_many,
    quiet_gc,
    sentences_many,
    word_spans,
)
from workbench.text.nlp import english, english_lemma, norm_mixed, segmenter
from workbench.text.offsets import trim_span


# -- the former implementation, kept here as the reference: spaCy Docs, one Token object per token ----------
@lru_cache(maxsize=1)
def _chinese_vocab():
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}}).vocab


def _reference_doc(text: str, language: str) -> Doc:
    if language == "en":
        return english()(text)   # tokenizer, sentencizer (and lemmatizer)
    words, spaces = get_words_and_spaces(segmenter().cut(text), text)
    return Doc(_chinese_vocab(), words=words, spaces=spaces)


def _reference(text: str, language: str) -> Analysis:
    doc = _reference_doc(text, language)
    norm = english_lemma if language == "en" else norm_mixed
    starts, words, seen_final = [], [], False
    sentenced = doc.has_annotation("SENT_START")
    for token in doc:
        if sentenced:
            starts_here = token.is_sent_start
        else:
            final = token.text in FINAL_PUNCT
            starts_here = seen_final and not token.is_punct and not final
            seen_final = (seen_final and not starts_here) or final
        if starts_here or not starts:
            starts.append(token.idx)
        if not token.is_space and not token.is_punct:
            words.append(Word(token.idx, token.idx + len(token.text), norm(token.text)))
    bounds = zip(starts, starts[1:] + [len(text)])
    return Analysis([(a, b) for a, b in (trim_span(text, a, b) for a, b in bounds) if b > a], words)


PIECES = ["The agency kept my passport.", "Did they pay you?", "No!", "I waited... three months.", "“Go home,” he said.",
          "佢哋收咗我本護照。", "我等咗三個月！", "你有冇去勞資審裁處？", "8,000蚊", "𠝹😀", "OK.", "Mr. Lee came.",
          " ", "  ", "\n", "\n\n", "\t", "。", "！？", "…", "(laughs)", "-", "e-mail", "don't"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.sampled_from(["en", "zh", "mixed"]))
def test_arrays_give_what_the_spacy_doc_path_gave(pieces, language):
    text = "".join(pieces)
    assert analyse_many([text], languages=[language]) == [_reference(text, language)]


def test_a_batch_of_texts_gives_what_each_text_gives_alone():
    texts = ["Fine.\n\nNote: the phone rang.", "", "。好。", "I was afraid", "佢哋收咗我本護照。OK? Then I went.", "  "]
    languages = ["en", "en", "zh", "en", "mixed", "zh"]
    assert analyse_many(texts, languages=languages) == [_reference(t, lang) for t, lang in zip(texts, languages)]


def test_sentences_carry_their_words_and_where_each_word_is():
    text = "她說：佢哋收咗我本護照。\nThe agency KEPT it."
    for language in ("en", "mixed"):
        expected = _reference(text, language)
        found = sentences_many([text], languages=[language], offsets=[100])[0]
        assert [(s.start - 100, s.end - 100) for s in found] == expected.sentences
        words = [Word(s.start - 100 + a, s.start - 100 + b, n)
                 for s in found for (a, b), n in zip(word_spans(s.spans), s.words.split(" ") if s.words else [])]
        assert words == expected.words


@pytest.mark.parametrize("language, unit", [("en", "word and more words. "), ("zh", "我去咗勞資審裁處。")])
def test_long_texts_are_cut_into_pieces_at_a_sentence_end(language, unit, monkeypatch):
    monkeypatch.setattr(analysis, "MAX_PIECE", 100)
    text = unit * 40
    cuts = analysis._pieces(text)
    assert len(cuts) > 3 and cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(b - a <= 100 and b == c for (a, b), (c, _d) in zip(cuts, cuts[1:]))
    assert all(text[b - 1] in ".。 " for _a, b in cuts[:-1])
    assert analyse_many([text], languages=[language]) == [_reference(text, language)]


def test_regression_a_turn_over_a_million_characters_is_analysed_not_refused():
    """spaCy refused texts over 1,000,000 characters (E088) with a traceback that aborted the import batch."""
    text = "Participant said the agency kept the passport " * 23_000   # 1,058,000 characters, no sentence end
    assert len(text) > 1_000_000 and len(text) > 10 * MAX_PIECE
    found = sentences_many([text], languages=["en"])[0]
    assert sum(len(s.words.split(" ")) for s in found) == 7 * 23_000
    assert all(s.end - s.start <= MAX_PIECE for s in found)
    assert found[0].start == 0 and found[-1].end == len(text.rstrip())


def test_only_the_languages_present_build_a_pipeline():
    script = ("from workbench.text import analysis, nlp\n"
              "analysis.analyse_many(['The agency kept it.'], languages=['en'])\n"
              "print(nlp.segmenter.cache_info().currsize, nlp.english.cache_info().currsize)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["0", "1"]


def test_quiet_gc_pauses_collection_and_restores_it_once():
    assert gc.isenabled()
    with quiet_gc():
        assert not gc.isenabled()
        with quiet_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with quiet_gc():
            pass
        assert not gc.isenabled()   # it was off before: it stays off
    finally:
        gc.enable()
