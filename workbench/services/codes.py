"""Codes and measures inside a study: installing a codebook, reading the tree, editing codes."""

from __future__ import annotations

import json
from typing import Any

from workbench.errors import DuplicateError, InputError, NotFoundError
from workbench.services.codebook import COLOR_HINT, Codebook, Framework, checked_color
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
    """Codes in codebook order, with their measures and (unless counts=False) coding counts."""
    counting = "(SELECT count(*) FROM codings k WHERE k.code_id = c.id)" if counts else "NULL"
    rows = study.db.execute(
        f"SELECT c.*, {counting} AS codings, "
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


def update_code(study: Study, code_id: str, *, by: str | User, **changes: Any) -> None:
    """Rename, redefine, recolour or move a code (its id never changes)."""
    allowed = {"name_en", "name_zh", "definition_en", "definition_zh", "color", "parent_id"}
    unknown = set(changes) - allowed
    if unknown:
        raise InputError(f"cannot change {', '.join(sorted(unknown))} of a code")
    if "color" in changes:
        changes["color"] = _color(changes["color"])
    before = get_code(study, code_id)
    if changes.get("parent_id"):
        parent = changes["parent_id"]
        get_code(study, parent)
        ancestor: str | None = parent
        while ancestor:
            if ancestor == code_id:
                raise InputError(f"cannot move {code_id} under its own descendant {parent}")
            ancestor = study.db.execute("SELECT parent_id FROM codes WHERE id = ?", [ancestor]).fetchone()[0]
    with study.writing(by=by, action="codebook.edit") as actor:
        study.db.table("codes").update(code_id, {**changes, "updated_at": now(), "updated_by": actor.id})
        study.audit(actor, "update", "code", code_id, {
            "fields": sorted(changes), "before": {k: before[k] for k in sorted(changes)},
            "after": {k: changes[k] for k in sorted(changes)}})


def _color(value: object) -> str:
    color = checked_color(value)
    if color is None:  # colours reach pages and the transcript view's styles: never anything but a colour
        raise InputError(f"{COLOR_HINT}, not {str(value)[:40]!r}")
    return color


def merge_codes(study: Study, *, source: str, target: str, by: str | User) -> int:
    """Move every coding of `source` to `target` and retire `source`; returns codings moved."""
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
        moved = study.db.execute("UPDATE codings SET code_id = ?, updated_at = ? WHERE code_id = ?",
                                 [target, now(), source]).rowcount
        study.db.execute("UPDATE codes SET parent_id = ? WHERE parent_id = ?", [target, source])
        study.db.table("codes").update(source, {"status": "merged", "merged_into": target,
                                          "updated_at": now(), "updated_by": actor.id})
        study.audit(actor, "merge", "code", source, {"into": target, "codings": moved})
    return moved


def list_measures(study: Study) -> list[dict[str, Any]]:
    """The framework's measures in catalogue order."""
    rows = study.db.execute("SELECT * FROM measures ORDER BY position, id")
    columns = [d[0] for d in rows.description]
    return [dict(zip(columns, r)) for r in rows.fetchall()]
