"""Synonym classes of the keyword patterns (workbench/text/data/synonyms_{en,zh}.txt) and the pattern variants they make.

A pattern of two or more English words, or a Chinese pattern part holding a class member besides other characters,
also matches with any other member of the class in that place, at SYNONYM_FACTOR of its weight (see
codebooks/README.md). One-word patterns are not expanded: a bare word is often weak evidence, and a synonym would
carry it into other codes' words (扣留 is detention as well as retention).
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

from workbench.services.suggest.patterns import SYNONYM_FACTOR, stem, zh_fold
from workbench.services.suggest.units import units_from_texts


@cache
def synonym_classes(lang: str) -> tuple[tuple[str, ...], ...]:
    """The synonym classes of one language as written in workbench/text/data/synonyms_<lang>.txt."""
    data = resources.files("workbench.text") / "data" / f"synonyms_{lang}.txt"
    classes = []
    for line in data.read_text(encoding="utf-8").splitlines():
        members = tuple(m.strip() for m in line.split("|") if m.strip())
        if len(members) > 1 and not line.lstrip().startswith("#"):
            classes.append(members)
    return tuple(classes)


MAX_VARIANTS = 12   # synonym variants of one pattern (the first classes in the pattern win)


@lru_cache(maxsize=1)
def _english_synonyms() -> dict[str, tuple[str, ...]]:
    """Stemmed lemma → the stemmed lemmas of its synonym class (itself excluded)."""
    classes = synonym_classes("en")
    members = [m for c in classes for m in c]
    keys = {m: stem(u.norms[0]) if u.norms else m
            for m, u in zip(members, units_from_texts(members, languages=["en"] * len(members)))}
    out: dict[str, tuple[str, ...]] = {}
    for group in classes:
        stems = list(dict.fromkeys(keys[m] for m in group))
        for key in stems:
            out[key] = tuple(k for k in stems if k != key)
    return out


def english_variants(entry: tuple[str, str, float, tuple[str, ...], list[str]]
                     ) -> list[tuple[str, str, float, tuple[str, ...], list[str]]]:
    """The pattern itself, then its synonym variants at SYNONYM_FACTOR of its weight (patterns of two or more words
    only: a one-word pattern is often weak evidence, and a synonym would carry it into other codes' words)."""
    code, text, weight, keys, norms = entry
    if len(keys) < 2:
        return [entry]
    synonyms = _english_synonyms()
    variants = [keys]
    for index, key in enumerate(keys):
        for other in synonyms.get(key, ()):
            variants += [v[:index] + (other,) + v[index + 1:] for v in variants if v[index] == key]
    return [entry] + [(code, text, weight * SYNONYM_FACTOR, v, norms) for v in variants[1:MAX_VARIANTS + 1]]


@lru_cache(maxsize=1)
def _chinese_synonyms() -> tuple[tuple[str, ...], ...]:
    """The Chinese synonym classes, folded for matching, longest members first."""
    return tuple(tuple(sorted(dict.fromkeys(zh_fold(m) for m in c), key=len, reverse=True))
                 for c in synonym_classes("zh"))


def chinese_variants(code: str, text: str, weight: float, parts: tuple[str, ...]
                     ) -> list[tuple[str, str, float, tuple[str, ...]]]:
    """The pattern itself, then its parts with a synonym in place of a class member, at SYNONYM_FACTOR (only where
    the member is not the whole pattern, for the reason given for English)."""
    variants = [parts]
    for group in _chinese_synonyms():
        for index, part in enumerate(parts):
            member = next((m for m in group if m in part), None)
            if member is not None and (member != part or len(parts) > 1):
                variants += [v[:index] + (v[index].replace(member, other, 1),) + v[index + 1:]
                             for v in list(variants) if member in v[index] for other in group if other != member]
    unique = list(dict.fromkeys(variants))
    return [(code, text, weight, parts)] + [(code, text, weight * SYNONYM_FACTOR, v) for v in unique[1:MAX_VARIANTS + 1]]
