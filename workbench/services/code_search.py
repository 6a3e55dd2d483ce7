"""Finding a code by what a coder types: names in both languages, ids, keyword patterns and definitions, ranked.

The coding page's picker shows `rank_codes` as the coder types. A code's best signal decides its tier: a name
(English or Chinese, Traditional or Simplified) or id beats a keyword pattern of the codebook, which beats a word
of its definition, which beats a name within a typo; within a tier, codes the coder used recently come first, then
the stronger match (more evidence, a code rather than its theme).
Typing "passport", 護照 or 收起護照 finds Document retention through its patterns, "deception" its name.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.services.suggest.rules import RuleSet, compile_rules, zh_fold
from workbench.services.suggest.units import units_from_texts
from workbench.text.nlp import has_han

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
NAME_EXACT, NAME_START, NAME_WORD, NAME_WORDS, NAME_INSIDE = 100.0, 92.0, 86.0, 84.0, 80.0
KEYWORD_MATCH, KEYWORD_PART, DEFINITION, SIMILAR = 60.0, 50.0, 35.0, 25.0
CODE_BONUS = 0.5  # a code before its theme at an equal match


@dataclass(frozen=True)
class CodeMatch:
    """One code found for a query: how well it matched and why (shown to the coder)."""

    code_id: str
    score: float
    why: str


def fold(text: str) -> str:
    """Text as the search compares it: Simplified characters, lower case, ids' '_' and '/' as spaces."""
    return " ".join(zh_fold(text).casefold().replace("_", " ").replace("/", " ").split())


def warm(codes: Sequence[dict[str, Any]]) -> None:
    """Prepare the codes' search and load the language pipelines (otherwise the first query waits for them)."""
    rank_codes(codes, "passport")
    rank_codes(codes, "護照")


def rank_codes(codes: Sequence[dict[str, Any]], query: str, *, rules: RuleSet | None = None,
               recent: Sequence[str] = (), limit: int | None = None) -> list[CodeMatch]:
    """Codes matching a typed query, best first (an empty query lists recent codes, then the codebook in order)."""
    recent_rank = {code_id: i for i, code_id in enumerate(recent)}
    q = fold(query)
    if not q:
        ordered = sorted(codes, key=lambda c: (recent_rank.get(c["id"], len(recent_rank)), c["position"], c["id"]))
        found = [CodeMatch(c["id"], 0.0, "recently used" if c["id"] in recent_rank else "") for c in ordered]
        return found[:limit]
    prepared = _prepare(codes)
    unit = units_from_texts([query], languages=["zh" if has_han(query) else "en"])[0]
    keyword_hits = {code: (KEYWORD_MATCH + 25.0 * hit.score, f"keyword “{hit.matches[0].pattern.text}”")
                    for code, hit in (rules or prepared.rules).score(unit).items()}
    word = _word_start(q)
    results = []
    for code, entry in zip(codes, prepared.entries):
        signals = [s for s in (_name_signal(entry, q), keyword_hits.get(code["id"]), _pattern_signal(entry, q, word),
                               _definition_signal(entry, q, word), _words_signal(entry, q), _similar_signal(entry, q))
                   if s is not None]
        if not signals:
            continue
        best = max(signals, key=lambda s: s[0])
        score = best[0] + 0.01 * sum(s[0] for s in signals if s is not best) + CODE_BONUS * bool(code.get("parent_id"))
        results.append((_tier(best[0]), code["id"] in recent_rank, score, code, best[1]))
    results.sort(key=lambda r: (-r[0], not r[1], -r[2], r[3]["position"], r[3]["id"]))
    return [CodeMatch(code["id"], round(score, 3), why) for _tier_, _recent, score, code, why in results][:limit]


def _tier(score: float) -> int:
    """Names, then keyword patterns, then definitions, then similar names; recent use orders within a tier."""
    return 3 if score >= NAME_INSIDE else 2 if score >= KEYWORD_PART else 1 if score >= DEFINITION else 0


@dataclass(frozen=True)
class _Entry:
    names: tuple[tuple[str, str, tuple[str, ...]], ...]   # (label, folded name, its words)
    patterns: tuple[str, ...]                              # folded keyword patterns
    originals: tuple[str, ...]                             # the same as written in the codebook
    pattern_text: str                                      # the same joined by newlines, and without spaces
    pattern_text_joined: str
    definitions: str                                       # folded definitions, inclusion notes and examples
    similar: tuple[str, ...]                               # names and their words, for typo matches


@dataclass(frozen=True)
class _Prepared:
    entries: tuple[_Entry, ...]
    rules: RuleSet


_PREPARED: dict[str, _Prepared] = {}


