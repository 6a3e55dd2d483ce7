"""Rules from the codebook: bilingual keyword patterns, matched on lemmas (English) and substrings (Chinese).

English patterns and texts go through the same normalisation (lower-cased lookup lemma, then a light
suffix stem so "confiscation" meets "confiscated"); a pattern matches contiguously, or, when it has
two or more content words, with its content words in any order within a short window ("confiscated
her passport" meets "passport confiscation") at a lower weight. Chinese patterns match as substrings
of the text mapped character for character to Simplified forms (so 護照 and 护照 meet); a pattern
with spaces ("收 護照") matches its parts in any order within a few characters (收咗我本護照, 護照被收);
a one-character pattern must be a whole jieba word. Negation and hypothetical cues just before a match
lower its weight; they never hide it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from workbench.services.suggest.patterns import (
    CLAUSE_END,
    CONTAINED_FACTOR,
    DECAY,
    EN_CUE_WINDOW,
    EN_WINDOW,
    GENERIC_CODES,
    NEGATION_EN,
    NEGATION_ZH,
    STOP_EN,
    ZH_CUE_WINDOW,
    ZH_GAP,
    Match,
    Pattern,
    RuleHit,
    rule_score,
    stem,
    zh_fold,
)
from workbench.services.suggest.synonyms import chinese_variants, english_variants
from workbench.services.suggest.units import Unit, units_from_texts
from workbench.text.language import is_han

_SENTENCE_END = re.compile(r"[.!?;:。！？；：\n]")
_CLAUSE_EN = re.compile(r"[,;:—–]|\s-\s")
__all__ = ["STOP_EN", "Match", "Pattern", "RuleHit", "RuleSet", "compile_rules", "rule_score", "rules_for_codebook",
           "stem", "zh_fold"]


class RuleSet:
    """Compiled patterns of a codebook; `score` finds matches in a unit and scores each code."""

    def __init__(self, patterns: list[Pattern]):
        self.patterns = patterns
        self.fingerprint = hashlib.sha256(json.dumps(
            [(p.code, p.lang, p.text, p.weight, p.keys) for p in patterns], ensure_ascii=False).encode()).hexdigest()[:16]
        self.codes = sorted({p.code for p in patterns})
        self._cache: dict[Unit, dict[str, RuleHit]] = {}
        self._en: dict[str, list[Pattern]] = defaultdict(list)
        self._zh: dict[int, dict[str, list[tuple[Pattern, int]]]] = defaultdict(lambda: defaultdict(list))
        for pattern in patterns:
            if pattern.lang == "en":
                anchors = pattern.content or frozenset(pattern.keys[:1])
                for anchor in anchors:   # any content word can start a near match
                    self._en[anchor].append(pattern)
            else:
                for part_index, part in enumerate(pattern.keys):
                    self._zh[len(part)][part].append((pattern, part_index))

    def score(self, unit: Unit) -> dict[str, RuleHit]:
        """Rule hits per code for one unit (codes without a match are absent)."""
        cached = self._cache.get(unit)
        if cached is None:
            matches = self._match_en(unit) + self._match_zh(unit)
            cached = dict(sorted(_hits(matches).items(), key=lambda item: item[1].rank_key))
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[unit] = cached
        return cached

    def score_many(self, units: list[Unit]) -> list[dict[str, RuleHit]]:
        """`score` for each unit."""
        return [self.score(u) for u in units]

    def _match_en(self, unit: Unit) -> list[Match]:
        keys = [stem(n) for n in unit.norms]
        sentence = _sentence_ids(unit)
        starts = _imperative_starts(unit, sentence)
        where: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            where[key].append(index)
        found: dict[tuple[str, str], Match] = {}
        present, tried = where.keys(), set()
        for key in list(where):
            for pattern in self._en.get(key, ()):
                if id(pattern) in tried or not pattern.content <= present:
                    continue
                tried.add(id(pattern))
                whole = all(k in present for k in pattern.keys)
                if pattern.sentence_start:
                    span, near = _at_start(pattern.keys, keys, starts), False
                else:
                    span, near = (_contiguous(pattern.keys, keys, where) if whole else None), False
                if span is None and pattern.near_ok:
                    span, near = _near(pattern.content, where), True
                if span is not None and sentence[span[0]] == sentence[span[1] - 1]:
                    cues = [i for i in range(max(0, span[0] - EN_CUE_WINDOW), span[0])
                            if keys[i] in NEGATION_EN and sentence[i] == sentence[span[0]]
                            and not _clause_between(unit, i, span[0])]
                    match = Match(pattern, span[0], span[1], near, cues[-1] if cues else -1, _surface_en(unit, span))
                    earlier = found.get((pattern.code, pattern.text))
                    if earlier is None or match.contribution > earlier.contribution:
                        found[(pattern.code, pattern.text)] = match
        return list(found.values())

    def _match_zh(self, unit: Unit) -> list[Match]:
        if not any(is_han(c) for c in unit.text):
            return []
        folded = zh_fold(unit.text)
        words = None
        hits: dict[Pattern, list[tuple[int, int, int]]] = defaultdict(list)
        for length, table in self._zh.items():
            for i in range(len(folded) - length + 1):
                entries = table.get(folded[i:i + length])
                if entries:
                    for pattern, part_index in entries:
                        hits[pattern].append((part_index, i, i + length))
        found: list[Match] = []
        bounds = {b for t in unit.tokens for b in (t.start, t.end)} if unit.has_positions else None
        for pattern, places in hits.items():
            if bounds is not None and len(pattern.keys) == 1 and len(pattern.keys[0]) == 2:
                # a two-character pattern that straddles two jieba words (要求|其 for 求其) is not that word
                places = [p for p in places if not (p[1] + 1 in bounds and (p[1] not in bounds or p[2] not in bounds))]
                if not places:
                    continue
            if len(pattern.keys) == 1 and len(pattern.keys[0]) == 1:
                words = words if words is not None else {zh_fold(n) for n in unit.norms}
                if pattern.keys[0] not in words:
                    continue
            span = _zh_span(pattern, places, folded)
            if span is None:
                continue
            before = CLAUSE_END.split(folded[max(0, span[0] - ZH_CUE_WINDOW):span[0]])[-1]
            cues = [span[0] - len(before) + before.rfind(cue) for cue in NEGATION_ZH if cue in before]
            found.append(Match(pattern, span[0], span[1], len(pattern.keys) > 1, max(cues) if cues else -1,
                               unit.text[span[0]:span[1]]))
        return found


def _sentence_ids(unit: Unit) -> list[int]:
    """Which sentence of the unit each token is in (a stored unit is one sentence)."""
    ids, current = [], 0
    for index, token in enumerate(unit.tokens):
        if index and token.start >= 0 and _SENTENCE_END.search(unit.text[unit.tokens[index - 1].end:token.start]):
            current += 1
        ids.append(current)
    return ids


def _clause_between(unit: Unit, cue: int, start: int) -> bool:
    """Whether a clause boundary (comma, semicolon, colon, dash) lies between a cue and a match: "no, she kept it"."""
    if not unit.has_positions:
        return False
    return bool(_CLAUSE_EN.search(unit.text[unit.tokens[cue].end:unit.tokens[start].start]))


def _imperative_starts(unit: Unit, sentence: list[int]) -> list[int]:
    """Index of each sentence's first word when it is in its base form (an imperative: "Enact a law …")."""
    starts, seen = [], set()
    for index, token in enumerate(unit.tokens):
        if sentence[index] in seen or not any(c.isalnum() for c in token.norm):
            continue
        seen.add(sentence[index])
        surface = unit.text[token.start:token.end].lower() if token.start >= 0 else token.norm
        if surface == token.norm:
            starts.append(index)
    return starts


