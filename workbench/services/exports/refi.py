"""REFI-QDA (QDA-XML 1.0) pieces shared by the project and codebook writers and the importer.

GUIDs are uuid5 names of stable ids, so the same study exports to the same file; archives are written with
fixed timestamps and read with limits on what they unpack to; XML from outside is parsed with defusedxml and
validated against the schemas in `schemas/`.
"""

from __future__ import annotations

import io
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any

from workbench.errors import InputError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = {PROJECT_NS: "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd",
                   CODEBOOK_NS: "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"}
_SCHEMA_FILES = {PROJECT_NS: "Project.xsd", CODEBOOK_NS: "Codebook.xsd"}
PROJECT_FILE = "project.qde"
SOURCES = "sources/"
# Names of the workbench's own GUIDs: uuid5 of "kind:id" in this namespace (never change it: files would differ).
NAMESPACE = uuid.UUID("0c3f8e52-7d4e-5b8a-9f61-2a4d6e8b1c07")
# Fixed member timestamp (the zip format's earliest date) so that two exports of one study are byte-identical.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_UNPACKED = 500 * 1024 * 1024
MAX_MEMBERS = 100_000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


def guid(kind: str, key: object) -> str:
    """The GUID of a workbench thing (upper case, as MAXQDA and ATLAS.ti write them)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}")).upper()


def origin() -> str:
    """The program named in every file written (the origin attribute)."""
    try:
        return f"Interview research workbench {version('workbench')}"
    except PackageNotFoundError:
        return "Interview research workbench"


def code_guid(code_id: str) -> str:
    """A code's GUID (the same in every study that has the code)."""
    return guid("code", code_id)


def user_guid(username: str) -> str:
    """A user's GUID."""
    return guid("user", username)


def code_description(code: dict[str, Any]) -> str:
    """What other programs show as a code's description: the English definition, then the Chinese name and one."""
    chinese = "：".join(p for p in (code.get("name_zh") or "", code.get("definition_zh") or "") if p)
    return "\n\n".join(p for p in (code.get("definition_en") or "", chinese) if p)


def add_codes(parent: ET.Element, namespace: str, codes: list[dict[str, Any]], *, notes: dict[str, list[str]]) -> None:
    """The code tree under `parent` (Codes element), children after their parent, in codebook order."""
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    known = {c["id"] for c in codes}
    for code in codes:
        children[code["parent_id"] if code["parent_id"] in known else None].append(code)

    def add(into: ET.Element, code: dict[str, Any]) -> None:
        element = sub(into, namespace, "Code", {"guid": code_guid(code["id"]), "name": code["name_en"] or code["id"],
                                                "isCodable": "true", "color": code.get("color")})
        description = code_description(code)
        if description:
            sub(element, namespace, "Description", text=description)
        for note in notes.get(code["id"], []):
            sub(element, namespace, "NoteRef", {"targetGUID": note})
        for child in children.get(code["id"], []):
            add(element, child)

    for top in children[None]:
        add(parent, top)


def as_guid(value: str) -> str:
    """A stored uuid (any case, with or without braces) written as a REFI-QDA GUID."""
    match = _GUID.match(value.strip())
    if not match:
        raise InputError(f"{value!r} is not a GUID")
    return match.group(1).upper()


