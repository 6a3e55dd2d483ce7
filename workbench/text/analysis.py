"""Sentences and words of texts, in one pass over token arrays per batch of texts.

English goes through spaCy's tokenizer, Chinese (and mixed speech) through the Hong Kong jieba segmenter
(workbench/text/nlp.py). No per-token Python objects are made: each batch of texts becomes arrays (start,
end, is it a word, does it start a sentence) and the normal forms of its words, looked up once per distinct
token. Sentences follow spaCy's sentencizer rule, applied to the arrays: after a sentence-final mark, the
next token that is neither punctuation nor a final mark starts a sentence; the first token of a text does
too. Sentence spans are trimmed of white space; a word is punctuation-free and not white space; its normal
form is the lower-cased lookup lemma (English) or the Chinese word itself (Latin words in mixed speech are
lemmatised like English). Texts over MAX_PIECE characters are analysed in pieces cut at a line break, a
sentence end or a space, so spaCy's length limit (E088 at 1,000,000 characters) is never reached.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH
from spacy.lang.lex_attrs import is_punct
from spacy.pipeline.sentencizer import Sentencizer

from workbench.text.nlp import english, english_lemma, norm_mixed, segmenter

FINAL_PUNCT = frozenset(Sentencizer.default_punct_chars)
MAX_PIECE = 100_000
_PIECE_CUTS = (re.compile(r"\n"), re.compile(r"[.!?。！？]\s*"), re.compile(r"\s"))


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


class Sentence(NamedTuple):
    """A sentence: its span, its words (normal forms, space-separated) and where each word is.

    `spans` holds little-endian int32 (start, end) pairs, one per word, in code points from the sentence
    start: what `segments.word_spans` stores (decode with `word_spans`).
    """

    start: int
    end: int
    words: str
    spans: bytes


def word_spans(spans: bytes) -> list[tuple[int, int]]:
    """Decode a sentence's word spans (see Sentence.spans)."""
    return [(int(a), int(b)) for a, b in np.frombuffer(spans, dtype="<i4").reshape(-1, 2)]


_gc_lock = threading.Lock()
_gc_state = {"depth": 0, "was_enabled": True}


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during an analysis (it frees nothing there and cost a quarter of the
    time); nested and concurrent uses restore it once, when the last one ends."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


class _Cache(dict):
    """A dict that fills itself from a function; with map() a lookup costs no Python frame."""

    def __init__(self, fill: Callable):
        super().__init__()
        self.fill = fill

    def __missing__(self, key):
        value = self[key] = self.fill(key)
        return value


@dataclass
class _Tokens:
    """The tokens of a batch of texts laid end to end (positions in the joined texts)."""

    starts: np.ndarray      # int64
    ends: np.ndarray
    is_word: np.ndarray     # neither white space nor punctuation
    space: np.ndarray
    punct: np.ndarray
    final: np.ndarray       # a sentence-final mark
    firsts: np.ndarray      # index of the first token of each text that has any
    norms: list[str]        # normal form of each word, in order


@lru_cache(maxsize=1)
def _english_lookups() -> tuple[_Cache, int]:
    """Lemmas by spaCy string hash (filled on first sight), and a lexeme flag for the sentence-final marks."""
    vocab = english().vocab
    text_of: Callable[[int], str] = vocab.strings.__getitem__   # a hash gives its string (spaCy's stubs say int)
    return _Cache(lambda orth: english_lemma(text_of(orth))), vocab.add_flag(lambda text: text in FINAL_PUNCT)


def _english_tokens(texts: list[str]) -> _Tokens:
    tokenizer = english().tokenizer   # called directly: nlp.max_length (E088) guards parsers we do not run
    lemmas, final_flag = _english_lookups()
    arrays, firsts, base, count = [], [], 0, 0
    for text in texts:
        array = tokenizer(text).to_array([ORTH, IDX, LENGTH, IS_SPACE, IS_PUNCT, final_flag])
        if len(array):
            array[:, 1] += np.uint64(base)
            arrays.append(array)
            firsts.append(count)
            count += len(array)
        base += len(text)
    table = np.concatenate(arrays) if arrays else np.zeros((0, 6), dtype=np.uint64)
    orth, starts = table[:, 0], table[:, 1].astype(np.int64)
    space, punct = table[:, 3].astype(bool), table[:, 4].astype(bool)
    is_word = ~(space | punct)
    return _Tokens(starts, starts + table[:, 2].astype(np.int64), is_word, space, punct, table[:, 5].astype(bool),
                   np.array(firsts, dtype=np.int64), list(map(lemmas.__getitem__, orth[is_word].tolist())))


_SPACE, _PUNCT, _FINAL = 1, 2, 4


@lru_cache(maxsize=1)
def _chinese_lookups() -> tuple[_Cache, _Cache]:
    """Per distinct token: white space, punctuation and final mark as bits (spaCy's lexeme flags); its normal form."""
    return (_Cache(lambda t: _SPACE * t.isspace() | _PUNCT * is_punct(t) | _FINAL * (t in FINAL_PUNCT)),
            _Cache(norm_mixed))


def _chinese_tokens(texts: list[str]) -> _Tokens:
    """jieba's words as the tokens spaCy's get_words_and_spaces makes of them (without its quadratic search)."""
    flags, norms = _chinese_lookups()
    spans: list[tuple[int, int]] = []
    firsts, base = [], 0
    for text in texts:
        first, position, consumed = len(spans), 0, 0
        for piece in segmenter().cut(text):
            begin, position = position, position + len(piece)
            if piece.isspace():
                continue
            if begin > consumed:          # the white space between two words is one token …
                spans.append((base + consumed, base + begin))
            spans.append((base + begin, base + position))
            consumed = position + 1 if text[position:position + 1] == " " else position  # … less one space after
        if consumed < len(text):
            spans.append((base + consumed, base + len(text)))
        if len(spans) > first:
            firsts.append(first)
        base += len(text)
    joined = "".join(texts)
    tokens = [joined[a:b] for a, b in spans]
    bits = np.fromiter(map(flags.__getitem__, tokens), dtype=np.int8, count=len(tokens))
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    is_word = bits & (_SPACE | _PUNCT) == 0
    return _Tokens(bounds[:, 0], bounds[:, 1], is_word, bits & _SPACE > 0, bits & _PUNCT > 0, bits & _FINAL > 0,
                   np.array(firsts, dtype=np.int64), [norms[t] for t, keep in zip(tokens, is_word.tolist()) if keep])


