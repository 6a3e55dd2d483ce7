"""The text of a .docx, streamed: bounded unpacking, no DTD or entities, text capped while it is read.

python-docx trusts the file (a `gridSpan="99999999"` in a 2.4 KB file ran for minutes and gigabytes, a bad
`gridSpan`/`vMerge` raised ValueError, the whole XML was unpacked and parsed before any limit applied). Here one
expat pass over `word/document.xml` keeps only text: paragraphs in document order, table rows as cells joined
by tabs (each cell read once, so spans and merges cost nothing), the bytes unpacked counted as they come.
"""

from __future__ import annotations

import io
import zipfile
from xml.parsers import expat

from workbench.errors import InputError

MAX_UNZIPPED = 200 * 1024 * 1024  # real bytes of XML unpacked, whatever the archive's headers claim
_CHUNK = 1 << 16
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main "
_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006 Fallback"
# Inside a run, these stand for characters; elsewhere (w:tabs in paragraph properties) they do not.
_RUN_CHARACTERS = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


class _Extractor:
    """Expat handlers that collect a document's text; the sink stack holds the body and each open table cell."""

    def __init__(self, *, name: str, max_chars: int):
        self.name, self.max_chars, self.chars = name, max_chars, 0
        self.sinks: list[list[str]] = [[]]  # the body, then one per open table cell
        self.rows: list[list[str]] = []
        self.paragraphs: list[list[str]] = []
        self.in_text = self.in_run = self.fallback = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _FALLBACK:
            self.fallback += 1  # the same content again for old readers: read it once
        elif tag == _W + "p":
            self.paragraphs.append([])
        elif tag == _W + "t":
            self.in_text += 1
        elif tag == _W + "r":
            self.in_run += 1
        elif tag == _W + "tr":
            self.rows.append([])
        elif tag == _W + "tc":
            self.sinks.append([])
        elif self.in_run and not self.fallback and tag in _RUN_CHARACTERS and self.paragraphs:
            self._add(_RUN_CHARACTERS[tag])

    def end(self, tag: str) -> None:
        if tag == _FALLBACK:
            self.fallback -= 1
        elif tag == _W + "t":
            self.in_text -= 1
        elif tag == _W + "r":
            self.in_run -= 1
        elif tag == _W + "p" and self.paragraphs:
            self.sinks[-1].append("".join(self.paragraphs.pop()))
        elif tag == _W + "tc" and len(self.sinks) > 1:
            cell = "\n".join(self.sinks.pop())
            if self.rows:
                self.rows[-1].append(cell)
        elif tag == _W + "tr" and self.rows:
            self.sinks[-1].append("\t".join(self.rows.pop()))

    def text(self, data: str) -> None:
        if self.in_text and not self.fallback and self.paragraphs:
            self._add(data)

    def _add(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > self.max_chars:
            raise InputError(f"the document's text is over the {self.max_chars:,}-character limit; "
                             "split it into several files", source=self.name)
        self.paragraphs[-1].append(data)


def docx_text(name: str, data: bytes, *, max_chars: int) -> str:
    """The text of a .docx's main document, or InputError naming the file (never another exception)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise InputError("not a valid .docx file (it is not a zip archive; damaged or renamed?)", source=name) from err
    with archive:
        try:
            member = archive.getinfo("word/document.xml")
        except KeyError:
            raise InputError("not a Word document (no word/document.xml inside)", source=name) from None
        extractor = _Extractor(name=name, max_chars=max_chars)
        parser = _parser(extractor, name=name)
        unpacked = 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNZIPPED:
                        raise InputError(f"the .docx unpacks to more than {MAX_UNZIPPED // 1024 // 1024} MB; "
                                         "refusing it", source=name)
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except InputError:
            raise
        except expat.ExpatError as err:
            raise InputError(f"the .docx file is damaged and cannot be read (XML error: "
                             f"{expat.ErrorString(err.code)})", source=name) from err
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as err:
            # a broken or encrypted member, a bad CRC, an unsupported compression method
            raise InputError(f"the .docx file is damaged and cannot be read ({type(err).__name__})",
                             source=name) from err
    return "\n".join(extractor.sinks[0])


def _parser(extractor: _Extractor, *, name: str) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = extractor.start
    parser.EndElementHandler = extractor.end
    parser.CharacterDataHandler = extractor.text
    parser.buffer_text = True

    def refuse(*_args: object) -> int:
        # Word never writes a DTD; one here is an entity expansion (billion laughs) or an external reference (XXE)
        raise InputError("the .docx declares a DTD or entities, which Word never writes; refusing it", source=name)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser
