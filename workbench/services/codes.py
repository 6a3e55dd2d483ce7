"""Codes and measures inside a study: installing a codebook, reading the tree, editing codes."""

from __future__ import annotations

import json
from typing import Any

from workbench.errors import DuplicateError, InputError, NotFoundError
from workbench.services.codebook import COLOR_HINT, Codebook, Framework, checked_color
from workbench.store import permissions
from workbench.store.study import Study, User, now

# Every code with its theme (top-level ancestor) and its path of ids, '>a>a/b>' (for 'this code or below').
TREE_CTE = ("tree(id, theme, path) AS (SELECT id, id, '>' || id || '>' FROM codes WHERE parent_id IS NULL UNION "
            "ALL SELECT c.id, tree.theme, tree.path || c.id || '>' FROM codes c JOIN tree ON c.parent_id = tree.id)")


def install_codebook(study: Study, codebook: Codebook, framework: Framework | None, *, by: str | User) -> dict[str, int]:
    """Add or update the codebook's codes (ids are stable) and its framework's measures."""
    with study.writing(by=by, action="codebook.edit") as actor:
        if framework is not None:
            study.db.table("frameworks").upsert(
                {"id": framework.id, "title_en": framework.title_en, "title_zh": framework.title_zh,
                 "published": framework.published, "source": framework.source,
                 "pillars": json.dumps(framework.pillars, ensure_ascii=False)}, pk="id")
            for position, m in enumerate(framework.measures):
                study.db.table("measures").upsert(
                    {"id": m.id, "framework_id": framework.id, "pillar": m.pillar, "kind": m.kind,
                     "title_en": m.title_en, "title_zh": m.title_zh, "description_en": m.description_en,
                     "description_zh": m.description_zh, "source": m.source, "position": position}, pk="id")
        existing = {r[0] for r in study.db.execute("SELECT id FROM codes").fetchall()}
        added = updated = 0
        # Parents first so the foreign key holds whatever order the file uses.
        for position, code in sorted(enumerate(codebook.codes), key=lambda pc: _depth(codebook, pc[1].id)):
            row = {"id": code.id, "parent_id": code.parent, "codebook_id": codebook.id,
                   "name_en": code.name_en, "name_zh": code.name_zh,
                   "definition_en": code.definition_en, "definition_zh": code.definition_zh,
                   "include": _j(code.include), "exclude": _j(code.exclude), "examples": _j(code.examples),
                   "keywords": _j(code.keywords), "color": _color(code.color), "position": position}
            if code.id in existing:
                study.db.table("codes").update(code.id, {**row, "updated_at": now(), "updated_by": actor.id})
                updated += 1
            else:
                study.db.table("codes").insert({**row, "status": "active", "created_at": now(), "created_by": actor.id})
                added += 1
            study.db.execute("DELETE FROM code_measures WHERE code_id = ?", [code.id])
            for measure in code.measures:
                study.db.table("code_measures").insert({"code_id": code.id, "measure_id": measure})
        study.put_meta_in_write("codebook", json.dumps({"id": codebook.id, "version": codebook.version,
                                                      "title_en": codebook.title_en, "title_zh": codebook.title_zh}))
        study.audit(actor, "install", "codebook", codebook.id, {"added": added, "updated": updated,
                                                                 "version": codebook.version})
    return {"added": added, "updated": updated}


def _depth(codebook: Codebook, code_id: str) -> int:
    parents = {c.id: c.parent for c in codebook.codes}
    depth, parent = 0, parents.get(code_id)
    while parent:
        depth, parent = depth + 1, parents.get(parent)
    return depth


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def list_codes(study: Study, *, include_inactive: bool = False, counts: bool = True) -> list[dict[str, Any]]:
    """Codes in codebook order, with their measures and (unless counts=False) coding and passage counts.

    `codings` counts every coder's codings; `passages` the distinct spans coded with the code (a span two
    coders both coded is one passage, as the Themes page counts).
    """
    counting = "(SELECT count(*) FROM codings k WHERE k.code_id = c.id)" if counts else "NULL"
    spans = ('(SELECT count(*) FROM (SELECT DISTINCT k.transcript_id, k.start, k."end" FROM codings k '
             "WHERE k.code_id = c.id))") if counts else "NULL"
    rows = study.db.execute(
        f"SELECT c.*, {counting} AS codings, {spans} AS passages, "
        "(SELECT group_concat(measure_id, ' ') FROM code_measures m WHERE m.code_id = c.id) AS measure_ids "
        "FROM codes c " + ("" if include_inactive else "WHERE c.status = 'active' ") + "ORDER BY c.position, c.id"
    )
    columns = [d[0] for d in rows.description]
    codes = []
    for values in rows.fetchall():
        row = dict(zip(columns, values))
        for key in ("include", "exclude", "examples", "keywords"):
            row[key] = json.loads(row[key])
        row["measures"] = sorted((row.pop("measure_ids") or "").split())
        codes.append(row)
    return codes


