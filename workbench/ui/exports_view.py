"""Download buttons for what a page shows: its tables as XLSX and CSV and whole formats (Word report, codebook).

Every button goes through the export registry (`workbench.services.exports.export`), which checks what the
user may take out and records the download in the audit log. Files are made only when a button is clicked,
on a connection of their own (the page's connection stays free for its reruns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from workbench.services.analysis import Filters
from workbench.services.exports import FORMATS, TABLES, ExportRequest, export, may_export
from workbench.services.exports.registry import check_request, file_name
from workbench.services.search import SearchFilters
from workbench.store.study import Study, User
from workbench.ui import session

TABLE_FORMATS = ("xlsx", "csv")


def _as_filters(filters: Filters | SearchFilters | None) -> Filters:
    if isinstance(filters, SearchFilters):
        return Filters(groups=filters.groups, languages=filters.languages, participants=filters.participants,
                       transcripts=filters.transcripts, codes=filters.codes)
    return filters or Filters()


def _make(path: str, user: User, fmt: str, request: ExportRequest) -> bytes:
    with Study.open(path) as study:
        return export(study, fmt, by=user, request=request).data


def download_plan(study: Study, user: User, *, tables: tuple[str, ...] = (), formats: tuple[str, ...] = (),
                  filters: Filters | SearchFilters | None = None, lang: str = "en",
                  options: Mapping[str, Any] | None = None) -> list[tuple[str, str, ExportRequest]]:
    """(button label, format, request) for each download this user may make of these tables and formats."""
    base = ExportRequest(filters=_as_filters(filters), lang=lang, options=dict(options or {}))
    plan = []
    for table in tables:
        for fmt in TABLE_FORMATS:
            plan.append((f"{TABLES[table].label.split(' (')[0]} · {fmt.upper()}", fmt,
                         ExportRequest(filters=base.filters, lang=lang, tables=(table,), options=base.options)))
    for fmt in formats:
        label = FORMATS[fmt].label + (" (中文)" if fmt == "docx" and lang == "zh" else "")
        plan.append((label, fmt, base))
    return [(label, fmt, check_request(fmt, request)) for label, fmt, request in plan if may_export(study, user, fmt)]


def export_downloads(study: Study, *, key: str, tables: tuple[str, ...] = (), formats: tuple[str, ...] = (),
                     filters: Filters | SearchFilters | None = None, lang: str = "en",
                     options: Mapping[str, Any] | None = None) -> None:
    """A row of download buttons (each file made when clicked, checked and audited by the export registry)."""
    user = session.require_user()
    plan = download_plan(study, user, tables=tables, formats=formats, filters=filters, lang=lang, options=options)
    if not plan:
        return
    st.caption("Download (pseudonyms only; every download is recorded in the study's audit log)")
    row = st.container(horizontal=True)
    for number, (label, fmt, request) in enumerate(plan):
        row.download_button(label, data=lambda f=fmt, r=request: _make(study.path, user, f, r),
                               file_name=file_name(study, fmt, request), mime=FORMATS[fmt].mime,
                               key=f"{key}_download_{number}_{fmt}", icon=":material/download:", on_click="ignore")
