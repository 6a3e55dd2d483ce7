"""Reading a REFI-QDA project (.qdpx) or codebook (.qdc) into an import plan, without writing anything.

Codes match the study's by GUID (the uuid5 of the code id the workbench writes) or by the workbench's own
sidecar; others get ids under the `imported` branch. Positions are carried onto the normalised text
(`normalize_with_offsets`); MAXQDA counts a line break as two characters (`from_crlf_position`).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from workbench.errors import InputError, PiiHeld
from workbench.services.codes import list_codes
from workbench.services.exports.qdpx import ASSESSMENT_PREFIX, GROUP_VARIABLE, SIDECAR, SIDECAR_FORMAT
from workbench.services.exports.refi import (
    CODEBOOK_NS,
    PROJECT_FILE,
    PROJECT_NS,
    Archive,
    as_guid,
    code_guid,
    parse_xml,
    schema_errors,
    user_guid,
)
from workbench.services.exports.refi_plan import (
    IMPORTED_ROOT,
    POSITIONS,
    ImportPlan,
    PlannedCode,
    PlannedCoding,
    PlannedMemo,
    PlannedSource,
    PlannedUser,
    child_text,
    guid_of,
    q,
    sniff,
)
from workbench.services.importing import prepare
from workbench.services.participants import ParticipantInfo
from workbench.services.pii_gate import Decision, Gate, gate_for
from workbench.store.study import Study
from workbench.text.encodings import decode
from workbench.text.offsets import from_crlf_position, normalize_with_offsets, text_hash, to_crlf_position, trim_span
from workbench.vocab import ASSESSMENTS, GROUPS

_ASSESSMENT = re.compile(rf"^\s*{ASSESSMENT_PREFIX.strip()}\s*({'|'.join(ASSESSMENTS.values)})\s*$", re.I)
_SLUG = re.compile(r"[^\w]+")


def read_refi(study: Study, name: str, data: bytes, *, positions: str = "auto",
              max_unpacked: int | None = None, pii: Decision | None = None) -> ImportPlan:
    """Read a .qdpx or .qdc into an import plan for this study (nothing is written).

    Every new text source passes the study's PII gate: with likely identifying data and no decision (`pii`)
    the whole project is held (PiiHeld, naming each source's lines and kinds); pseudonymised sources keep their
    codings on the same words (positions mapped onto the pseudonymised text).
    """
    if positions not in POSITIONS:
        raise InputError(f"positions are one of {', '.join(POSITIONS)}, not {positions!r}")
    kind = sniff(name, data)
    if kind == "qdc":
        return _read_codebook(study, name, data)
    if kind != "qdpx":
        raise InputError("not a REFI-QDA project (.qdpx) or codebook (.qdc)", source=name)
    archive = Archive(data, name=name, **({"max_unpacked": max_unpacked} if max_unpacked else {}))
    if not archive.has(PROJECT_FILE):
        raise InputError(f"the archive holds no {PROJECT_FILE}, so it is not a REFI-QDA project", source=name)
    project = parse_xml(archive.read(PROJECT_FILE), name=f"{name}: {PROJECT_FILE}")
    _check_schema(project, name=name, namespace=PROJECT_NS)
    plan = ImportPlan(name=name, kind="qdpx", origin=project.get("origin") or "unknown program",
                      title=(project.get("name") or "").strip())
    plan.sidecar = _sidecar(archive, plan)
    _plan_users(study, project, plan)
    codebook = project.find(q("CodeBook"))
    _plan_codes(study, codebook.find(q("Codes")) if codebook is not None else None, plan, namespace=PROJECT_NS)
    case_of = _plan_cases(study, project, plan)
    mode = plan.sidecar.get("positions") or positions
    _plan_sources(study, project, archive, plan, case_of, mode="crlf" if mode == "crlf" else (
        "maxqda" if mode == "auto" and plan.origin.upper().startswith("MAXQDA") else "characters"),
        gate=gate_for(study, pii))
    _plan_notes(project, archive, plan)
    return plan


def _check_schema(document: ET.Element, *, name: str, namespace: str) -> None:
    if not document.tag == q("Project" if namespace == PROJECT_NS else "CodeBook", namespace):
        raise InputError(f"the root element is {document.tag}, not a QDA-XML 1.0 "
                         f"{'project' if namespace == PROJECT_NS else 'codebook'}", source=name)
    problems = schema_errors(document)
    if problems:
        raise InputError("the file does not follow the QDA-XML 1.0 schema: " + "; ".join(problems), source=name)


def _read_codebook(study: Study, name: str, data: bytes) -> ImportPlan:
    document = parse_xml(data, name=name)
    _check_schema(document, name=name, namespace=CODEBOOK_NS)
    plan = ImportPlan(name=name, kind="qdc", origin=document.get("origin") or "unknown program")
    _plan_codes(study, document.find(q("Codes", CODEBOOK_NS)), plan, namespace=CODEBOOK_NS)
    return plan


def _sidecar(archive: Archive, plan: ImportPlan) -> dict[str, Any]:
    """The workbench's own notes on a project it wrote (ignored unless they are in its format)."""
    if not archive.has(SIDECAR):
        return {}
    try:
        found = json.loads(archive.read(SIDECAR).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        plan.warnings.append(f"{SIDECAR} is damaged and was ignored (codes get imported ids)")
        return {}
    return found if isinstance(found, dict) and found.get("format") == SIDECAR_FORMAT else {}


def slug(text: str, *, fallback: str) -> str:
    """A code-id or username piece from a name: letters and digits of any script, '_' between words."""
    cleaned = _SLUG.sub("_", text.strip().lower()).strip("_")[:60].strip("_")
    return cleaned or fallback


def _plan_users(study: Study, project: ET.Element, plan: ImportPlan) -> None:
    # Inactive and reserved accounts (the consensus layer) are still the same people: map to them.
    everyone = study.users(include_system=True, include_inactive=True)
    known = {user_guid(u.username): u for u in everyone}
    usernames = {u.username for u in everyone}
    taken: set[str] = set()
    users = project.find(q("Users"))
    for element in users.findall(q("User")) if users is not None else []:
        guid = guid_of(element, what="a user")
        display = (element.get("name") or "").strip()
        side = plan.sidecar.get("users", {}).get(guid, {})
        if guid in known:
            plan.users[guid] = PlannedUser(guid, known[guid].username, known[guid].display_name, True)
            continue
        wanted = side.get("username") or element.get("id") or display
        username = slug(wanted, fallback=f"user_{guid[:8].lower()}").replace("__", "_")
        if username in usernames and username not in taken:  # the same name: the same person in this study
            plan.users[guid] = PlannedUser(guid, username, display or username, True)
            continue
        base, number = username, 2
        while username in usernames or username in taken:
            username, number = f"{base}_{number}", number + 1
        taken.add(username)
        plan.users[guid] = PlannedUser(guid, username, display or username, False,
                                       "reviewer" if side.get("role") == "reviewer" else "coder")


def _plan_codes(study: Study, codes: ET.Element | None, plan: ImportPlan, *, namespace: str) -> None:
    existing = {code_guid(c["id"]): c["id"] for c in list_codes(study, include_inactive=True, counts=False)}
    taken = set(existing.values())
    side = plan.sidecar.get("codes", {})
    needs_root = False

    def walk(element: ET.Element, parent: str | None, foreign_parent: str | None) -> None:
        nonlocal needs_root
        guid = guid_of(element, what=f"code {element.get('name')!r}")
        name = (element.get("name") or "").strip() or guid
        extras = side.get(guid, {})
        foreign = False
        if guid in existing:
            code_id, exists = existing[guid], True
        elif extras.get("id") and not any(c.isspace() for c in extras["id"]):
            code_id, exists = extras["id"], extras["id"] in taken
        else:  # not the workbench's: an id under the imported branch, unique among the study's
            foreign, exists, extras = True, False, {}
            needs_root = needs_root or foreign_parent is None
            base = f"{foreign_parent or IMPORTED_ROOT}/{slug(name, fallback=guid[:8].lower())}"
            code_id, number = base, 2
            while code_id in taken:
                code_id, number = f"{base}_{number}", number + 1
        taken.add(code_id)
        description = extras.get("definition_en") if extras else child_text(element, "Description", namespace)
        plan.codes.append(PlannedCode(guid, code_id, (foreign_parent or IMPORTED_ROOT) if foreign else parent, name,
                                      description or "", element.get("color"), exists, extras))
        for child in element.findall(q("Code", namespace)):
            walk(child, code_id, code_id if foreign else None)

    for top in codes.findall(q("Code", namespace)) if codes is not None else []:
        walk(top, None, None)
    if needs_root and IMPORTED_ROOT not in taken:
        plan.codes.insert(0, PlannedCode(code_guid(IMPORTED_ROOT), IMPORTED_ROOT, None, "Imported codes",
                                         f"Codes imported from {plan.origin} ({plan.name}) that are not in this "
                                         "study's codebook.", "#888888", False, {"name_zh": "匯入的編碼"}))


def _variables(project: ET.Element) -> dict[str, tuple[str, str]]:
    found = {}
    variables = project.find(q("Variables"))
    for element in variables.findall(q("Variable")) if variables is not None else []:
        found[guid_of(element, what="a variable")] = (element.get("name") or "", element.get("typeOfVariable") or "Text")
    return found


def _variable_value(element: ET.Element) -> tuple[str, Any] | None:
    for child in element:
        kind = child.tag.rsplit("}", 1)[-1]
        text = (child.text or "").strip()
        if kind == "VariableRef":
            continue
        if kind == "BooleanValue":
            return kind, text.lower() in ("true", "1")
        if kind == "IntegerValue":
            return kind, int(text) if re.fullmatch(r"[-+]?\d+", text) else text
        if kind == "FloatValue":
            try:
                return kind, float(Decimal(text))
            except InvalidOperation:
                return kind, text
        return kind, text
    return None


def _plan_cases(study: Study, project: ET.Element, plan: ImportPlan) -> dict[str, str]:
    """Cases become participants (name → pseudonym, group variable → group, others → attributes); source → case."""
    variables = _variables(project)
    cases = project.find(q("Cases"))
    groups = dict(study.db.execute("SELECT pseudonym, participant_group FROM participants").fetchall())
    plan_sources: dict[str, str] = {}
    for case in cases.findall(q("Case")) if cases is not None else []:
        guid = guid_of(case, what="a case")
        pseudonym = (case.get("name") or "").strip() or f"case {guid[:8].lower()}"
        group, attributes = None, {}
        for value in case.findall(q("VariableValue")):
            ref = value.find(q("VariableRef"))
            read = _variable_value(value)
            if ref is None or read is None:
                continue
            variable = variables.get(as_guid(ref.get("targetGUID") or ""), ("", ""))[0]
            if variable.strip().lower() in (GROUP_VARIABLE, "participant group", "participant_group") and \
                    str(read[1]) in GROUPS:
                group = str(read[1])
            elif variable:
                attributes[variable] = read[1]
        group = group or groups.get(pseudonym) or "other"
        if pseudonym in groups and groups[pseudonym] != group:
            raise InputError(f"case {pseudonym!r} is a {group} in the file but a {groups[pseudonym]} in this study",
                             source=plan.name)
        plan.participants[guid] = ParticipantInfo(pseudonym, group, attributes)
        for ref in case.findall(q("SourceRef")):
            source = as_guid(ref.get("targetGUID") or "")
            if source in plan_sources:
                plan.warnings.append(f"source {source} belongs to several cases; it stays with {plan_sources[source]}")
                continue
            plan_sources[source] = guid
    return plan_sources


def _source_text(element: ET.Element, archive: Archive, *, what: str, source: str) -> str:
    """The plain text of a source or note: inline, or an internal:// file of the archive."""
    inline = element.find(q("PlainTextContent"))
    if inline is not None:
        return inline.text or ""
    path = element.get("plainTextPath") or ""
    if not path:
        raise InputError(f"{what} has no plain text (neither PlainTextContent nor plainTextPath)", source=source)
    if not path.lower().startswith("internal://"):
        raise InputError(f"{what} points outside the archive ({path}); only internal:// sources can be imported",
                         source=source)
    member = "sources/" + path[len("internal://"):]
    if not archive.has(member):
        raise InputError(f"{what}: the file {member} is missing from the archive", source=source)
    raw, _encoding = decode(archive.read(member), source=f"{source}: {member}")
    return raw


def _plan_sources(study: Study, project: ET.Element, archive: Archive, plan: ImportPlan, case_of: dict[str, str], *,
                  mode: str, gate: Gate) -> None:
    sources = project.find(q("Sources"))
    if sources is None:
        return
    skipped = [child.tag.rsplit("}", 1)[-1] for child in sources if child.tag != q("TextSource")]
    if skipped:
        plan.warnings.append(f"{len(skipped)} non-text source(s) skipped ({', '.join(sorted(set(skipped)))}): "
                             "the workbench reads text only")
    known = dict(study.db.execute("SELECT text_hash, id FROM transcripts").fetchall())
    seen: dict[str, PlannedSource] = {}
    held: list[PiiHeld] = []
    for element in sources.findall(q("TextSource")):
        guid = guid_of(element, what="a text source")
        name = (element.get("name") or guid).strip()
        what = f"source {name!r}"
        raw = _source_text(element, archive, what=what, source=plan.name)
        try:
            text, mapping = normalize_with_offsets(raw)
        except ValueError as err:
            raise InputError(f"{what}: {err}", source=plan.name) from err
        if not text.strip():
            raise InputError(f"{what} has no text", source=plan.name)
        digest = text_hash(text)
        if digest in seen:
            plan.warnings.append(f"{what} has the same text as {seen[digest].name!r}; its codings go to that one")
        meta = dict(plan.sidecar.get("sources", {}).get(guid, {}))
        existing = known.get(digest)
        prepared = None
        if existing is None and digest not in seen:
            safe = re.sub(r"[\\/]+", "_", meta.get("stem") or name)
            try:
                prepared = prepare(f"{safe}.txt", text.encode("utf-8"), language=meta.get("language"),
                                   interviewer=meta.get("interviewer_speaker"), gate=gate)
            except PiiHeld as err:
                held.append(err)
                continue
            document = replace(prepared.document, name=meta.get("source_name") or f"{safe}.txt",
                               format=meta.get("format") or "qdpx",
                               encoding=meta.get("encoding") or f"UTF-8 (from {plan.name})")
            prepared = replace(prepared, document=document)
        case = case_of.get(guid)
        planned = PlannedSource(guid, name, text, prepared, existing, plan.participants[case].pseudonym
                                if case in plan.participants else None, meta,
                                seen[digest].guid if digest in seen else None)
        seen.setdefault(digest, planned)
        plan.sources.append(planned)
        moved = prepared.pii.position if prepared is not None and prepared.pii is not None else None
        if moved is not None and prepared is not None:  # pseudonymised: the stored text has the placeholders
            planned.text = prepared.document.text
        _plan_selections(element, raw, text, mapping, planned, plan, mode=mode, what=what, moved=moved)
    if held:
        raise PiiHeld(" ".join(str(err) for err in held), findings=[f for err in held for f in err.findings])


def _positions(raw: str, mode: str) -> tuple[int, bool]:
    """The length of the position space and whether positions count a line break as two characters."""
    crlf = mode in ("crlf", "maxqda") and "\r\n" not in raw and "\n" in raw
    return (to_crlf_position(raw, len(raw)) if crlf else len(raw)), crlf


def _plan_selections(element: ET.Element, raw: str, text: str, mapping: list[int], source: PlannedSource,
                     plan: ImportPlan, *, mode: str, what: str, moved: Callable[[int], int] | None = None) -> None:
    """Plan the codings of one source; `moved` maps positions of `text` onto the pseudonymised text."""
    length, crlf = _positions(raw, mode)
    codes = {c.guid: c for c in plan.codes}
    for whole in element.findall(q("Coding")):  # a coding of the whole source
        _plan_coding(whole, source, *trim_span(source.text, 0, len(source.text)), None, [], codes, plan, what=what)
    for selection in element.findall(q("PlainTextSelection")):
        sel_guid = guid_of(selection, what=f"a selection in {what}")
        start, end = int(selection.get("startPosition", "0")), int(selection.get("endPosition", "0"))
        if not (0 <= start <= end <= length):
            raise InputError(f"{what}: selection {sel_guid} at positions {start}–{end} is outside the text "
                             f"({length} characters)", source=plan.name)
        if crlf:
            start, end = from_crlf_position(raw, start), from_crlf_position(raw, end)
        first, last = trim_span(text, mapping[start], mapping[end])
        if moved is not None and first < last:
            first, last = trim_span(source.text, moved(first), moved(last))
        codings = selection.findall(q("Coding"))
        if first >= last:
            if codings:
                plan.warnings.append(f"{what}: selection {sel_guid} holds no text and was skipped")
            continue
        match = _ASSESSMENT.match(child_text(selection, "Description"))
        notes = [as_guid(n.get("targetGUID") or "") for n in selection.findall(q("NoteRef"))]
        for coding in codings:
            _plan_coding(coding, source, first, last, match.group(1).lower() if match else None, notes, codes, plan,
                         what=what, fallback_user=selection.get("creatingUser"), created=selection.get("creationDateTime"))


def _plan_coding(element: ET.Element, source: PlannedSource, start: int, end: int, assessment: str | None,
                 notes: list[str], codes: dict[str, PlannedCode], plan: ImportPlan, *, what: str,
                 fallback_user: str | None = None, created: str | None = None) -> None:
    guid = guid_of(element, what=f"a coding in {what}")
    ref = element.find(q("CodeRef"))
    code = as_guid(ref.get("targetGUID") or "") if ref is not None else ""
    if code not in codes:
        raise InputError(f"{what}: coding {guid} refers to code {code or '(none)'}, which the codebook lacks",
                         source=plan.name)
    user = element.get("creatingUser") or fallback_user
    user = as_guid(user) if user else None
    if user and user not in plan.users:
        raise InputError(f"{what}: coding {guid} was made by user {user}, who is not among the project's users",
                         source=plan.name)
    plan.codings.append(PlannedCoding(guid, source.same_as or source.guid, start, end, code, user,
                                      element.get("creationDateTime") or created, assessment,
                                      notes + [as_guid(n.get("targetGUID") or "") for n in element.findall(q("NoteRef"))]))


def _plan_notes(project: ET.Element, archive: Archive, plan: ImportPlan) -> None:
    """Notes become memos on what refers to them (study, code, transcript, coding, participant)."""
    targets: dict[str, list[tuple[str, str | None]]] = {}

    def refer(owner: ET.Element, target_type: str, target: str | None) -> None:
        for ref in owner.findall(q("NoteRef")):
            targets.setdefault(as_guid(ref.get("targetGUID") or ""), []).append((target_type, target))

    refer(project, "study", None)
    for code in project.iter(q("Code")):
        refer(code, "code", as_guid(code.get("guid") or ""))
    sources = project.find(q("Sources"))
    for source in sources.findall(q("TextSource")) if sources is not None else []:
        refer(source, "transcript", as_guid(source.get("guid") or ""))
    links = project.find(q("Links"))
    cases = set(plan.participants)
    for link in links.findall(q("Link")) if links is not None else []:
        ends = [as_guid(link.get(k) or "") for k in ("originGUID", "targetGUID") if link.get(k)]
        if len(ends) == 2 and ends[1] in cases:
            targets.setdefault(ends[0], []).append(("participant", ends[1]))
        elif len(ends) == 2 and ends[0] in cases:
            targets.setdefault(ends[1], []).append(("participant", ends[0]))
    on_codings = {n: c.guid for c in plan.codings for n in c.notes}
    kinds = plan.sidecar.get("notes", {})
    notes = project.find(q("Notes"))
    for note in notes.findall(q("Note")) if notes is not None else []:
        guid = guid_of(note, what="a note")
        body = _source_text(note, archive, what=f"note {note.get('name')!r}", source=plan.name).strip()
        if not body:
            plan.warnings.append(f"note {note.get('name') or guid!r} is empty and was skipped")
            continue
        creator = note.get("creatingUser")
        user = as_guid(creator) if creator else None
        user = user if user in plan.users else None
        if guid in on_codings and kinds.get(guid, {}).get("kind") != "memo":
            plan.coding_memos.setdefault(on_codings[guid], []).append(body)
            continue
        title = (note.get("name") or "").strip()
        found = targets.get(guid) or ([("coding", on_codings[guid])] if guid in on_codings else [("study", None)])
        for target_type, target in found:
            plan.memos.append(PlannedMemo(guid, title, body, user, target_type, target))