def get_code(study: Study, code_id: str) -> dict[str, Any]:
    """One active code or NotFoundError."""
    for code in list_codes(study):
        if code["id"] == code_id:
            return code
    raise NotFoundError(f"no code {code_id!r} in this study's codebook")


def add_code(study: Study, *, code_id: str, name_en: str, parent: str | None = None, name_zh: str = "",
             definition_en: str = "", color: str = "#888888", by: str | User) -> None:
    """Create a new code."""
    if not code_id or any(c.isspace() for c in code_id):
        raise InputError("a code id is a text without spaces, e.g. barriers/new_code")
    color = _color(color)
    with study.writing(by=by, action="codebook.edit") as actor:
        if study.db.execute("SELECT 1 FROM codes WHERE id = ?", [code_id]).fetchone():
            raise DuplicateError(f"code {code_id!r} already exists")
        if parent:
            get_code(study, parent)
        position = study.db.execute("SELECT coalesce(max(position), 0) + 1 FROM codes").fetchone()[0]
        book = study.db.execute("SELECT codebook_id FROM codes LIMIT 1").fetchone()
        study.db.table("codes").insert({"id": code_id, "parent_id": parent, "codebook_id": book[0] if book else "study",
                                  "name_en": name_en, "name_zh": name_zh, "definition_en": definition_en,
                                  "color": color, "position": position, "status": "active",
                                  "created_at": now(), "created_by": actor.id})
        study.audit(actor, "create", "code", code_id, {"parent": parent})


# Fields of a code a person may edit in the study (the id never changes); lists are stored as JSON.
EDITABLE = ("name_en", "name_zh", "definition_en", "definition_zh", "include", "exclude", "color", "parent_id")
_LISTS = ("include", "exclude")


def update_code(study: Study, code_id: str, *, by: str | User, **changes: Any) -> None:
    """Rename, redefine, recolour or move a code (its id never changes); audited with before and after."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(f"cannot change {', '.join(sorted(unknown))} of a code")
    study.actor(by, action="codebook.edit")  # refused even when nothing would change
    if "color" in changes:
        changes["color"] = _color(changes["color"])
    before = get_code(study, code_id)
    for key in _LISTS:
        if key in changes:
            changes[key] = [str(x).strip() for x in changes[key] or [] if str(x).strip()]
    if changes.get("parent_id"):
        parent = changes["parent_id"]
        get_code(study, parent)
        ancestor: str | None = parent
        while ancestor:
            if ancestor == code_id:
                raise InputError(f"cannot move {code_id} under its own descendant {parent}")
            ancestor = study.db.execute("SELECT parent_id FROM codes WHERE id = ?", [ancestor]).fetchone()[0]
    changed = {k: v for k, v in changes.items() if before.get(k) != v}
    if not changed:
        return
    with study.writing(by=by, action="codebook.edit") as actor:
        detail: dict[str, Any] = {"fields": sorted(changed), "before": {k: before.get(k) for k in changed},
                                  "after": changed}
        if "parent_id" in changed:  # moving a code moves its codings (and its codes') to another theme
            carried = codings_by_coder(study, subtree(study, code_id))
            permissions.require_owners(username=actor.username, role=actor.role, owners=carried,
                                       what=f"moving {code_id}")
            detail["codings"] = sorted(i for ids in carried.values() for i in ids)
        row = {k: _j(v) if k in _LISTS else v for k, v in changed.items()}
        study.db.table("codes").update(code_id, {**row, "updated_at": now(), "updated_by": actor.id})
        study.audit(actor, "update", "code", code_id, detail)


def set_code_measures(study: Study, code_id: str, measures: list[str], *, by: str | User) -> None:
    """Replace the framework measures a code speaks to (its default mapping); audited with before and after."""
    study.actor(by, action="codebook.edit")  # refused even when nothing would change
    before = get_code(study, code_id)["measures"]
    wanted = sorted(set(measures))
    known = {r[0] for r in study.db.execute("SELECT id FROM measures").fetchall()}
    missing = [m for m in wanted if m not in known]
    if missing:
        raise InputError(f"no measure {', '.join(missing)} in this study's framework")
    if wanted == before:
        return
    with study.writing(by=by, action="codebook.edit") as actor:
        study.db.execute("DELETE FROM code_measures WHERE code_id = ?", [code_id])
        study.db.table("code_measures").insert_all({"code_id": code_id, "measure_id": m} for m in wanted)
        study.db.table("codes").update(code_id, {"updated_at": now(), "updated_by": actor.id})
        study.audit(actor, "update", "code", code_id, {"fields": ["measures"], "before": {"measures": before},
                                                       "after": {"measures": wanted}})


def subtree(study: Study, code_id: str) -> list[str]:
    """A code's id and the ids of every code below it (any status)."""
    rows = study.db.execute("WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM codes c JOIN sub "
                            "ON c.parent_id = sub.id) SELECT id FROM sub", [code_id]).fetchall()
    return [r[0] for r in rows]


