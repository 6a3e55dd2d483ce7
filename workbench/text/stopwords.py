"""Stop words for word frequencies: English lemmas and Chinese (incl. Cantonese) words, kept as data files."""

from __future__ import annotations

from functools import cache
from importlib import resources


def _read(name: str) -> frozenset[str]:
    data = resources.files("workbench.text") / "data" / name
    lines = (line.strip() for line in data.read_text(encoding="utf-8").splitlines())
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop list of 'en' (lower-cased lemmas), 'zh' (words), or 'all' (both)."""
    if language == "en":
        return _read("stopwords_en.txt")
    if language == "zh":
        return _read("stopwords_zh.txt")
    if language == "all":
        return stop_words("en") | stop_words("zh")
    raise ValueError(f"no stop list for language {language!r}")
