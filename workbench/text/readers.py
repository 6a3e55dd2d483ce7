"""Reading transcript files (txt, md, docx, vtt, srt) into normalised text with cue timestamps."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import InputError
from workbench.text.encodings import decode
from workbench.text.offsets import normalize

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A docx is a zip: refuse archives that would unpack to far more than any transcript needs.
_MAX_UNZIPPED = 200 * 1024 * 1024


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


def file_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, refused before reading if it is missing or over the size limit."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(too_large(size, max_bytes), source=path.name)
    return path.read_bytes()


def read_bytes(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a transcript from its file name and bytes (an upload, say)."""
    if len(data) > max_bytes:
        raise InputError(too_large(len(data), max_bytes), source=name)
    fmt = Path(name).suffix.lower().lstrip(".")
    if fmt not in READERS:
        raise InputError(f"unsupported file type '.{fmt}' (supported: {supported()})", source=name)
    doc = READERS[fmt].read(name, data)
    if not doc.text.strip():
        raise InputError("the file has no text", source=name)
    return doc


def _read_plain(name: str, data: bytes) -> Document:
    raw, encoding = decode(data, source=name)
    return Document(name=name, format=Path(name).suffix.lower().lstrip("."), encoding=encoding, text=normalize(raw))


def _read_subtitle_file(name: str, data: bytes) -> Document:
    raw, encoding = decode(data, source=name)
    return _read_subtitles(name, Path(name).suffix.lower().lstrip("."), raw, encoding)


def _read_docx(name: str, data: bytes) -> Document:
    import docx  # python-docx; imported here so plain-text imports do not pay for lxml

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED:
                raise InputError("the .docx unpacks to more than 200 MB; refusing it", source=name)
            if "word/document.xml" not in archive.namelist():
                raise InputError("not a Word document (no word/document.xml inside)", source=name)
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except zipfile.BadZipFile as err:
        raise InputError("not a valid .docx file (it is not a zip archive; damaged or renamed?)", source=name) from err
    except Exception as err:  # python-docx raises several types for damaged packages
        raise InputError(f"the .docx file is damaged and cannot be read ({type(err).__name__})", source=name) from err
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return Document(name=name, format="docx", encoding="docx (UTF-8 XML)", text=normalize("\n".join(paragraphs)))


def _read_subtitles(name: str, fmt: str, raw: str, encoding: str) -> Document:
    import webvtt

    try:
        captions = webvtt.WebVTT.from_buffer(io.StringIO(normalize(raw) + "\n"), format=fmt).captions
    except Exception as err:  # webvtt-py's MalformedFileError and friends
        raise InputError(f"not a valid {fmt.upper()} file: {err}", source=name) from err
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
    read: Callable[[str, bytes], Document]


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