def codings_by_coder(study: Study, code_ids: list[str]) -> dict[str, list[int]]:
    """The ids of the codings of these codes, by their coder's username."""
    found: dict[str, list[int]] = {}
    if not code_ids:
        return found
    rows = study.db.execute(f"SELECT u.username, k.id FROM codings k JOIN users u ON u.id = k.coder_id "
                            f"WHERE k.code_id IN ({', '.join('?' * len(code_ids))}) ORDER BY k.id", code_ids)
    for username, coding_id in rows.fetchall():
        found.setdefault(username, []).append(coding_id)
    return found


def _color(value: object) -> str:
    color = checked_color(value)
    if color is None:  # colours reach pages and the transcript view's styles: never anything but a colour
        raise InputError(f"{COLOR_HINT}, not {str(value)[:40]!r}")
    return color


def merge_codes(study: Study, *, source: str, target: str, by: str | User) -> int:
    """Move every coding of `source` to `target` and retire `source`; returns codings moved.

    Merging carries the codings of `source` and moves its codes under `target`: when any of those codings
    belong to another coder, only an admin may merge (issue 13, finding 8); the audit lists the coding ids.
    """
    if source == target:
        raise InputError("cannot merge a code into itself")
    get_code(study, source)
    get_code(study, target)
    ancestor = study.db.execute("SELECT parent_id FROM codes WHERE id = ?", [target]).fetchone()[0]
    while ancestor:
        if ancestor == source:  # source's children would move under target, and target is one of them
            raise InputError(f"cannot merge {source} into its own descendant {target}")
        ancestor = study.db.execute("SELECT parent_id FROM codes WHERE id = ?", [ancestor]).fetchone()[0]
    with study.writing(by=by, action="codebook.edit") as actor:
        carried = codings_by_coder(study, subtree(study, source))
        permissions.require_owners(username=actor.username, role=actor.role, owners=carried,
                                   what=f"merging {source} into {target}")
        moved_ids = [r[0] for r in study.db.execute("SELECT id FROM codings WHERE code_id = ? ORDER BY id",
                                                    [source]).fetchall()]
        study.db.execute("UPDATE codings SET code_id = ?, updated_at = ? WHERE code_id = ?", [target, now(), source])
        children = [r[0] for r in study.db.execute("SELECT id FROM codes WHERE parent_id = ? ORDER BY id",
                                                   [source]).fetchall()]
        study.db.execute("UPDATE codes SET parent_id = ? WHERE parent_id = ?", [target, source])
        study.db.table("codes").update(source, {"status": "merged", "merged_into": target,
                                                "updated_at": now(), "updated_by": actor.id})
        study.audit(actor, "merge", "code", source, {"into": target, "codings": moved_ids,
                                                     "coders": {u: len(ids) for u, ids in carried.items()},
                                                     "moved_codes": children})
    return len(moved_ids)


def delete_code(study: Study, code_id: str, *, by: str | User) -> None:
    """Retire a code that has no codings and no codes below it (a code with codings is merged instead)."""
    get_code(study, code_id)
    with study.writing(by=by, action="codebook.edit") as actor:
        carried = codings_by_coder(study, [code_id])
        if carried:
            count = sum(len(ids) for ids in carried.values())
            raise InputError(f"{code_id} has {count} coding(s): merge it into another code instead of deleting it")
        children = study.db.execute("SELECT count(*) FROM codes WHERE parent_id = ? AND status = 'active'",
                                    [code_id]).fetchone()[0]
        if children:
            raise InputError(f"{code_id} has {children} code(s) below it: move or delete them first")
        # Open suggestions of the code are machine output nobody decided on; decided ones stay as history.
        dropped = study.db.execute("DELETE FROM suggestions WHERE code_id = ? AND status = 'open'",
                                   [code_id]).rowcount
        study.db.table("codes").update(code_id, {"status": "deleted", "updated_at": now(), "updated_by": actor.id})
        study.audit(actor, "delete", "code", code_id, {"codings": [], "open_suggestions_dropped": dropped})


def list_measures(study: Study) -> list[dict[str, Any]]:
    """The framework's measures in catalogue order."""
    rows = study.db.execute("SELECT * FROM measures ORDER BY position, id")
    columns = [d[0] for d in rows.description]
    return [dict(zip(columns, r)) for r in rows.fetchall()]
