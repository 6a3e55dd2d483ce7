"""Language of a stretch of text: English, Chinese or mixed, from its script."""

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Chinese uses about 1.5 characters a word; weigh scripts in words so 'mixed' means mixed speech.
_HAN_CHARS_PER_WORD = 1.5


def chinese_share(text: str) -> float | None:
    """Share of words that are Chinese, or None if the text has no words at all."""
    han = len(_HAN.findall(text)) / _HAN_CHARS_PER_WORD
    latin = len(_LATIN_WORD.findall(text))
    if han + latin == 0:
        return None
    return han / (han + latin)


def detect_language(text: str, *, default: str = "en") -> str:
    """'en', 'zh' or 'mixed' (code-switched speech)."""
    if not _HAN.search(text):   # most turns of an English interview: no need to count every word
        return "en" if _LATIN_WORD.search(text) else default
    share = chinese_share(text)
    if share is None:
        return default
    if share >= 0.85:
        return "zh"
    if share <= 0.15:
        return "en"
    return "mixed"


def is_han(char: str) -> bool:
    """Whether a character is a Chinese (Han) character."""
    return bool(_HAN.match(char))