def _sentence_starts(tokens: _Tokens) -> np.ndarray:
    """Which tokens start a sentence (the sentencizer's rule, restarted at each text's first token)."""
    starts = np.zeros(len(tokens.starts), dtype=bool)
    starts[tokens.firsts] = True
    where = np.flatnonzero(~tokens.punct & ~tokens.final)
    if not len(where):
        return starts
    finals_before = np.concatenate(([0], np.cumsum(tokens.final)[:-1]))
    seen = finals_before[where]
    previous = np.concatenate(([0], seen[:-1]))
    text_of = np.searchsorted(tokens.firsts, where, side="right") - 1
    first_in_text = np.concatenate(([True], text_of[1:] != text_of[:-1]))
    previous[first_in_text] = finals_before[tokens.firsts[text_of[first_in_text]]]
    starts[where[seen > previous]] = True
    return starts


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of at most MAX_PIECE characters covering the text, cut at a line break, sentence end or space."""
    pieces, start, limit = [], 0, MAX_PIECE
    while len(text) - start > limit:
        window = text[start + limit // 2:start + limit]
        cut = limit
        for pattern in _PIECE_CUTS:
            found = [m.end() for m in pattern.finditer(window)]
            if found:
                cut = limit // 2 + found[-1]
                break
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, len(text)))
    return pieces


@dataclass
class _Found:
    """The sentences of a batch of texts: (text index, start, end, first word, end word), and every word's
    (start, end) in its text with its normal form."""

    sentences: list[tuple[int, int, int, int, int]]
    places: np.ndarray
    norms: list[str]


def _analyse(texts: list[str], languages: list[str]) -> list[_Found]:
    """Sentences and words of texts, one batch per tokenizer (a pipeline is built only for a language present)."""
    found = []
    for english_side in (True, False):
        chosen = [i for i, lang in enumerate(languages) if (lang == "en") == english_side]
        if chosen:
            pieces = [(i, a, texts[i][a:b]) for i in chosen for a, b in _pieces(texts[i])]
            tokens = (_english_tokens if english_side else _chinese_tokens)([p[2] for p in pieces])
            found.append(_sentences(tokens, pieces))
    return found


def _sentences(tokens: _Tokens, pieces: list[tuple[int, int, str]]) -> _Found:
    """Sentence spans and word places in each text, from positions in the joined pieces.

    A sentence runs from its first token to the next sentence's; its span is trimmed to its first and last tokens
    that are not white space (no token mixes white space with other characters), and one without any is dropped.
    """
    lengths = np.array([len(p[2]) for p in pieces], dtype=np.int64)
    piece_ends = np.cumsum(lengths)
    shift = np.array([offset for _i, offset, _t in pieces], dtype=np.int64) - (piece_ends - lengths)
    owner = np.array([index for index, _o, _t in pieces], dtype=np.int64)
    firsts = np.flatnonzero(_sentence_starts(tokens))
    bounds = np.append(firsts, len(tokens.starts))
    solid = np.flatnonzero(~tokens.space)
    low = np.searchsorted(solid, bounds[:-1])
    high = np.searchsorted(solid, bounds[1:]) - 1
    keep = high >= low
    starts, ends = tokens.starts[solid[low[keep]]], tokens.ends[solid[high[keep]]]
    piece = np.searchsorted(piece_ends, starts, side="right")
    word_at = np.concatenate(([0], np.cumsum(tokens.is_word)))[bounds]
    sentences = list(zip(owner[piece].tolist(), (starts + shift[piece]).tolist(), (ends + shift[piece]).tolist(),
                         word_at[:-1][keep].tolist(), word_at[1:][keep].tolist()))
    places = np.stack([tokens.starts[tokens.is_word], tokens.ends[tokens.is_word]], axis=1)
    places += shift[np.searchsorted(piece_ends, places[:, 0], side="right")][:, None]
    return _Found(sentences, places, tokens.norms)


def analyse_many(texts: list[str], *, languages: list[str]) -> list[Analysis]:
    """Sentences and normalised words of texts in 'en', 'zh' or 'mixed' (offsets relative to each text)."""
    results: list[Analysis] = [Analysis([], []) for _ in texts]
    for found in _analyse(texts, languages):
        places = found.places.tolist()
        for text_index, start, end, i, j in found.sentences:
            results[text_index].sentences.append((start, end))
            results[text_index].words.extend(map(Word, *zip(*places[i:j]), found.norms[i:j]) if j > i else ())
    return results


def sentences_many(texts: list[str], *, languages: list[str], offsets: list[int] | None = None) -> list[list[Sentence]]:
    """Sentences of texts with their words and word spans (what the importer stores); sentence offsets are in each
    text, plus that text's entry in `offsets` when given (a turn's place in its transcript)."""
    results: list[list[Sentence]] = [[] for _ in texts]
    for found in _analyse(texts, languages):
        owners = np.repeat([s[1] for s in found.sentences], [s[4] - s[3] for s in found.sentences])
        spans = (found.places - owners.astype(np.int64)[:, None]).astype("<i4").tobytes()
        for text_index, start, end, i, j in found.sentences:
            shift = offsets[text_index] if offsets else 0
            results[text_index].append(Sentence(start + shift, end + shift, " ".join(found.norms[i:j]),
                                                spans[8 * i:8 * j]))
    return results
