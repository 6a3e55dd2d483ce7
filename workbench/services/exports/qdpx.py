"""A whole study as a REFI-QDA project (.qdpx) for NVivo, MAXQDA, ATLAS.ti and QualCoder.

The archive holds `project.qde` (valid against Project.xsd), `sources/<GUID>.txt` for every transcript and
`workbench.json`, which carries what QDA-XML has no place for (code ids, Chinese names, the framework and
its measures, transcript metadata) so the workbench can restore a study exactly; other programs ignore it.
Assessments travel as the selection's description ("Assessment: barrier"), which other programs show.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from workbench.errors import InputError
from workbench.services.codes import list_codes, list_measures
from workbench.services.exports.refi import (
    PROJECT_FILE,
    PROJECT_NS,
    SOURCES,
    add_codes,
    as_guid,
    code_guid,
    date_time,
    deterministic_zip,
    guid,
    origin,
    root,
    schema_errors,
    serialise,
    sub,
    user_guid,
)
from workbench.services.participants import list_participants
from workbench.services.transcripts import rows_of
from workbench.store.study import Study
from workbench.text.offsets import to_crlf_position
from workbench.vocab import GROUPS

SIDECAR = "workbench.json"
SIDECAR_FORMAT = "workbench-qdpx/1"
GROUP_VARIABLE = "group"
ASSESSMENT_PREFIX = "Assessment: "


def _variable_type(values: list[Any]) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "Boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "Float"
    return "Text"


def _value(parent: ET.Element, variable: str, kind: str, value: Any) -> None:
    element = sub(parent, PROJECT_NS, "VariableValue")
    sub(element, PROJECT_NS, "VariableRef", {"targetGUID": guid("variable", variable)})
    text = str(value).lower() if kind == "Boolean" else str(value)
    sub(element, PROJECT_NS, f"{kind}Value", text=text)


def _study_rows(study: Study) -> dict[str, list[dict[str, Any]]]:
    """Everything the project carries, read once."""
    return {
        "users": rows_of(study, "SELECT id, username, display_name, role FROM users ORDER BY username"),
        "transcripts": rows_of(study, "SELECT t.id, t.uid, t.stem, t.source_name, t.format, t.encoding, t.language, "
                                      "t.text, t.interview_date, t.interviewer, t.interviewer_speaker, t.created_at, "
                                      "t.created_by, p.pseudonym FROM transcripts t LEFT JOIN participants p "
                                      "ON p.id = t.participant_id ORDER BY t.stem, t.id"),
        "codings": rows_of(study, 'SELECT k.id, k.uid, k.transcript_id, k.start, k."end", k.code_id, k.coder_id, '
                                  "k.assessment, k.memo, k.created_at FROM codings k ORDER BY k.transcript_id, k.start, "
                                  'k."end", k.id'),
        "memos": rows_of(study, "SELECT id, target_type, target_id, title, body, author_id, created_at FROM memos "
                                "ORDER BY id"),
    }


def project_document(study: Study, *, crlf: bool = False) -> tuple[ET.Element, list[tuple[str, bytes]], dict[str, Any]]:
    """The project.qde element, the source files and the workbench sidecar for a study."""
    rows = _study_rows(study)
    users = {u["id"]: u for u in rows["users"]}
    used_users = ({t["created_by"] for t in rows["transcripts"]} | {k["coder_id"] for k in rows["codings"]}
                  | {m["author_id"] for m in rows["memos"]})
    people = [u for u in rows["users"] if u["username"] != "system" or u["id"] in used_users]
    codes = list_codes(study, include_inactive=True, counts=False)
    coded = {k["code_id"] for k in rows["codings"]}
    codes = [c for c in codes if c["status"] == "active" or c["id"] in coded]
    participants = list_participants(study)
    by_uid = {t["id"]: as_guid(t["uid"]) for t in rows["transcripts"]}
    coding_guid = {k["id"]: as_guid(k["uid"]) for k in rows["codings"]}
    case_guid = {p["pseudonym"]: guid("participant", p["pseudonym"]) for p in participants}

    notes: list[dict[str, Any]] = []  # guid, title, body, author, created, kind
    refs: dict[tuple[str, str], list[str]] = defaultdict(list)  # (target type, target key) -> note GUIDs
    for memo in rows["memos"]:
        note = guid("memo", memo["id"])
        notes.append({"guid": note, "title": memo["title"], "body": memo["body"], "author": memo["author_id"],
                      "created": memo["created_at"], "kind": "memo"})
        refs[(memo["target_type"], str(memo["target_id"]))].append(note)
    for coding in rows["codings"]:
        if coding["memo"]:
            note = guid("coding-memo", coding["uid"])
            notes.append({"guid": note, "title": "", "body": coding["memo"], "author": coding["coder_id"],
                          "created": coding["created_at"], "kind": "coding_memo"})
            refs[("coding_memo", str(coding["id"]))].append(note)

    title = study.meta("title") or study.path.rsplit("/", 1)[-1].removesuffix(".db")
    project = root(PROJECT_NS, "Project", {"name": title, "origin": origin()})
    if people:
        users_el = sub(project, PROJECT_NS, "Users")
        for user in people:
            sub(users_el, PROJECT_NS, "User", {"guid": user_guid(user["username"]), "name": user["display_name"],
                                               "id": user["username"]})
    if codes:
        add_codes(sub(sub(project, PROJECT_NS, "CodeBook"), PROJECT_NS, "Codes"), PROJECT_NS, codes,
                  notes={c["id"]: refs.get(("code", c["id"]), []) for c in codes})

    variables = _variables(participants)
    if variables:
        variables_el = sub(project, PROJECT_NS, "Variables")
        for name, kind in variables.items():
            variable = sub(variables_el, PROJECT_NS, "Variable", {"guid": guid("variable", name), "name": name,
                                                                  "typeOfVariable": kind})
            if name == GROUP_VARIABLE:
                sub(variable, PROJECT_NS, "Description", text="Participant group: " + ", ".join(GROUPS.values))
    transcripts_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for transcript in rows["transcripts"]:
        if transcript["pseudonym"]:
            transcripts_of[transcript["pseudonym"]].append(transcript)
    if participants:
        cases = sub(project, PROJECT_NS, "Cases")
        for person in participants:
            case = sub(cases, PROJECT_NS, "Case", {"guid": case_guid[person["pseudonym"]], "name": person["pseudonym"]})
            for name, value in _participant_values(person):
                _value(case, name, variables[name], value)
            for transcript in transcripts_of[person["pseudonym"]]:
                sub(case, PROJECT_NS, "SourceRef", {"targetGUID": by_uid[transcript["id"]]})

    codings_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for coding in rows["codings"]:
        codings_of[coding["transcript_id"]].append(coding)
    files: list[tuple[str, bytes]] = []
    person_of = {p["pseudonym"]: p for p in participants}
    if rows["transcripts"]:
        sources = sub(project, PROJECT_NS, "Sources")
        for transcript in rows["transcripts"]:
            source_guid = by_uid[transcript["id"]]
            text = transcript["text"]
            source = sub(sources, PROJECT_NS, "TextSource", {
                "guid": source_guid, "name": transcript["stem"], "plainTextPath": f"internal://{source_guid}.txt",
                "creatingUser": _user_ref(users, transcript["created_by"]),
                "creationDateTime": date_time(transcript["created_at"])})
            sub(source, PROJECT_NS, "Description", text=_source_description(transcript))
            for coding in codings_of[transcript["id"]]:
                start, end = coding["start"], coding["end"]
                if crlf:
                    start, end = to_crlf_position(text, start), to_crlf_position(text, end)
                creator = _user_ref(users, coding["coder_id"])
                selection = sub(source, PROJECT_NS, "PlainTextSelection", {
                    "guid": guid("selection", coding["uid"]), "name": _selection_name(text, coding),
                    "startPosition": start, "endPosition": end, "creatingUser": creator,
                    "creationDateTime": date_time(coding["created_at"])})
                if coding["assessment"]:
                    sub(selection, PROJECT_NS, "Description", text=ASSESSMENT_PREFIX + coding["assessment"])
                coding_el = sub(selection, PROJECT_NS, "Coding", {
                    "guid": coding_guid[coding["id"]], "creatingUser": creator,
                    "creationDateTime": date_time(coding["created_at"])})
                sub(coding_el, PROJECT_NS, "CodeRef", {"targetGUID": code_guid(coding["code_id"])})
                for note in refs.get(("coding_memo", str(coding["id"])), []) + refs.get(("coding", str(coding["id"])), []):
                    sub(coding_el, PROJECT_NS, "NoteRef", {"targetGUID": note})
            for note in refs.get(("transcript", str(transcript["id"])), []):
                sub(source, PROJECT_NS, "NoteRef", {"targetGUID": note})
            owner = person_of.get(transcript["pseudonym"] or "")
            if owner:  # MAXQDA keeps these as document variables
                for name, value in _participant_values(owner):
                    _value(source, name, variables[name], value)
            body = text.replace("\n", "\r\n") if crlf else text
            files.append((f"{SOURCES}{source_guid}.txt", body.encode("utf-8")))

    if notes:
        notes_el = sub(project, PROJECT_NS, "Notes")
        for entry in notes:
            element = sub(notes_el, PROJECT_NS, "Note", {
                "guid": entry["guid"], "name": entry["title"], "creatingUser": _user_ref(users, entry["author"]),
                "creationDateTime": date_time(entry["created"])})
            sub(element, PROJECT_NS, "PlainTextContent", text=entry["body"])
    participant_notes = [(n, p) for p in participants for key in (str(p["id"]), p["pseudonym"])
                         for n in refs.get(("participant", key), [])]
    if participant_notes:  # a Case has no NoteRef in QDA-XML: memos on participants are links from the note
        links = sub(project, PROJECT_NS, "Links")
        for note, person in participant_notes:
            sub(links, PROJECT_NS, "Link", {"guid": guid("link", note), "name": "memo", "direction": "OneWay",
                                            "originGUID": note, "targetGUID": case_guid[person["pseudonym"]]})
    _add_group_sets(project, rows["transcripts"], person_of, by_uid)
    for note in [n for (kind, _key), found in refs.items() if kind == "study" for n in found]:
        sub(project, PROJECT_NS, "NoteRef", {"targetGUID": note})
    sidecar = _sidecar(study, codes, rows, notes, crlf=crlf)
    return project, files, sidecar


def _variables(participants: list[dict[str, Any]]) -> dict[str, str]:
    """Variable name → QDA-XML type: the group, then every attribute (typed when all its values agree)."""
    values: dict[str, list[Any]] = defaultdict(list)
    for person in participants:
        for key, value in person["attributes"].items():
            if value is not None and key != GROUP_VARIABLE:
                values[key].append(value)
    found = {GROUP_VARIABLE: "Text"} if participants else {}
    found.update({key: _variable_type(values[key]) for key in sorted(values)})
    return found


def _participant_values(person: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = [(GROUP_VARIABLE, person["participant_group"])]
    pairs += [(k, v) for k, v in sorted(person["attributes"].items()) if v is not None and k != GROUP_VARIABLE]
    return pairs


def _user_ref(users: dict[int, dict[str, Any]], user_id: int | None) -> str | None:
    return user_guid(users[user_id]["username"]) if user_id in users else None


def _selection_name(text: str, coding: dict[str, Any]) -> str:
    passage = " ".join(text[coding["start"]:coding["end"]].split())
    return passage if len(passage) <= 60 else passage[:59] + "…"


def _source_description(transcript: dict[str, Any]) -> str:
    parts = [f"language: {transcript['language']}"]
    for key, label in (("interview_date", "interview date"), ("interviewer", "interviewer"),
                       ("source_name", "imported from")):
        if transcript[key]:
            parts.append(f"{label}: {transcript[key]}")
    return "; ".join(parts)


def _add_group_sets(project: ET.Element, transcripts: list[dict[str, Any]], person_of: dict[str, dict[str, Any]],
                    by_uid: dict[int, str]) -> None:
    """One set of sources per participant group (MAXQDA's document sets)."""
    members: dict[str, list[str]] = defaultdict(list)
    for transcript in transcripts:
        person = person_of.get(transcript["pseudonym"] or "")
        if person:
            members[person["participant_group"]].append(by_uid[transcript["id"]])
    if not members:
        return
    sets = sub(project, PROJECT_NS, "Sets")
    for group in [g for g in GROUPS.values if g in members]:
        element = sub(sets, PROJECT_NS, "Set", {"guid": guid("group-set", group), "name": f"Participant group: {group}"})
        for source in members[group]:
            sub(element, PROJECT_NS, "MemberSource", {"targetGUID": source})


def _sidecar(study: Study, codes: list[dict[str, Any]], rows: dict[str, list[dict[str, Any]]],
             notes: list[dict[str, Any]], *, crlf: bool) -> dict[str, Any]:
    """What QDA-XML cannot hold, keyed by GUID, so a workbench import restores the study exactly."""
    book = json.loads(study.meta("codebook") or "{}")
    measures = list_measures(study)
    frameworks = rows_of(study, "SELECT * FROM frameworks ORDER BY id")
    return {
        "format": SIDECAR_FORMAT,
        "positions": "crlf" if crlf else "characters",
        "codebook": book,
        "frameworks": [{**f, "pillars": json.loads(f["pillars"]),
                        "measures": [{k: m[k] for k in ("id", "pillar", "kind", "title_en", "title_zh", "description_en",
                                                        "description_zh", "source")}
                                     for m in measures if m["framework_id"] == f["id"]]} for f in frameworks],
        "codes": {code_guid(c["id"]): {k: c[k] for k in ("id", "name_zh", "definition_en", "definition_zh", "include",
                                                         "exclude", "examples", "keywords", "measures", "codebook_id")}
                  for c in codes},
        "users": {user_guid(u["username"]): {"username": u["username"], "role": u["role"]} for u in rows["users"]},
        "sources": {as_guid(t["uid"]): {k: t[k] for k in ("stem", "source_name", "format", "encoding", "language",
                                                          "interview_date", "interviewer", "interviewer_speaker")}
                    for t in rows["transcripts"]},
        "notes": {n["guid"]: {"kind": n["kind"]} for n in notes},
    }


def project_qdpx(study: Study, *, crlf: bool = False) -> bytes:
    """The study as a .qdpx archive: validated against Project.xsd, byte-identical for an unchanged study."""
    project, files, sidecar = project_document(study, crlf=crlf)
    problems = schema_errors(project)
    if problems:  # a bug of ours, never the data's fault: refuse to hand out a file other programs reject
        raise InputError("the project file does not validate against Project.xsd: " + "; ".join(problems))
    members = [(PROJECT_FILE, serialise(project)), *sorted(files),
               (SIDECAR, json.dumps(sidecar, ensure_ascii=False, indent=1, sort_keys=True, default=str).encode("utf-8"))]
    return deterministic_zip(members)
