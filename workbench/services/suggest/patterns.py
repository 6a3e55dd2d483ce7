"""Compiled keyword patterns, their matches and per-code rule hits, and the scoring constants of the rules."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from workbench.text.nlp import to_simplified

NEGATION_EN = frozenset({"not", "n't", "never", "no", "if", "would", "unless"})
_NEGATION_ZH = ("冇", "沒有", "唔係", "未", "如果", "假如", "若果", "並非", "不是")
NEGATION_FACTOR = 0.55      # weight of a match with a cue just before it
SYNONYM_FACTOR = 0.9        # weight of a pattern matched through a synonym class (text/data/synonyms_*.txt)
NEAR_FACTOR = 0.8           # weight of an English near (non-contiguous) match, or a spaced Chinese one
CONTAINED_FACTOR = 0.5      # a match inside a longer match of another code
SHARED_PENALTY = 0.1        # a pattern inside patterns of n codes counts 1 / (1 + 0.1 (n - 1)): a mild idf
DECAY = 0.5                 # 2nd distinct match counts half, 3rd a quarter…
SCALE = 1.5                 # score = 1 - exp(-raw / SCALE)
EN_WINDOW = 2               # near match: at most this many extra words between the content words
GENERIC_CODES = 6           # an English word in the patterns of this many codes is too generic to anchor a near match
EN_CUE_WINDOW = 3           # words before a match searched for a cue
ZH_GAP = 6                  # spaced Chinese pattern: at most this many characters between parts
ZH_CUE_WINDOW = 4           # characters before a match searched for a cue
# spaCy's stop list minus words that carry meaning in this domain (take/keep a passport, call the police, alone…)
_KEEP = {"not", "no", "never", "without", "nothing", "none", "off", "out", "back", "down", "up", "take", "keep",
         "give", "get", "make", "made", "call", "put", "move", "see", "show", "say", "go", "become", "full", "empty",
         "name", "part", "amount", "first", "last", "alone", "against", "serious", "used", "front", "side"}
STOP_EN = frozenset(w for w in STOP_WORDS if w not in _KEEP) | {"'s", "’s"}
# No "-er": agent nouns are their own concepts (employer ≠ employment, lender, worker, trafficker).
_SUFFIXES = ("ations", "ation", "ated", "ates", "ate", "ments", "ment", "ings", "ing", "ions", "ion",
             "ed", "es", "s", "e")
CLAUSE_END = re.compile(r"[。！？；!?;\n，,：:]")  # negation does not reach across a clause
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
# Cantonese function words and pronouns folded onto their written-Chinese equivalents, one character for one, so
# that 佢唔俾我出街 meets 他不給我出街 and 冇假放 meets 無假放 (after the Simplified mapping; offsets unchanged).
# 呃 (cheat) is left alone: it is also the commonest hesitation sound in transcripts.
_CANTONESE = {ord(k): v for k, v in {"佢": "他", "她": "他", "唔": "不", "冇": "无", "咗": "了", "嘅": "的", "俾": "给",
                                      "畀": "给", "喺": "在", "嚟": "来", "睇": "看", "讲": "说", "搵": "找", "揾": "找",
                                      "啲": "些", "攞": "拿", "哋": "们"}.items()}


# Words whose stem would meet an unrelated word (department/depart, station/state, statement/state, …).
_NO_STEM = frozenset({"department", "apartment", "document", "statement", "state", "station", "moment", "comment",
                      "element", "mission", "pension", "question", "position", "condition", "section", "session",
                      "opinion", "union", "nation", "basement", "garment", "organ", "organisation",
                      "organization", "general", "generation"})


def stem(norm: str) -> str:
    """A light suffix stem of a lower-cased English lemma (other words unchanged)."""
    if len(norm) <= 4 or norm in _NO_STEM or not norm.isascii() or not norm.isalpha():
        return norm
    for suffix in _SUFFIXES:
        if norm.endswith(suffix) and len(norm) - len(suffix) >= 4:
            return norm[: -len(suffix)]
    return norm


def zh_fold(text: str) -> str:
    """Text mapped for Chinese substring matching: Simplified characters, written forms of Cantonese words, ASCII
    lower case (same length)."""
    return to_simplified(text).translate(_CANTONESE).translate(_ASCII_LOWER)


NEGATION_ZH = tuple(dict.fromkeys(zh_fold(c) for c in _NEGATION_ZH))


@dataclass(frozen=True)
class Pattern:
    """One compiled keyword pattern of a code."""

    code: str
    text: str
    lang: str
    weight: float
    keys: tuple[str, ...]          # English: stemmed lemmas; Chinese: folded parts
    content: frozenset[str] = frozenset()
    near_ok: bool = False          # English: may match with its content words apart, in any order
    shared: int = 1                # how many codes have a pattern containing this one (1: only its own)
    sentence_start: bool = False   # English "^ enact": only as the first word of a sentence, in its base form
    synonym: bool = False          # a variant of the written pattern through a synonym class

    @property
    def specificity(self) -> float:
        """Longer patterns are more specific and count more."""
        if self.lang == "en":
            return {0: 0.8, 1: 1.0, 2: 1.4}.get(len(self.content), 1.7)
        chars = sum(len(k) for k in self.keys)
        return 0.6 if chars == 1 else 1.0 if chars == 2 else 1.3 if chars == 3 else 1.6


@dataclass
class Match:
    """A pattern found in a unit: span (token indices for English, characters for Chinese)."""

    pattern: Pattern
    start: int
    end: int
    near: bool
    cue: int          # where a negation/hypothetical cue before the match starts, or -1
    surface: str

    @property
    def negated(self) -> bool:
        """Whether a cue lowers this match (a cue inside another match of the same code does not)."""
        return self.cue >= 0

    @property
    def contribution(self) -> float:
        """This match's weight towards its code's score."""
        value = self.pattern.weight * self.pattern.specificity / (1 + SHARED_PENALTY * (self.pattern.shared - 1))
        return value * (NEAR_FACTOR if self.near else 1.0) * (NEGATION_FACTOR if self.negated else 1.0)


@dataclass
class RuleHit:
    """A code's rule score for one unit and the matches behind it."""

    code: str
    raw: float
    matches: list[Match] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The documented monotone mapping of the raw score into 0..1 (same for every code)."""
        return rule_score(self.raw)

    @property
    def rank_key(self) -> tuple[float, float, int, int, str]:
        """Sort key, best first: raw score, then the strongest and longest match, then the earliest."""
        return (-round(self.raw, 6), -max(m.contribution for m in self.matches),
                -sum(len(m.surface) for m in self.matches), min(m.start for m in self.matches), self.code)

    @property
    def evidence(self) -> str:
        """The matched words, in text order, without repeats."""
        seen: list[str] = []
        for match in sorted(self.matches, key=lambda m: (m.pattern.lang, m.start)):
            text = match.surface + (" (negated?)" if match.negated else "")
            if text not in seen:
                seen.append(text)
        return "; ".join(seen)


def rule_score(raw: float) -> float:
    """Map a raw rule score (sum of decayed match weights) into 0..1."""
    return 1.0 - math.exp(-max(raw, 0.0) / SCALE)
