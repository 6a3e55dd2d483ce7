"""The study's codebook out: REFI-QDA codebook (.qdc, valid against Codebook.xsd) and the workbench's YAML."""

from __future__ import annotations

import json
from typing import Any

import yaml

from workbench.errors import InputError
from workbench.services.codebook import CODEBOOK_FORMAT
from workbench.services.codes import list_codes
from workbench.services.exports.refi import CODEBOOK_NS, add_codes, origin, root, schema_errors, serialise, sub
from workbench.store.study import Study


def codebook_qdc(study: Study) -> bytes:
    """The code tree (names, descriptions, colours) as a QDA-XML codebook."""
    codes = list_codes(study, counts=False)
    if not codes:
        raise InputError("this study has no codebook to export")
    document = root(CODEBOOK_NS, "CodeBook", {"origin": origin()})
    add_codes(sub(document, CODEBOOK_NS, "Codes"), CODEBOOK_NS, codes, notes={})
    problems = schema_errors(document)
    if problems:
        raise InputError("the codebook does not validate against Codebook.xsd: " + "; ".join(problems))
    return serialise(document)


def _bilingual(en: str | None, zh: str | None) -> Any:
    return {"en": en or "", "zh": zh} if zh else (en or "")


def codebook_yaml(study: Study) -> bytes:
    """The codebook in the workbench's own YAML format (loads back with `workbench codebook validate`)."""
    codes = list_codes(study, counts=False)
    if not codes:
        raise InputError("this study has no codebook to export")
    book = json.loads(study.meta("codebook") or "{}")
    framework = study.db.execute("SELECT DISTINCT m.framework_id FROM code_measures cm JOIN measures m "
                                 "ON m.id = cm.measure_id LIMIT 1").fetchone()
    entries = []
    for code in codes:
        entry: dict[str, Any] = {"id": code["id"]}
        if code["parent_id"]:
            entry["parent"] = code["parent_id"]
        entry["name"] = _bilingual(code["name_en"], code["name_zh"])
        if code["definition_en"] or code["definition_zh"]:
            entry["definition"] = _bilingual(code["definition_en"], code["definition_zh"])
        for key in ("include", "exclude", "examples", "measures"):
            if code[key]:
                entry[key] = code[key]
        if code["color"]:
            entry["color"] = code["color"]
        if code["keywords"]:
            entry["keywords"] = code["keywords"]
        entries.append(entry)
    document: dict[str, Any] = {"format": CODEBOOK_FORMAT, "id": book.get("id") or "study_codebook",
                                "title": _bilingual(book.get("title_en") or "Codebook", book.get("title_zh")),
                                "version": str(book.get("version") or "1")}
    if framework:
        document["framework"] = framework[0]
    document["codes"] = entries
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110).encode("utf-8")
