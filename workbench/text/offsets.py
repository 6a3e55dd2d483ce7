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


def normalize_with_offsets(raw: str) -> tuple[str, list[int]]:
    """normalize(raw) and, for every offset 0..len(raw) into raw, the matching offset into the normalised text.

    Positions written by other programs point into their text as it was; this follows each step of
    normalize() (BOMs, line ends, control characters, NFC, trailing blanks) so those positions can be carried
    over. ValueError if the steps cannot be followed (an exotic composition across characters).
    """
    expected = normalize(raw)
    if expected == raw:
        return raw, list(range(len(raw) + 1))
    # Each kept character remembers the raw offset it came from; deletions drop it, replacements keep it.
    chars = [(c, i) for i, c in enumerate(raw) if c != "\ufeff"]
    joined: list[tuple[str, int]] = []
    for index, (char, src) in enumerate(chars):
        if char == "\r" and index + 1 < len(chars) and chars[index + 1][0] == "\n":
            continue
        joined.append(("\n" if char in "\r\u2028\u2029" else char, src))
    joined = [(c, s) for c, s in joined if not _CONTROL.match(c)]
    composed = joined if unicodedata.is_normalized("NFC", "".join(c for c, _ in joined)) else _compose(joined)
    lines: list[list[tuple[str, int]]] = [[]]
    breaks: list[int] = []
    for char, src in composed:
        if char == "\n":
            lines.append([])
            breaks.append(src)
        else:
            lines[-1].append((char, src))
    kept: list[tuple[str, int]] = []
    for number, line in enumerate(lines):
        while line and line[-1][0].isspace():
            line.pop()
        if number:
            kept.append(("\n", breaks[number - 1]))
        kept.extend(line)
    while kept and kept[0][0] == "\n":
        kept.pop(0)
    while kept and kept[-1][0] == "\n":
        kept.pop()
    text = "".join(c for c, _ in kept)
    if text != expected:
        raise ValueError("the text's normalisation cannot be followed character by character")
    mapping, index = [], 0
    for offset in range(len(raw) + 1):  # how many kept characters come from before this raw offset
        while index < len(kept) and kept[index][1] < offset:
            index += 1
        mapping.append(index)
    return text, mapping


def _compose(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """NFC over (character, source) pairs, one base character and its combining marks at a time."""
    out: list[tuple[str, int]] = []
    index = 0
    while index < len(chars):
        end = index + 1
        while end < len(chars) and (unicodedata.combining(chars[end][0]) or "\u1160" <= chars[end][0] <= "\u11ff"):
            end += 1
        cluster = "".join(c for c, _ in chars[index:end])
        out.extend((c, chars[index][1]) for c in unicodedata.normalize("NFC", cluster))
        index = end
    return out

