"""The segmentation tools: spaCy's English tokenizer and lemmas, a Hong Kong-aware jieba segmenter for Chinese.

Every pipeline is built once per process, on first use, and shared (read-only). Sentences and words of a
text are made from these tools by workbench/text/analysis.py.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

import jieba
import spacy
from spacy.language import Language

from workbench.text.language import is_han

jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()


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
_MEASURE_WORDS = "個名年日月次項成位份本張間條隻件天歲元蚊宗單晚朝"
_NUMERAL = re.compile(r"^([零〇一二兩两三四五六七八九十百千萬幾\d]+|[每該呢嗰這那哪邊])" f"([{_MEASURE_WORDS}])$")
_THOUSANDS = re.compile(r"^\d{3}$")


def _regroup(words: list[str]) -> list[str]:
    """Apply the segmentation conventions jieba's dictionary does not follow."""
    result: list[str] = []
    for word in words:
        match = _NUMERAL.match(word) if word[-1:] and word[-1] in _MEASURE_WORDS else None   # the regex only for likely words
        if match:
            result.extend(match.groups())
        elif len(word) == 3 and _THOUSANDS.match(word) and len(result) >= 2 and result[-1] == "," \
                and result[-2].isdigit():
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


def norm_mixed(token: str) -> str:
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