def _at_start(seq: tuple[str, ...], keys: list[str], starts: list[int]) -> tuple[int, int] | None:
    for i in starts:
        if tuple(keys[i:i + len(seq)]) == seq:
            return i, i + len(seq)
    return None


def _contiguous(seq: tuple[str, ...], keys: list[str], where: dict[str, list[int]]) -> tuple[int, int] | None:
    for i in where.get(seq[0], ()):
        if tuple(keys[i:i + len(seq)]) == seq:
            return i, i + len(seq)
    return None


def _near(content: frozenset[str], where: dict[str, list[int]]) -> tuple[int, int] | None:
    """Smallest window holding every content word, if short enough."""
    if any(k not in where for k in content):
        return None
    events = sorted((i, k) for k in content for i in where[k])
    best: tuple[int, int] | None = None
    counts: dict[str, int] = defaultdict(int)
    left = 0
    for position, key in events:
        counts[key] += 1
        while len(counts) == len(content):
            start = events[left][0]
            if best is None or position - start < best[1] - best[0] - 1:
                best = (start, position + 1)
            counts[events[left][1]] -= 1
            if not counts[events[left][1]]:
                del counts[events[left][1]]
            left += 1
    if best is None or best[1] - best[0] > len(content) + EN_WINDOW:
        return None
    return best


def _zh_span(pattern: Pattern, places: list[tuple[int, int, int]], folded: str) -> tuple[int, int] | None:
    """Span of a (possibly spaced) Chinese pattern: all parts within ZH_GAP characters, same clause."""
    if len(pattern.keys) == 1:
        return places[0][1], places[0][2]
    by_part: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for part_index, start, end in places:
        by_part[part_index].append((start, end))
    if len(by_part) < len(pattern.keys):
        return None
    for start, end in by_part[0]:
        lo, hi, ok = start, end, True
        for part_index in range(1, len(pattern.keys)):
            near = [(s, e) for s, e in by_part[part_index]
                    if (s >= hi and s - hi <= ZH_GAP) or (e <= lo and lo - e <= ZH_GAP)]
            if not near:
                ok = False
                break
            s, e = min(near, key=lambda se: abs(se[0] - start))
            lo, hi = min(lo, s), max(hi, e)
        if ok and not CLAUSE_END.search(folded[lo:hi]):
            return lo, hi
    return None