def _prepare(codes: Sequence[dict[str, Any]]) -> _Prepared:
    """Folded names, patterns and definitions of the codes, computed once per codebook content."""
    key = hashlib.sha1(json.dumps([[c.get(f) for f in _FIELDS] for c in codes], ensure_ascii=False,
                                  default=str).encode()).hexdigest()
    if key not in _PREPARED:
        if len(_PREPARED) > 8:
            _PREPARED.clear()
        _PREPARED[key] = _Prepared(tuple(_entry(c) for c in codes),
                                   compile_rules((c["id"], c.get("keywords") or {}) for c in codes))
    return _PREPARED[key]


_FIELDS = ("id", "name_en", "name_zh", "definition_en", "definition_zh", "include", "examples", "keywords")


def _entry(code: dict[str, Any]) -> _Entry:
    names = []
    for label, value in (("name", code.get("name_en")), ("name", code.get("name_zh")), ("id", code["id"]),
                         ("id", code["id"].rsplit("/", 1)[-1])):
        name = fold(value or "")
        if name:
            names.append((label, name, tuple(_WORD.findall(name))))
    originals = tuple(_pattern_texts(code.get("keywords") or {}))
    patterns = tuple(fold(text) for text in originals)
    definitions = "\n".join(fold(t or "") for t in (code.get("definition_en"), code.get("definition_zh"),
                                                    *(code.get("include") or []), *(code.get("examples") or [])))
    similar = [n for label, n, words in names if label == "name" or "/" not in code["id"] or n in code["id"]]
    similar += [w for label, n, words in names for w in words]
    return _Entry(tuple(names), patterns, originals, "\n".join(patterns), "\n".join(p.replace(" ", "") for p in patterns),
                  definitions, tuple(dict.fromkeys(similar)))


def _name_signal(entry: _Entry, q: str) -> tuple[float, str] | None:
    best: tuple[float, str] | None = None
    for label, name, words in entry.names:
        if name == q:
            score = NAME_EXACT
        elif name.startswith(q):
            score = NAME_START
        elif any(w.startswith(q) for w in words):
            score = NAME_WORD
        elif len(q.split()) > 1 and all(any(w.startswith(part) for w in words) for part in q.split()):
            score = NAME_WORDS
        elif q in name and (has_han(q) or len(q) >= 3):
            score = NAME_INSIDE
        else:
            continue
        if best is None or score > best[0]:
            best = (score, label)
    return best


def _pattern_signal(entry: _Entry, q: str, word: re.Pattern[str] | None) -> tuple[float, str] | None:
    """The query is (the start of) part of keyword patterns: 'passp' in 'confiscate passport', 護照 in 收 護照."""
    if word is None:
        joined = q.replace(" ", "")
        count = entry.pattern_text_joined.count(joined)
        hits = [o for p, o in zip(entry.patterns, entry.originals) if joined in p.replace(" ", "")] if count else []
    else:
        count = len(word.findall(entry.pattern_text))
        hits = [o for p, o in zip(entry.patterns, entry.originals) if word.search(p)] if count else []
    if not hits:
        return None
    return KEYWORD_PART + min(9.0, 3.0 * math.log2(1 + len(hits))), f"keyword “{min(hits, key=len)}”"


def _definition_signal(entry: _Entry, q: str, word: re.Pattern[str] | None) -> tuple[float, str] | None:
    hits = entry.definitions.count(q.replace(" ", "")) if word is None else len(word.findall(entry.definitions))
    return (DEFINITION + min(5.0, float(hits)), "definition") if hits else None


def _words_signal(entry: _Entry, q: str) -> tuple[float, str] | None:
    """Most words of a longer query begin words of the code's patterns ('ID card kept': 'id card' and 'kept')."""
    words = q.split()
    if len(words) < 2 or has_han(q):
        return None
    found = [w for w in words if re.search(r"(?<![^\W_])" + re.escape(w[:5]), entry.pattern_text)]
    if 2 * len(found) < len(words) + 1:
        return None
    return DEFINITION + 10.0 * len(found) / len(words), f"keyword words “{' '.join(found)}”"


def _similar_signal(entry: _Entry, q: str) -> tuple[float, str] | None:
    """A name within a typo or two of the query ('decepton')."""
    if has_han(q) or len(q) < 4:
        return None
    ratio = max((difflib.SequenceMatcher(None, q, w).ratio() for w in entry.similar), default=0.0)
    return (SIMILAR + 10.0 * (ratio - 0.8) / 0.2, "similar name") if ratio >= 0.8 else None


def _word_start(q: str) -> re.Pattern[str] | None:
    """English: the query at the start of a word; None for Chinese (matched anywhere, spaces ignored)."""
    return None if has_han(q) else re.compile(r"(?<![^\W_])" + re.escape(q))


def _pattern_texts(keywords: dict[str, Iterable[Any]]) -> list[str]:
    return [item["text"] if isinstance(item, dict) else str(item)
            for lang in ("en", "zh") for item in keywords.get(lang) or []]
