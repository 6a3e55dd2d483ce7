"""workbench.store.audit: the audit viewer's library (filters, CSV), admins only; updates carry before/after."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import CODE_DELAY, INTERVIEW, PASSWORD, import_text
from workbench.errors import AuthError, PermissionDenied
from workbench.services.codes import update_code
from workbench.store.accounts import login
from workbench.store.audit import audit_choices, audit_csv, audit_entries, detail


@pytest.fixture
def busy(study):
    import_text(study, INTERVIEW, by="coder1")
    update_code(study, CODE_DELAY, by="admin1", name_en="Waiting")
    login(study, "coder1", PASSWORD)
    with pytest.raises(AuthError):
        login(study, "rev1", "wrong")
    study.set_meta("title", "New title", by="admin1")
    return study


def test_filters_by_user_action_and_date(busy):
    everything = audit_entries(busy, by="admin1")
    assert everything[0]["action"] == "set"  # newest first
    assert {e["action"] for e in audit_entries(busy, by="admin1", users=("coder1",))} == {"create", "import", "login"}
    assert [e["entity_id"] for e in audit_entries(busy, by="admin1", actions=("login_failed",))] == ["rev1"]
    today = everything[0]["at"][:10]
    assert len(audit_entries(busy, by="admin1", since=today, until=today)) == len(everything)
    assert audit_entries(busy, by="admin1", until="2000-01-01") == []
    assert {"coder1", "admin1"} <= set(audit_choices(busy)["users"])


def test_metadata_updates_record_before_and_after_without_transcript_text(busy):
    title = audit_entries(busy, by="admin1", actions=("set",))[0]
    assert detail(title)["after"] == "New title" and "before" in detail(title)
    code = audit_entries(busy, by="admin1", actions=("update",))[0]
    assert detail(code)["after"] == {"name_en": "Waiting"}
    assert "passport" not in str(audit_entries(busy, by="admin1", limit=None))


def test_only_admins_read_the_audit_log(busy):
    for username in ("coder1", "rev1"):
        with pytest.raises(PermissionDenied):
            audit_entries(busy, by=username)


def test_the_csv_export_is_recorded_and_defuses_formulas(busy):
    entries = audit_entries(busy, by="admin1")
    entries[0] = {**entries[0], "entity_id": "=HYPERLINK(\"http://x\")"}
    data = audit_csv(busy, entries, by="admin1")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["id", "at", "user", "action", "entity", "entity_id", "detail"] and len(rows) == len(entries) + 1
    assert rows[1][5].startswith("'=")
    exported = audit_entries(busy, by="admin1", actions=("export",))
    assert exported and detail(exported[0]) == {"format": "csv", "rows": len(entries)}


def test_an_export_by_any_role_is_recorded(study):
    from workbench.store.audit import record_export

    record_export(study.path, by="rev1", what="chart", file_format="png", name="heatmap_en.png")
    entry = audit_entries(study, by="admin1", actions=("export",))[0]
    assert entry["user"] == "rev1" and detail(entry) == {"format": "png", "file": "heatmap_en.png"}
