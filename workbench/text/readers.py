"""Reading transcript files (txt, md, docx, vtt, srt) into normalised text with cue timestamps."""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import InputError
from workbench.text.docx_text import docx_text
from workbench.text.encodings import decode
from workbench.text.offsets import normalize

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Cue:
    """A subtitle cue: its character range in the document text and its time range."""

    start: int
    end: int
    t_start_ms: int
    t_end_ms: int
    voice: str | None


@dataclass
class Document:
    """A file read into normalised text."""

    name: str
    format: str
    encoding: str
    text: str
    cues: list[Cue] = field(default_factory=list)


def too_large(size: int, max_bytes: int) -> str:
    """The message for a file over the size limit (MB as the CLI's --max-mb counts them)."""
    def show(n: int) -> str:
        return f"{n:,} bytes" if n < 100_000 else f"{n / 1024 / 1024:.3g} MB"
    return f"the file is {show(size)}, over the {show(max_bytes)} limit"


def file_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, follow_symlinks: bool = False) -> bytes:
    """A regular file's bytes, refused before reading if missing, over the size limit, a link or a device."""
    path = Path(path)
    try:
        info = path.stat() if follow_symlinks else path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        raise InputError("no such file", source=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read the file ({err.strerror})", source=str(path)) from err
    if stat.S_ISLNK(info.st_mode):
        raise InputError("is a symbolic link; import the file it points to, or allow links with --follow-symlinks",
                         source=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a directory, device, pipe or socket); refusing it", source=str(path))
    if info.st_size > max_bytes:
        raise InputError(too_large(info.st_size, max_bytes), source=path.name)
    flags = os.O_RDONLY | (0 if follow_symlinks else os.O_NOFOLLOW) | getattr(os, "O_NONBLOCK", 0)
    try:  # opened without following links and checked again, so a file swapped after the check is caught
        fd = os.open(path, flags)
    except OSError as err:
        raise InputError(f"cannot read the file ({err.strerror})", source=str(path)) from err
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode) or opened.st_size > max_bytes:
            raise InputError("changed while it was being read; try again", source=str(path))
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(too_large(len(data), max_bytes), source=path.name)
    return data


