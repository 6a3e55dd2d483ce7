"""Offsets are Unicode code points into the normalised text; this module owns every conversion."""

import hashlib
import re
import unicodedata

# C0 and C1 controls but tab and line ends: they are not text, and ESC/CSI would reach terminals that print it
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize(text: str) -> str:
    """NFC, no BOM, `\\n` line ends, no stray control characters, no trailing blank lines."""
    text = text.replace("\ufeff", "")  # a BOM anywhere (files joined together leave them mid-text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def text_hash(text: str) -> str:
    """The version hash stored with every coding (sha256 of the UTF-8 text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_crlf_position(text: str, offset: int) -> int:
    """Position in the same text written with CRLF line ends (as MAXQDA counts)."""
    return offset + text.count("\n", 0, offset)


def from_crlf_position(text: str, crlf_offset: int) -> int:
    """Inverse of to_crlf_position."""
    position = 0
    for index, char in enumerate(text):
        if position >= crlf_offset:
            return index
        position += 2 if char == "\n" else 1
    return len(text)


def check_span(text: str, start: int, end: int) -> None:
    """Raise ValueError unless 0 <= start < end <= len(text)."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {start}-{end} is outside the text (length {len(text)})")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