def xml_text(value: object) -> str:
    """Text that XML 1.0 can carry (characters it forbids dropped)."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def date_time(value: str | None) -> str | None:
    """An ISO time as xsd:dateTime in UTC with a Z (as the real exports write it), or None."""
    if not value:
        return None
    return value.replace("+00:00", "Z") if value.endswith("+00:00") else value


def tag(namespace: str, name: str) -> str:
    """A namespaced ElementTree tag."""
    return f"{{{namespace}}}{name}"


def sub(parent: ET.Element, namespace: str, name: str, attributes: dict[str, Any] | None = None,
        text: str | None = None) -> ET.Element:
    """A child element with the attributes that have a value (in the order given) and optional text."""
    element = ET.SubElement(parent, tag(namespace, name),
                            {k: xml_text(v) for k, v in (attributes or {}).items() if v is not None and v != ""})
    if text is not None:
        element.text = xml_text(text)
    return element


def root(namespace: str, name: str, attributes: dict[str, Any]) -> ET.Element:
    """A document root declaring its schema location like the real exports do."""
    element = ET.Element(tag(namespace, name))
    element.set(tag(XSI_NS, "schemaLocation"), f"{namespace} {SCHEMA_LOCATION[namespace]}")
    for key, value in attributes.items():
        if value is not None and value != "":
            element.set(key, xml_text(value))
    return element


def serialise(element: ET.Element) -> bytes:
    """UTF-8 XML without a BOM, indented, with the declaration."""
    ET.register_namespace("", element.tag[1:].split("}")[0])
    ET.register_namespace("xsi", XSI_NS)
    ET.indent(element, space=" ")
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


@lru_cache(maxsize=2)
def _schema(namespace: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(files("workbench.services.exports.schemas") / _SCHEMA_FILES[namespace]))


def schema_errors(document: ET.Element | bytes, *, limit: int = 5) -> list[str]:
    """The first schema violations of a project or codebook document (empty when it is valid)."""
    element = parse_xml(document, name="document") if isinstance(document, bytes) else document
    namespace = element.tag[1:].split("}")[0] if element.tag.startswith("{") else ""
    if namespace not in _SCHEMA_FILES:
        return [f"the root element {element.tag!r} is not a QDA-XML project or codebook"]
    errors = []
    for error in _schema(namespace).iter_errors(element):
        errors.append(f"{error.path or '/'}: {error.reason}")
        if len(errors) >= limit:
            break
    return errors


def parse_xml(data: bytes, *, name: str) -> ET.Element:
    """Parse untrusted XML: no DTD, no entities, no external references (defusedxml)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise InputError(f"{name} declares a DTD or XML entities, which are refused for safety "
                         f"({type(err).__name__})") from err
    except ET.ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else None
        raise InputError(f"{name} is not well-formed XML ({err})", line=line, source=name) from err


def deterministic_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of the members in the order given, with fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


class Archive:
    """A zip from outside, read member by member within a budget of really unpacked bytes."""

    def __init__(self, data: bytes, *, name: str, max_unpacked: int = MAX_UNPACKED):
        self.name = name
        self.budget = max_unpacked
        self.limit = max_unpacked
        if not data.startswith(b"PK"):
            raise InputError("this file is not a zip archive, so it is not a REFI-QDA project (.qdpx)", source=name)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError) as err:
            raise InputError(f"the archive is damaged and cannot be read ({err})", source=name) from err
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"the archive holds {len(infos):,} files, more than the {MAX_MEMBERS:,} allowed",
                             source=name)
        for info in infos:
            problem = unsafe_member_name(info.filename)
            if problem:
                raise InputError(f"the archive holds a file named {info.filename!r}, which {problem}; refusing it",
                                 source=name)
        if sum(info.file_size for info in infos) > max_unpacked:
            raise InputError(self._too_big(), source=name)
        self.members = {info.filename.lower(): info for info in infos if not info.is_dir()}

    def _too_big(self) -> str:
        return f"the archive unpacks to more than {self.limit / 1024 / 1024:.0f} MB (a zip bomb?); refusing it"

    def has(self, member: str) -> bool:
        """Whether the archive holds a member (names compared without case)."""
        return member.lower() in self.members

    def read(self, member: str) -> bytes:
        """A member's bytes, counted against the budget as they are really unpacked."""
        info = self.members.get(member.lower())
        if info is None:
            raise InputError(f"the archive has no {member}", source=self.name)
        chunks = []
        try:
            with self.zip.open(info) as stream:
                while True:
                    chunk = stream.read(1024 * 1024)
                    if not chunk:
                        break
                    self.budget -= len(chunk)
                    if self.budget < 0:
                        raise InputError(self._too_big(), source=self.name)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as err:  # bad CRC, encrypted, truncated
            raise InputError(f"{member} in the archive is damaged ({err})", source=self.name) from err
        return b"".join(chunks)


def unsafe_member_name(name: str) -> str | None:
    """Why an archive member's name is unsafe (absolute, climbing out with '..', a drive), or None."""
    if "\x00" in name:
        return "contains a NUL character"
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or re.match(r"^[A-Za-z]:", cleaned):
        return "is an absolute path"
    if ".." in cleaned.split("/"):
        return "climbs out of the archive with '..' (path traversal)"
    return None