def read_bytes(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a transcript from its file name and bytes (an upload, say); every failure is an InputError naming it."""
    if len(data) > max_bytes:
        raise InputError(too_large(len(data), max_bytes), source=name)
    fmt = Path(name).suffix.lower().lstrip(".")
    if fmt not in READERS:
        raise InputError(f"unsupported file type '.{fmt}' (supported: {supported()})", source=name)
    try:
        doc = READERS[fmt].read(name, data, max_bytes)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - a reader's own failure must not abort a batch (issue 13 finding 6)
        raise InputError(f"the file cannot be read ({type(err).__name__}); it may be damaged", source=name) from err
    if not doc.text.strip():
        raise InputError("the file has no text", source=name)
    return doc


def _read_plain(name: str, data: bytes, max_chars: int) -> Document:
    raw, encoding = decode(data, source=name)
    return Document(name=name, format=Path(name).suffix.lower().lstrip("."), encoding=encoding, text=normalize(raw))


def _read_subtitle_file(name: str, data: bytes, max_chars: int) -> Document:
    raw, encoding = decode(data, source=name)
    return _read_subtitles(name, Path(name).suffix.lower().lstrip("."), raw, encoding)


def _read_docx(name: str, data: bytes, max_chars: int) -> Document:
    text = docx_text(name, data, max_chars=max_chars)
    return Document(name=name, format="docx", encoding="docx (UTF-8 XML)", text=normalize(text))


def _read_subtitles(name: str, fmt: str, raw: str, encoding: str) -> Document:
    import webvtt

    timings = _cue_timings(name, fmt, normalize(raw))
    try:
        captions = webvtt.WebVTT.from_buffer(io.StringIO(normalize(raw) + "\n"), format=fmt).captions
    except Exception as err:  # webvtt-py's MalformedFileError and friends
        raise InputError(f"not a valid {fmt.upper()} file: {err}", source=name) from err
    _check_every_cue_read(name, fmt, timings, [(_ms(c.start), _ms(c.end)) for c in captions])
    parts: list[str] = []
    cues: list[Cue] = []
    position = 0
    for caption in captions:
        body = " ".join(line.strip() for line in caption.text.split("\n") if line.strip())
        if not body:
            continue
        voice = (caption.voice or "").strip() or None
        line = f"{voice}: {body}" if voice else body
        cues.append(Cue(position, position + len(line), _ms(caption.start), _ms(caption.end), voice))
        parts.append(line)
        position += len(line) + 1
    if not parts:
        raise InputError(f"the {fmt.upper()} file has no captions", source=name)
    text = "\n".join(parts)
    if normalize(text) != text:  # cue offsets were computed on this exact string
        raise InputError("caption text could not be normalised consistently", source=name)
    return Document(name=name, format=fmt, encoding=encoding, text=text, cues=cues)


_TIMESTAMP = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
_TIMING = re.compile(rf"\s*({_TIMESTAMP})\s*-->\s*({_TIMESTAMP})(?:\s+.*)?")


def _cue_timings(name: str, fmt: str, text: str) -> list[tuple[int, int, int]]:
    """Every cue timing line as (line, start ms, end ms); a malformed, reversed or out-of-order one is refused."""
    timings: list[tuple[int, int, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" not in line:
            continue
        match = _TIMING.fullmatch(line)
        if match is None:
            raise InputError(f"the cue time {line.strip()[:60]!r} is not a valid {fmt.upper()} timestamp "
                             "(hh:mm:ss.mmm --> hh:mm:ss.mmm)", source=name, line=number)
        start, end = _ms(match.group(1)), _ms(match.group(6))
        if end < start:
            raise InputError(f"the cue ends ({match.group(6)}) before it starts ({match.group(1)})", source=name,
                             line=number)
        if timings and start < timings[-1][1]:
            raise InputError(f"the cue starts ({match.group(1)}) before the previous cue (line {timings[-1][0]})",
                             source=name, line=number)
        timings.append((number, start, end))
    return timings


def _check_every_cue_read(name: str, fmt: str, timings: list[tuple[int, int, int]],
                          read: list[tuple[int, int]]) -> None:
    """Refuse the file if the subtitle parser skipped a cue whose timing line we saw (it drops them silently)."""
    for (number, start, end), got in zip(timings, [*read, None]):
        if got != (start, end):
            raise InputError(f"the cue at this line could not be read as {fmt.upper()} (a missing number or "
                             "blank line before it?)", source=name, line=number)


def _ms(timestamp: str) -> int:
    """'00:01:02.500' (or '01:02.500') to milliseconds."""
    parts = timestamp.replace(",", ".").split(":")
    seconds = float(parts[-1]) + 60 * int(parts[-2]) + (3600 * int(parts[-3]) if len(parts) > 2 else 0)
    return round(seconds * 1000)


@dataclass(frozen=True)
class Reader:
    """A transcript file format: its suffix (without the dot), what it is, and the function reading it."""

    suffix: str
    label: str
    read: Callable[[str, bytes, int], Document]  # name, bytes, the most characters of text to accept


# The one list of import formats: the Import page's uploader, the CLI help and the README come from it.
READERS: dict[str, Reader] = {r.suffix: r for r in (
    Reader("txt", "plain text", _read_plain),
    Reader("md", "Markdown (read as plain text)", _read_plain),
    Reader("docx", "Word document", _read_docx),
    Reader("vtt", "WebVTT subtitles (voice tags become speakers)", _read_subtitle_file),
    Reader("srt", "SubRip subtitles", _read_subtitle_file),
)}
FORMATS = tuple(READERS)


def supported() -> str:
    """The formats as people read them: '.txt, .md, …'."""
    return ", ".join("." + suffix for suffix in READERS)
