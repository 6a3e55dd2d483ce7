"""Turning a file's bytes into text: BOMs, UTF-16, legacy Chinese encodings, binary refusal."""

import codecs
import unicodedata

from charset_normalizer import from_bytes

from workbench.errors import InputError

# Legacy encodings met in Hong Kong material, tried only when the bytes are not UTF-8.
LEGACY_CANDIDATES = ["big5hkscs", "gb18030", "cp1252"]

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
]
_LABELS = {"big5hkscs": "Big5-HKSCS", "big5": "Big5", "cp950": "Big5 (cp950)", "gb18030": "GB18030",
           "cp1252": "Windows-1252", "utf_8": "UTF-8"}


def decode(data: bytes, *, source: str) -> tuple[str, str]:
    """Decode bytes into text and name the encoding found; InputError if it cannot be read."""
    if not data.strip():
        raise InputError("the file is empty", source=source)
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], codec, source=source), label
    utf16 = _bomless_utf16(data)
    if utf16:
        codec, label = utf16
        return _strict(data, codec, source=source), label
    if b"\x00" in data:
        raise InputError("this looks like a binary file, not text (it contains NUL bytes)", source=source)
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    _refuse_mixed(data, source=source)
    best = from_bytes(data, cp_isolation=LEGACY_CANDIDATES).best()
    if best is None or best.encoding not in LEGACY_CANDIDATES + ["big5", "cp950"]:
        line = data.count(b"\n", 0, utf8_error.start) + 1
        raise InputError(
            f"cannot decode the text: byte {utf8_error.start} is not UTF-8 and no supported encoding "
            f"({', '.join(_LABELS[c] for c in LEGACY_CANDIDATES)}) fits",
            source=source, line=line,
        )
    text = str(best)
    if _readable_ratio(text) < 0.9:
        raise InputError("this looks like a binary file, not text", source=source)
    return text, _LABELS.get(best.encoding, best.encoding)


def _refuse_mixed(data: bytes, *, source: str) -> None:
    """Refuse a file whose lines are in different encodings (UTF-8 with a Latin-1 or Big5 line, say), naming them.

    Read whole as one legacy encoding, such a file became mojibake reported as fine (issue 13 finding 7).
    """
    utf8: list[tuple[int, int]] = []  # line, non-ASCII characters on it
    other: list[int] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if max(line, default=0) < 0x80:
            continue
        try:
            utf8.append((number, sum(ord(ch) > 0x7F for ch in line.decode("utf-8"))))
        except UnicodeDecodeError:
            other.append(number)
    if not utf8 or not other:
        return
    if len(utf8) >= len(other):
        raise InputError(f"mixed encodings: {_lines(other)} not UTF-8 but the rest of the file is; "
                         "re-save the file as UTF-8", source=source, line=other[0])
    # in a legacy file a lone two-byte pair can be valid UTF-8 by chance; two non-ASCII characters are not chance
    strong = [number for number, count in utf8 if count >= 2]
    if strong:
        raise InputError(f"mixed encodings: {_lines(strong)} UTF-8 inside a file in another encoding; re-save "
                         "the file as UTF-8", source=source, line=strong[0])


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
    return f"line {shown} is" if len(numbers) == 1 else f"lines {shown} are"


def _strict(data: bytes, codec: str, *, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(f"invalid {codec} bytes at byte {err.start}", source=source, line=line) from err


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """Detect UTF-16 without a BOM: NUL bytes present and one byte order gives readable text."""
    if b"\x00" not in data or len(data) % 2:
        return None
    best: tuple[tuple[int, float], str, str] | None = None
    # Both byte orders can look readable (ASCII read backwards is CJK: 'H' 00 48 -> U+4800), so the
    # order whose high bytes hold the NULs of ASCII characters wins first, readability second.
    for codec, label, high in (("utf-16-le", "UTF-16 LE", 1), ("utf-16-be", "UTF-16 BE", 0)):
        try:
            sample = data[:8000].decode(codec)
        except UnicodeDecodeError:
            continue
        score = _readable_ratio(sample)
        key = (data[high:8000:2].count(0), score)
        if score > 0.97 and (best is None or key > best[0]):
            best = (key, codec, label)
    return (best[1], best[2]) if best else None


def _readable_ratio(text: str) -> float:
    """Share of characters that are letters, digits, punctuation or ordinary white space."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] in "LNPSZ")
    return good / len(text)
