"""Sentences and words: spaCy for English, spaCy with a Hong Kong-aware jieba tokenizer for Chinese.

This module owns segmentation. Every pipeline is built once per process and shared (read-only).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import jieba
import spacy
from spacy.language import Language
from spacy.pipeline.sentencizer import Sentencizer
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from workbench.text.language import is_han
from workbench.text.offsets import trim_span

jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()


@dataclass(frozen=True)
class Word:
    """A word: code-point span and its normal form (lower-cased lemma, or the Chinese word)."""

    start: int
    end: int
    norm: str


@dataclass(frozen=True)
class Analysis:
    """Sentences and words of a text, offsets relative to that text."""

    sentences: list[tuple[int, int]]
    words: list[Word]


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Character-for-character Traditional (incl. Hong Kong variants) → Simplified map.

    jieba's dictionary is Simplified; mapping one character to one character keeps every
    offset valid, so segmentation runs on the mapped text and positions come back unchanged.
    """
    base = resources.files("opencc") / "dictionary"
    table: dict[int, str] = {}
    variants: dict[str, str] = {}
    for name, target in (("HKVariantsRev.txt", variants), ("TSCharacters.txt", None)):
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) != 2:
                continue
            source, value = parts[0], parts[1].split(" ")[0]
            # jieba only segments runs of U+4E00–U+9FD5; a mapping outside that range would cut words.
            if len(source) != 1 or len(value) != 1 or not "\u4e00" <= value <= "\u9fd5":
                continue
            if target is not None:
                target[source] = value
            else:
                table[ord(source)] = value
    for variant, standard in variants.items():
        table[ord(variant)] = table.get(ord(standard), standard)
    return table


def to_simplified(text: str) -> str:
    """Map Traditional characters to Simplified one for one (same length)."""
    return text.translate(_t2s_table())


class ChineseSegmenter:
    """jieba over the character-mapped text, with Cantonese and Hong Kong domain words."""

    def __init__(self, *, extra_words: list[tuple[str, int | None]] | None = None):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word, freq in load_word_list() + (extra_words or []):
            self._jieba.add_word(to_simplified(word), freq)

    def cut(self, text: str) -> list[str]:
        """Words of the text, in the original characters, concatenating back to it."""
        mapped = to_simplified(text)
        assert len(mapped) == len(text)
        words: list[str] = []
        position = 0
        for piece in self._jieba.cut(mapped, HMM=True):
            words.append(text[position:position + len(piece)])
            position += len(piece)
        return _regroup(words)


# Numerals and determiners are words of their own before a measure word (PKU convention: 三 個, 每 名, 該 間).
_NUMERAL = re.compile(r"^([零〇一二兩两三四五六七八九十百千萬幾\d]+|[每該呢嗰這那哪邊])"
                      r"([個名年日月次項成位份本張間條隻件天歲元蚊宗單晚朝])$")
_THOUSANDS = re.compile(r"^\d{3}$")


def _regroup(words: list[str]) -> list[str]:
    """Apply the segmentation conventions jieba's dictionary does not follow."""
    result: list[str] = []
    for word in words:
        match = _NUMERAL.match(word)
        if match:
            result.extend(match.groups())
        elif _THOUSANDS.match(word) and len(result) >= 2 and result[-1] == "," and result[-2].isdigit():
            result[-2:] = [result[-2] + "," + word]  # 8,000 is one number
        else:
            result.append(word)
    return result


def load_word_list() -> list[tuple[str, int | None]]:
    """The packaged Cantonese and domain words (`word [freq]` lines, # comments)."""
    entries = []
    data = resources.files("workbench.text") / "data" / "hk_words.txt"
    for line in data.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        entries.append((parts[0], int(parts[1]) if len(parts) > 1 else None))
    return entries


class _SegmenterTokenizer:
    """A spaCy tokenizer calling ChineseSegmenter (spaCy's own jieba mode uses jieba's global dictionary)."""

    def __init__(self, vocab, segmenter: ChineseSegmenter):
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        words, spaces = get_words_and_spaces(self.segmenter.cut(text), text)
        return Doc(self.vocab, words=words, spaces=spaces)


@lru_cache(maxsize=1)
def english() -> Language:
    """Blank English pipeline: sentencizer and lookup lemmatizer (no trained model needed)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def _lemma_table():
    lemmatizer: Any = english().get_pipe("lemmatizer")  # spaCy types pipes as plain callables
    return lemmatizer.lookups.get_table("lemma_lookup")


def english_lemma(word: str) -> str:
    """Lower-cased lookup lemma of one English word."""
    lower = word.lower()
    return _lemma_table().get(lower, lower)


@lru_cache(maxsize=1)
def segmenter() -> ChineseSegmenter:
    """The shared Chinese segmenter."""
    with _lock:
        return ChineseSegmenter()


@lru_cache(maxsize=1)
def chinese() -> Language:
    """Blank Chinese pipeline whose tokenizer is the shared segmenter (sentences: see _analysis)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = _SegmenterTokenizer(nlp.vocab, segmenter())
    nlp.initialize()
    return nlp


def _norm_mixed(token: str) -> str:
    """Chinese words as they are; Latin words in mixed speech lemmatised like English."""
    if token.isascii() and any(c.isalpha() for c in token):
        return english_lemma(token)
    return token


def cut_chinese(text: str) -> list[str]:
    """Chinese words of a text (the segmentation benchmark scores this)."""
    return [w for w in segmenter().cut(text) if w.strip()]


def has_han(text: str) -> bool:
    """Whether the text contains any Chinese character."""
    return any(is_han(c) for c in text)


_FINAL_PUNCT = frozenset(Sentencizer.default_punct_chars)


def _analysis(doc: Doc, norm) -> Analysis:
    """Sentences and words in one pass over the tokens (doc.sents builds every token object again)."""
    text = doc.text
    starts: list[int] = []
    words: list[Word] = []
    # Chinese docs skip spaCy's sentencizer (its Python loop cost a third of an import); its rule is applied
    # here in the same pass: after a sentence-final mark, the first token that is not punctuation starts one.
    sentenced = doc.has_annotation("SENT_START")
    seen_final = False
    for token in doc:
        if sentenced:
            starts_here = token.is_sent_start
        else:
            final = token.text in _FINAL_PUNCT
            starts_here = seen_final and not token.is_punct and not final
            seen_final = (seen_final and not starts_here) or final
        if starts_here or not starts:
            starts.append(token.idx)
        if not token.is_space and not token.is_punct:
            words.append(Word(token.idx, token.idx + len(token.text), norm(token.text)))
    bounds = zip(starts, starts[1:] + [len(text)])
    # Trim the white space spaCy attaches to a sentence (a line break starts the next one).
    sentences = [(a, b) for a, b in (trim_span(text, a, b) for a, b in bounds) if b > a]
    return Analysis(sentences, words)


def analyse_many(texts: list[str], *, languages: list[str]) -> list[Analysis]:
    """Sentences and normalised words of texts in 'en', 'zh' or 'mixed', batching each pipeline with nlp.pipe."""
    results: list[Analysis | None] = [None] * len(texts)
    english_idx = [i for i, lang in enumerate(languages) if lang == "en"]
    other_idx = [i for i, lang in enumerate(languages) if lang != "en"]
    for index, doc in zip(english_idx, english().pipe((texts[i] for i in english_idx), disable=["lemmatizer"])):
        results[index] = _analysis(doc, english_lemma)
    for index, doc in zip(other_idx, chinese().pipe(texts[i] for i in other_idx)):
        results[index] = _analysis(doc, _norm_mixed)
    return [r for r in results if r is not None]
