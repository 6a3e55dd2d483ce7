"""The one registry of export formats: every face (CLI --format, download buttons, the Export page) lists these.

`export()` is the only way out: it checks who may take the scope out of the study (store/permissions.py),
builds the file and records the export in the audit log (who, format, tables, filters; never the content).
To add a format: a function (study, request) -> bytes and one `ExportFormat(...)` in FORMATS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workbench.errors import InputError
from workbench.services.analysis import Filters
from workbench.services.exports.codebooks import codebook_qdc, codebook_yaml
from workbench.services.exports.qdpx import project_qdpx
from workbench.services.exports.report import word_report
from workbench.services.exports.sheets import table_csv, tables_xlsx
from workbench.services.exports.tables import TABLES, TableRequest, build_table
from workbench.store import permissions
from workbench.store.codebook_versions import current_label
from workbench.store.study import Study, User

LANGS = ("en", "zh")


@dataclass(frozen=True, kw_only=True)
class ExportRequest:
    """What to export: the analysis filters, the label language, tables (for table formats) and options."""

    filters: Filters = field(default_factory=Filters)
    lang: str = "en"
    tables: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)  # crlf (qdpx), axis/level/query (tables)


@dataclass(frozen=True)
class ExportFormat:
    """A file format the study exports: name (--format), suffix, label, MIME type, scope, builder."""

    name: str
    suffix: str
    label: str
    mime: str
    scope: str  # "findings" (reports, tables, the codebook) or "project" (every transcript in full)
    build: Callable[[Study, ExportRequest], bytes]
    takes_tables: bool = False
    default_tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Export:
    """A finished export: the bytes, a file name to save them under and the MIME type."""

    data: bytes
    file_name: str
    mime: str


def _table_request(request: ExportRequest) -> TableRequest:
    return TableRequest(filters=request.filters, options=request.options)


def _csv(study: Study, request: ExportRequest) -> bytes:
    if len(request.tables) != 1:
        raise InputError("a CSV file holds one table: name exactly one (--table)")
    return table_csv(build_table(study, request.tables[0], _table_request(request)))


def _xlsx(study: Study, request: ExportRequest) -> bytes:
    tables = {name: build_table(study, name, _table_request(request)) for name in request.tables}
    return tables_xlsx(tables, about=about(study, request))


def about(study: Study, request: ExportRequest) -> list[tuple[str, str]]:
    """What the exported tables are: study, codebook, filters, date, and what each table counts."""
    lines = [("study", study.meta("title") or ""), ("codebook", current_label(study.db)),
             ("filters", request.filters.describe() or "none (all codings)"), ("exported", date.today().isoformat()),
             ("pseudonyms", "participants appear under their pseudonyms only")]
    lines += [(f"table {name}", TABLES[name].counts) for name in request.tables]
    return lines


# The one list of export formats: `workbench export --help`, the download buttons and the Export page use it.
FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("docx", "docx", "Word findings report",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "findings",
                 lambda s, r: word_report(s, filters=r.filters, lang=r.lang)),
    ExportFormat("xlsx", "xlsx", "Excel workbook (one sheet per table)",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "findings", _xlsx,
                 takes_tables=True, default_tables=("quotes",)),
    ExportFormat("csv", "csv", "CSV table (UTF-8)", "text/csv", "findings", _csv, takes_tables=True,
                 default_tables=("quotes",)),
    ExportFormat("qdpx", "qdpx", "REFI-QDA project (NVivo, MAXQDA, ATLAS.ti, QualCoder)", "application/zip", "project",
                 lambda s, r: project_qdpx(s, crlf=bool(r.options.get("crlf")))),
    ExportFormat("qdc", "qdc", "REFI-QDA codebook", "application/xml", "findings", lambda s, r: codebook_qdc(s)),
    ExportFormat("yaml", "yaml", "Codebook in the workbench's YAML format", "application/yaml", "findings",
                 lambda s, r: codebook_yaml(s)),
)}


def reviewers_may_export_project(study: Study) -> bool:
    """Whether an admin has allowed reviewers to download the project file (a study setting)."""
    return study.meta(permissions.REVIEWERS_EXPORT_PROJECT) == "1"


def may_export(study: Study, user: User, fmt: str) -> bool:
    """Whether this user may download this format from this study."""
    return permissions.may_export(user.role, FORMATS[fmt].scope,
                                  reviewers_may_export_project=reviewers_may_export_project(study))


def file_name(study: Study, fmt: str, request: ExportRequest) -> str:
    """A file name that says what the export is: study, tables or format, language."""
    stem = re.sub(r"[^\w.-]+", "_", study.path.rsplit("/", 1)[-1].removesuffix(".db")).strip("_") or "study"
    what = "-".join(request.tables) if FORMATS[fmt].takes_tables else {"docx": "report", "qdc": "codebook",
                                                                       "yaml": "codebook", "qdpx": "project"}[fmt]
    lang = f"-{request.lang}" if fmt == "docx" else ""
    return f"{stem}-{what}{lang}.{FORMATS[fmt].suffix}"


def check_request(fmt: str, request: ExportRequest) -> ExportRequest:
    """The request with its format's default tables, or InputError naming what is wrong."""
    if fmt not in FORMATS:
        raise InputError(f"no export format {fmt!r} (formats: {', '.join(FORMATS)})")
    spec = FORMATS[fmt]
    if request.lang not in LANGS:
        raise InputError(f"the label language is en or zh, not {request.lang!r}")
    if request.tables and not spec.takes_tables:
        raise InputError(f"the {fmt} format takes no --table")
    for name in request.tables:
        if name not in TABLES:
            raise InputError(f"no table {name!r} (tables: {', '.join(TABLES)})")
    if spec.takes_tables and not request.tables:
        return ExportRequest(filters=request.filters, lang=request.lang, tables=spec.default_tables,
                             options=request.options)
    return request


def export(study: Study, fmt: str, *, by: str | User, request: ExportRequest | None = None) -> Export:
    """Build an export the user may take out of the study, and record it in the audit log (never its content)."""
    request = check_request(fmt, request or ExportRequest())
    spec = FORMATS[fmt]
    actor = by if isinstance(by, User) else study.user(by)
    permissions.require_export(username=actor.username, role=actor.role, scope=spec.scope,
                               reviewers_may_export_project=reviewers_may_export_project(study))
    data = spec.build(study, request)
    detail = {"format": fmt, "scope": spec.scope, "lang": request.lang, "tables": list(request.tables),
              "filters": request.filters.active(),
              "options": {k: v for k, v in request.options.items() if v not in (None, "", False)}, "bytes": len(data)}
    with study.db.atomic():
        study.audit(actor, "export", "study", fmt, detail)
    return Export(data=data, file_name=file_name(study, fmt, request), mime=spec.mime)


def formats_help() -> str:
    """The formats as the CLI help lists them."""
    return "; ".join(f"{f.name}: {f.label}" for f in FORMATS.values())
