"""Importing a REFI-QDA project (.qdpx) or codebook (.qdc): read and check everything, then write in one go.

`read_refi` (refi_read.py) builds an `ImportPlan` without writing (a preview for the Import page and the CLI);
`apply_plan` writes it in one transaction, so a file with any problem leaves the study exactly as it was.
Users unknown to the study become coders (or reviewers) without a password.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from workbench.errors import InputError, WorkbenchError
from workbench.services.codebook import Code, Codebook, Framework, Measure
from workbench.services.codes import add_code, install_codebook
from workbench.services.coding import add_coding
from workbench.services.exports.refi_plan import IMPORTED_ROOT, POSITIONS, ImportPlan, sniff
from workbench.services.exports.refi_read import read_refi
from workbench.services.importing import store
from workbench.services.memos import add_memo
from workbench.services.participants import ensure_participant
from workbench.services.pii_gate import Decision
from workbench.store.study import Study, User

__all__ = ["IMPORTED_ROOT", "POSITIONS", "ImportPlan", "apply_plan", "import_refi", "read_refi", "sniff"]


def apply_plan(study: Study, plan: ImportPlan, *, by: str | User) -> dict[str, int]:
    """Write an import plan in one transaction (all or nothing); returns what was added."""
    for action in ("transcripts.import", "codebook.edit", "codings.write", "memos.write"):
        actor = study.actor(by, action=action)
    added = {"users": 0, "codes": 0, "participants": 0, "transcripts": 0, "codings": 0, "memos": 0}
    try:
        with study.writing(by=actor, action="transcripts.import"):
            people = _apply_users(study, plan, actor, added)
            _check_coders(plan, people)
            _apply_codes(study, plan, actor, added)
            before = study.counts()["participants"]
            participant_ids = {guid: ensure_participant(study, info, actor=actor)
                               for guid, info in plan.participants.items()}
            added["participants"] = study.counts()["participants"] - before
            transcripts = _apply_sources(study, plan, actor, added)
            codings = _apply_codings(study, plan, people, actor, transcripts, added)
            _apply_memos(study, plan, people, actor, transcripts, codings, participant_ids, added)
            if plan.kind == "qdpx" and plan.title and not study.meta("title"):
                study.put_meta_in_write("title", plan.title)
            study.audit(actor, "import", "project", plan.name, {"kind": plan.kind, "origin": plan.origin, **added})
    except WorkbenchError as err:
        raise InputError(f"nothing was imported: {err}", source=plan.name) from err
    return added


def _apply_users(study: Study, plan: ImportPlan, actor: User, added: dict[str, int]) -> dict[str, User]:
    people = {}
    for guid, planned in plan.users.items():
        if planned.exists:
            people[guid] = study.user(planned.username, include_inactive=True)
        else:
            people[guid] = study.add_imported_coder(username=planned.username, display_name=planned.display_name,
                                                    role=planned.role, by=actor)
            added["users"] += 1
    return people


def _check_coders(plan: ImportPlan, people: dict[str, User]) -> None:
    for coding in plan.codings:
        if coding.user and not people[coding.user].may("codings.write"):
            who = people[coding.user]
            raise InputError(f"the file holds codings by {who.username}, who is a {who.role} in this study and "
                             "cannot own codings")


def _apply_codes(study: Study, plan: ImportPlan, actor: User, added: dict[str, int]) -> None:
    new = [c for c in plan.codes if not c.exists]
    if not new:
        return
    book = plan.sidecar.get("codebook") or {}
    empty = not study.db.execute("SELECT 1 FROM codes LIMIT 1").fetchone()
    if empty and book and all(c.extras for c in new):  # a workbench project into a new study: its codebook as was
        framework = _framework(plan.sidecar, book.get("framework"))
        measures = {m.id for m in framework.measures} if framework else set()
        codes = [Code(id=c.id, parent=c.parent, name_en=c.name_en, name_zh=c.extras.get("name_zh") or "",
                      definition_en=c.extras.get("definition_en") or "", definition_zh=c.extras.get("definition_zh") or "",
                      include=c.extras.get("include") or [], exclude=c.extras.get("exclude") or [],
                      examples=c.extras.get("examples") or [], keywords=c.extras.get("keywords") or {},
                      measures=[m for m in c.extras.get("measures") or [] if m in measures],
                      color=c.color or "#888888") for c in new]
        install_codebook(study, Codebook(id=book.get("id") or "imported", title_en=book.get("title_en") or plan.name,
                                         title_zh=book.get("title_zh") or "", version=str(book.get("version") or "1"),
                                         framework=framework.id if framework else None, codes=codes), framework, by=actor)
    else:
        for code in new:
            add_code(study, code_id=code.id, name_en=code.name_en, parent=code.parent,
                     name_zh=code.extras.get("name_zh") or "", definition_en=code.definition_en,
                     color=code.color or "#888888", by=actor)
    added["codes"] = len(new)


def _framework(sidecar: dict[str, Any], wanted: str | None) -> Framework | None:
    frameworks = sidecar.get("frameworks") or []
    chosen = next((f for f in frameworks if f.get("id") == wanted), frameworks[0] if frameworks else None)
    if not chosen:
        return None
    return Framework(id=chosen["id"], title_en=chosen.get("title_en") or chosen["id"], title_zh=chosen.get("title_zh") or "",
                     published=chosen.get("published") or "", source=chosen.get("source") or "",
                     pillars=chosen.get("pillars") or [],
                     measures=[Measure(id=m["id"], pillar=m.get("pillar") or "", title_en=m.get("title_en") or m["id"],
                                       title_zh=m.get("title_zh") or "", kind=m.get("kind") or "",
                                       description_en=m.get("description_en") or "",
                                       description_zh=m.get("description_zh") or "", source=m.get("source") or "")
                               for m in chosen.get("measures") or []])


def _apply_sources(study: Study, plan: ImportPlan, actor: User, added: dict[str, int]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for source in plan.sources:
        if source.existing_id is not None:
            ids[source.guid] = source.existing_id
        elif source.prepared is not None:
            info = next((p for p in plan.participants.values() if p.pseudonym == source.participant), None)
            ids[source.guid] = store(study, source.prepared, participant=info, by=actor,
                                     interview_date=source.meta.get("interview_date"),
                                     interviewer_name=source.meta.get("interviewer"))
            added["transcripts"] += 1
    return ids


def _apply_codings(study: Study, plan: ImportPlan, people: dict[str, User], actor: User, transcripts: dict[str, int],
                   added: dict[str, int]) -> dict[str, int]:
    codes = {c.guid: c.id for c in plan.codes}
    ids: dict[str, int] = {}
    for coding in plan.codings:
        coder = people[coding.user] if coding.user else actor
        transcript = transcripts[coding.source]
        found = study.db.execute(
            'SELECT k.id FROM codings k WHERE k.uid = ? OR (k.transcript_id = ? AND k.start = ? AND k."end" = ? '
            "AND k.code_id = ? AND k.coder_id = ?)", [coding.guid.lower(), transcript, coding.start, coding.end,
                                                     codes[coding.code], coder.id]).fetchone()
        if found:  # already here (a project sent back): keep the study's own
            ids[coding.guid] = found[0]
            continue
        memo = "\n\n".join(plan.coding_memos.get(coding.guid, [])) or None
        ids[coding.guid] = add_coding(study, transcript_id=transcript, start=coding.start, end=coding.end,
                                      code_id=codes[coding.code], by=coder,
                                      assessment=coding.assessment, memo=memo, origin="import",
                                      uid=coding.guid.lower(), created_at=_iso(coding.created))
        added["codings"] += 1
    return ids


def _iso(value: str | None) -> str | None:
    return value.replace("Z", "+00:00") if value and value.endswith("Z") else value


def _apply_memos(study: Study, plan: ImportPlan, people: dict[str, User], actor: User, transcripts: dict[str, int],
                 codings: dict[str, int], participants: dict[str, int], added: dict[str, int]) -> None:
    codes = {c.guid: c.id for c in plan.codes}
    have = set(study.db.execute("SELECT target_type, target_id, body FROM memos").fetchall())
    for memo in plan.memos:
        target: str | int = "study"
        if memo.target_type == "code":
            target = codes.get(memo.target or "", "")
        elif memo.target_type == "transcript":
            target = transcripts.get(memo.target or "", "")
        elif memo.target_type == "coding":
            target = codings.get(memo.target or "", "")
        elif memo.target_type == "participant":
            target = participants.get(memo.target or "", "")
        if target == "":
            plan.warnings.append(f"memo {memo.title or memo.guid!r} refers to something not imported; kept on the study")
            memo = replace(memo, target_type="study")
            target = "study"
        if (memo.target_type, str(target), memo.body) in have:
            continue
        author = people[memo.user] if memo.user else actor
        add_memo(study, target_type=memo.target_type, target_id=target, body=memo.body, title=memo.title,
                 by=author if author.may("memos.write") else actor)
        added["memos"] += 1


def import_refi(study: Study, name: str, data: bytes, *, by: str | User, positions: str = "auto",
                pii: Decision | None = None) -> tuple[ImportPlan, dict[str, int]]:
    """Read and write a .qdpx or .qdc in one go: the plan (summary, warnings) and what was added."""
    plan = read_refi(study, name, data, positions=positions, pii=pii)
    return plan, apply_plan(study, plan, by=by)