def _surface_en(unit: Unit, span: tuple[int, int]) -> str:
    tokens = unit.tokens[span[0]:span[1]]
    if unit.has_positions:
        return unit.text[tokens[0].start:tokens[-1].end]
    return " ".join(t.norm for t in tokens)


def _hits(matches: list[Match]) -> dict[str, RuleHit]:
    """Group matches by code: one match per overlapping stretch of a code, halved inside another code's longer match."""
    for match in matches:
        if match.negated and any(o.pattern.code == match.pattern.code and o.pattern.lang == match.pattern.lang
                                 and o.start <= match.cue < o.end for o in matches):
            match.cue = -1    # "never paid … wages": the cue belongs to the code's own evidence
    hits: dict[str, RuleHit] = {}
    for match in sorted(matches, key=lambda m: (-m.contribution, m.start, m.pattern.code, m.pattern.text)):
        hit = hits.setdefault(match.pattern.code, RuleHit(match.pattern.code, 0.0))
        if any(_overlap(match, other) for other in hit.matches):
            continue
        factor = CONTAINED_FACTOR if any(
            other.pattern.code != match.pattern.code and _overlap(match, other)
            and other.start <= match.start and match.end <= other.end
            and other.end - other.start > match.end - match.start for other in matches) else 1.0
        hit.raw += match.contribution * factor * DECAY ** len(hit.matches)
        hit.matches.append(match)
    return {code: hit for code, hit in hits.items() if hit.matches}


def _overlap(a: Match, b: Match) -> bool:
    return a.pattern.lang == b.pattern.lang and a.start < b.end and b.start < a.end


def compile_rules(codes: Iterable[tuple[str, dict[str, list[Any]]]]) -> RuleSet:
    """Compile the keyword patterns of (code id, keywords {en: [...], zh: [...]}) pairs."""
    entries = [(code_id, lang, *_item(item)) for code_id, keywords in codes
               for lang in ("en", "zh") for item in (keywords or {}).get(lang, []) or []]
    return _compile(tuple(entries))


@lru_cache(maxsize=8)
def _compile(entries: tuple[tuple[str, str, str, float], ...]) -> RuleSet:
    english = [(code, text.removeprefix("^").strip(), weight) for code, lang, text, weight in entries if lang == "en"]
    anchored = {(code, text.removeprefix("^").strip()) for code, lang, text, _w in entries
                if lang == "en" and text.startswith("^")}
    chinese = [(code, text, weight) for code, lang, text, weight in entries if lang == "zh"]
    written = [(code, text, weight, tuple(stem(n) for n in unit.norms), unit.norms) for (code, text, weight), unit
               in zip(english, units_from_texts([t for _, t, _ in english], languages=["en"] * len(english)))]
    analysed = [variant for entry in written for variant in english_variants(entry)]
    codes_of: dict[str, set[str]] = defaultdict(set)
    for code, _text, _weight, keys, _norms in analysed:
        for key in keys:
            codes_of[key].add(code)
    chinese_parts = [variant for code, text, weight in chinese
                     for variant in chinese_variants(code, text, weight, tuple(zh_fold(p) for p in text.split() if p))]
    within: dict[tuple[str, ...] | str, set[str]] = defaultdict(set)   # sub-sequence → codes whose patterns hold it
    for code, _text, _weight, keys, _norms in analysed:
        for i in range(len(keys)):
            for j in range(i + 1, len(keys) + 1):
                within[keys[i:j]].add(code)
    for code, _text, _weight, parts in chinese_parts:
        for part in parts:
            for i in range(len(part)):
                for j in range(i + 1, len(part) + 1):
                    within[part[i:j]].add(code)
    patterns: list[Pattern] = []
    written_keys = {(code, text, keys) for code, text, _w, keys, _n in written}
    written_parts = {(code, text, tuple(zh_fold(p) for p in text.split() if p)) for code, text, _w in chinese}
    for code, text, weight, keys, norms in analysed:
        if keys:
            content = frozenset(k for k, n in zip(keys, norms) if n not in STOP_EN)
            near_ok = len(content) >= 2 and 2 * len(content) >= len(keys) and \
                any(len(codes_of[k]) < GENERIC_CODES for k in content)
            start = (code, text) in anchored
            patterns.append(Pattern(code, text, "en", weight, keys, content, near_ok and not start,
                                    len(within[keys]), sentence_start=start,
                                    synonym=(code, text, keys) not in written_keys))
    for code, text, weight, parts in chinese_parts:
        if parts:
            shared = len(within[parts[0]]) if len(parts) == 1 else 1
            patterns.append(Pattern(code, text, "zh", weight, parts, shared=shared,
                                    synonym=(code, text, parts) not in written_parts))
    return RuleSet(patterns)


def _item(item: Any) -> tuple[str, float]:
    if isinstance(item, dict):
        return str(item["text"]), float(item.get("weight", 1.0))
    return str(item), 1.0


def rules_for_codebook(codebook: Any) -> RuleSet:
    """Compiled rules of a loaded Codebook (services.codebook.Codebook)."""
    return compile_rules((c.id, c.keywords) for c in codebook.codes)
