"""workbench.services.exports.registry: one list of formats, who may take what out, and the audit of every export."""

from __future__ import annotations

import json

import pytest

from workbench.errors import InputError, PermissionDenied
from workbench.services.analysis import Filters
from workbench.services.exports import FORMATS, ExportRequest, export, may_export
from workbench.store.permissions import REVIEWERS_EXPORT_PROJECT


def test_the_registry_lists_every_format_of_the_issue():
    assert set(FORMATS) == {"docx", "xlsx", "csv", "qdpx", "qdc", "yaml"}
    assert {f.scope for f in FORMATS.values()} == {"findings", "project"}
    assert [f.name for f in FORMATS.values() if f.scope == "project"] == ["qdpx"]


def _exports(study) -> list[dict]:
    rows = study.db.execute("SELECT u.username, a.entity_id, a.detail FROM audit_log a JOIN users u ON u.id = a.user_id "
                            "WHERE a.action = 'export' ORDER BY a.id").fetchall()
    return [{"user": u, "format": f, **json.loads(d)} for u, f, d in rows]


def test_a_reviewer_downloads_findings_but_not_the_project_until_an_admin_allows_it(source):
    reviewer = source.user("reviewer")
    for fmt in ("docx", "xlsx", "csv", "qdc", "yaml"):
        assert may_export(source, reviewer, fmt)
    assert not may_export(source, reviewer, "qdpx")
    with pytest.raises(PermissionDenied, match="project file"):
        export(source, "qdpx", by="reviewer")
    assert _exports(source) == []
    source.set_meta(REVIEWERS_EXPORT_PROJECT, "1", by="admin")
    assert export(source, "qdpx", by="reviewer").data.startswith(b"PK")
    assert export(source, "qdpx", by="chan").file_name.endswith("-project.qdpx")


def test_every_export_is_audited_with_who_what_and_filters_never_its_content(source):
    filters = Filters(groups=("survivor",), codes=("barriers",))
    result = export(source, "csv", by="reviewer", request=ExportRequest(filters=filters, tables=("quotes",)))
    [entry] = _exports(source)
    assert entry["user"] == "reviewer" and entry["format"] == "csv" and entry["tables"] == ["quotes"]
    assert entry["filters"] == {"groups": ["survivor"], "codes": ["barriers"]}
    snippets = [r[0] for r in source.db.execute("SELECT snippet FROM codings WHERE length(snippet) > 20")]
    detail = source.db.execute("SELECT detail FROM audit_log WHERE action = 'export'").fetchone()[0]
    assert not any(s in detail for s in snippets)
    assert any(s in result.data.decode("utf-8-sig") for s in snippets)


@pytest.mark.parametrize("fmt, request_, match", [
    ("csv", ExportRequest(tables=("quotes", "framework")), "one table"),
    ("docx", ExportRequest(tables=("quotes",)), "takes no --table"),
    ("xlsx", ExportRequest(tables=("nonsense",)), "no table 'nonsense'"),
    ("docx", ExportRequest(lang="fr"), "en or zh"),
    ("pdf", ExportRequest(), "no export format 'pdf'"),
    ("csv", ExportRequest(tables=("search",)), "needs a query"),
])
def test_bad_requests_get_a_clear_error_and_no_audit_entry(source, fmt, request_, match):
    with pytest.raises(InputError, match=match):
        export(source, fmt, by="chan", request=request_)
    assert _exports(source) == []


def test_table_formats_default_to_the_quote_table_and_name_the_file_for_what_it_holds(source):
    result = export(source, "xlsx", by="chan")
    assert result.file_name == "source-quotes.xlsx"
    assert export(source, "docx", by="chan", request=ExportRequest(lang="zh")).file_name == "source-report-zh.docx"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_works_on_a_study_with_a_codebook_and_nothing_coded(study, fmt):
    result = export(study, fmt, by="admin1")
    assert len(result.data) > 100  # a CSV of no codings is its header


@pytest.mark.parametrize("fmt", ["qdc", "yaml"])
def test_a_study_without_a_codebook_says_so(empty, fmt):
    with pytest.raises(InputError, match="no codebook"):
        export(empty, fmt, by="system")


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "qdpx"])
def test_an_empty_study_still_exports(empty, fmt):
    assert export(empty, fmt, by="system").data
