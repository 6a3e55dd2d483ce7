"""workbench.store.permissions: roles mapped to actions, enforced below the UI for every write service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import (
    CODE_DELAY,
    CODE_PASSPORT,
    CODE_WAGES,
    INTERVIEW,
    TINY_CODEBOOK,
    import_text,
    small_project,
    table_counts,
)
from workbench.errors import PermissionDenied
from workbench.services import undo
from workbench.services.agreement.assignments import assign, mark_done, unassign
from workbench.services.agreement.consensus import adopt_agreements, resolve
from workbench.services.attributions import reset_coding_measures, set_coding_measures
from workbench.services.codebook import load_codebook
from workbench.services.codes import add_code, delete_code, install_codebook, merge_codes, set_code_measures, update_code
from workbench.services.coding import (
    add_coding,
    apply_code,
    find_span,
    remove_coding,
    restore_codings,
    snapshot_codings,
    update_coding,
)
from workbench.services.corrections import confirm_coding, correct_text
from workbench.services.exports.refi_import import apply_plan, read_refi
from workbench.services.importing import prepare, store
from workbench.services.memos import add_memo, delete_memo, update_memo
from workbench.services.participants import ParticipantInfo, update_participant
from workbench.services.pii_gate import add_names, remove_name
from workbench.services.reading import set_sensitive_codes, set_trauma_informed
from workbench.services.suggest.models import ensure_model, set_metrics
from workbench.services.suggest.service import accept, accept_all, generate, reject, reopen, study_rules
from workbench.services.transcripts import delete_transcript
from workbench.store import accounts, permissions

WRITE_ACTIONS = [a for a in permissions.ACTIONS if a not in permissions.PERSONAL_ACTIONS]
WORKBENCH = Path(__file__).resolve().parents[2] / "workbench"


def write_services() -> set[str]:
    """Every function in the library that opens `Study.writing` (read from the code, not kept by hand)."""
    found = set()
    for path in WORKBENCH.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name != "writing" and any(
                    isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "writing"
                    for c in ast.walk(node)):
                found.add(node.name)
    return found


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_reviewers_may_not_write_anything(action):
    assert not permissions.allowed("reviewer", action)
    assert permissions.allowed("admin", action)


def test_personal_actions_are_every_roles_own():
    assert all(permissions.allowed(role, a) for role in permissions.ROLES for a in permissions.PERSONAL_ACTIONS)


def test_coders_do_everything_but_manage_users_configure_delete_assign_change_others_work_and_read_the_audit():
    assert {a for a in WRITE_ACTIONS if not permissions.allowed("coder", a)} == {
        "users.manage", "study.configure", "others.change", "transcripts.delete", "transcripts.assign", "audit.view"}


def test_coders_may_resolve_disagreements():
    assert permissions.allowed("coder", "codings.resolve")


def test_owner_or_admin_may_change_others_work():
    assert permissions.may_change(username="a", role="coder", owner="a")
    assert not permissions.may_change(username="a", role="coder", owner="b")
    assert permissions.may_change(username="boss", role="admin", owner="b")


def test_require_owners_names_every_other_owner():
    permissions.require_owners(username="a", role="coder", owners={"a": [1, 2]}, what="merging x")
    permissions.require_owners(username="boss", role="admin", owners={"a": [1], "b": [2]}, what="merging x")
    with pytest.raises(PermissionDenied, match=r"merging x would change other coders' work \(2 by b, 1 by c\)"):
        permissions.require_owners(username="a", role="coder", owners={"a": [1], "b": [2, 3], "c": [4]},
                                   what="merging x")


def test_unknown_roles_and_actions_are_refused():
    assert not permissions.allowed("superuser", "codings.write")
    assert not permissions.allowed("admin", "no.such.action")


def test_require_names_the_user_and_the_action():
    with pytest.raises(PermissionDenied, match=r"rev1 \(reviewer\) may not codings write"):
        permissions.require(username="rev1", role="reviewer", action="codings.write")
    permissions.require(username="c", role="coder", action="codings.write")  # no exception


def test_user_may(study):
    assert study.user("coder1").may("codings.write")
    assert not study.user("rev1").may("codings.write")


@pytest.fixture
def coded(study, tmp_path):
    """A study with one transcript and one coding by coder1; returns a context for the write calls."""
    tid = import_text(study, INTERVIEW, by="coder1")
    text = study.db["transcripts"].get(tid)["text"]
    start, end = find_span(text, "took my passport")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    book_path = tmp_path / "tiny.yaml"
    book_path.write_text(TINY_CODEBOOK, encoding="utf-8")
    memo = add_memo(study, target_type="study", target_id="study", body="a memo", by="coder1")
    with study.writing(by="coder1", action="suggestions.generate"):  # an open suggestion to decide on
        sid = study.db["suggestions"].insert(
            {"transcript_id": tid, "start": start, "end": end, "code_id": CODE_WAGES, "method": "rules",
             "model_version": "rules:test", "score": 0.9, "evidence": "", "status": "open",
             "created_at": "2026-01-01T00:00:00+00:00"}).last_pk
    return {"tid": tid, "cid": cid, "span": (start, end), "book": load_codebook(book_path), "tmp": tmp_path,
            "memo": memo, "suggestion": sid}


WRITES = {
    "add_coding": lambda s, c: add_coding(s, transcript_id=c["tid"], start=c["span"][0], end=c["span"][1],
                                          code_id=CODE_WAGES, by="rev1"),
    "update_coding": lambda s, c: update_coding(s, c["cid"], by="rev1", memo="reviewer memo"),
    "remove_coding": lambda s, c: remove_coding(s, c["cid"], by="rev1"),
    "restore_codings": lambda s, c: restore_codings(s, list(snapshot_codings(s, [c["cid"]]).values()), by="rev1"),
    "apply_codes": lambda s, c: undo.apply_codes(s, transcript_id=c["tid"], start=c["span"][0], end=c["span"][1],
                                                 code_ids=[CODE_WAGES], by="rev1"),
    "undo": lambda s, c: undo.undo(s, undo.Change("apply", (CODE_PASSPORT,),
                                                  after=tuple(snapshot_codings(s, [c["cid"]]).values())), by="rev1"),
    "set_coding_measures": lambda s, c: set_coding_measures(s, c["cid"], ["ON-5"], by="rev1"),
    "reset_coding_measures": lambda s, c: reset_coding_measures(s, c["cid"], by="rev1"),
    "install_codebook": lambda s, c: install_codebook(s, c["book"], None, by="rev1"),
    "add_code": lambda s, c: add_code(s, code_id="barriers/new", name_en="New", parent=None, by="rev1"),
    "update_code": lambda s, c: update_code(s, CODE_DELAY, by="rev1", name_en="Renamed"),
    "merge_codes": lambda s, c: merge_codes(s, source=CODE_WAGES, target=CODE_PASSPORT, by="rev1"),
    "set_code_measures": lambda s, c: set_code_measures(s, CODE_DELAY, [], by="rev1"),
    "delete_code": lambda s, c: delete_code(s, CODE_DELAY, by="rev1"),
    "apply_code": lambda s, c: apply_code(s, spans=[(c["tid"], *c["span"])], code_id=CODE_WAGES, by="rev1"),
    "correct_text": lambda s, c: correct_text(s, c["tid"], "Interviewer: Hi?\nDewi: Hello.", by="rev1"),
    "confirm_coding": lambda s, c: confirm_coding(s, c["cid"], by="rev1"),
    "delete_transcript": lambda s, c: delete_transcript(s, c["tid"], by="rev1"),
    "update_participant": lambda s, c: update_participant(s, 1, attributes={"x": "y"}, by="rev1"),
    "add_memo": lambda s, c: add_memo(s, target_type="study", target_id="study", body="x", by="rev1"),
    "update_memo": lambda s, c: update_memo(s, c["memo"], body="changed", by="rev1"),
    "delete_memo": lambda s, c: delete_memo(s, c["memo"], by="rev1"),
    "generate": lambda s, c: generate(s, c["tid"], by="rev1", method="rules"),
    "accept": lambda s, c: accept(s, c["suggestion"], by="rev1"),
    "reject": lambda s, c: reject(s, c["suggestion"], by="rev1"),
    "accept_all": lambda s, c: accept_all(s, c["tid"], CODE_WAGES, by="rev1"),
    "reopen": lambda s, c: reopen(s, [c["suggestion"]], by="rev1"),
    "save": lambda s, c: ensure_model(s, rules=study_rules(s), by="rev1", policy="always"),  # trains, then saves
    "set_metrics": lambda s, c: set_metrics(s, "any-version", {"x": 1}, by="rev1"),
    "store": lambda s, c: store(s, prepare("P09.txt", b"Interviewer: Hi?\nAna: Hello.\n"),
                                       participant=ParticipantInfo("P09", "survivor"), by="rev1"),
    "add_user": lambda s, c: s.add_user(username="sneaky", role="admin", password="password123", by="rev1"),
    "set_password": lambda s, c: s.set_password(username="coder1", password="password123", by="rev1"),
    "set_meta": lambda s, c: s.set_meta("title", "changed", by="rev1"),
    "assign": lambda s, c: assign(s, c["tid"], coders=["coder1"], by="rev1"),
    "unassign": lambda s, c: unassign(s, c["tid"], coder="coder1", by="rev1"),
    "mark_done": lambda s, c: mark_done(s, c["tid"], by="rev1", coder="coder1"),
    "resolve": lambda s, c: resolve(s, transcript_id=c["tid"], code_id=CODE_PASSPORT, start=c["span"][0],
                                    end=c["span"][1], how="merged", coders=["coder1", "admin1"], by="rev1"),
    "adopt_agreements": lambda s, c: adopt_agreements(s, coders=["coder1", "admin1"], by="rev1"),
    "add_imported_coder": lambda s, c: s.add_imported_coder(username="mei", display_name="Mei", by="rev1"),
    "apply_plan": lambda s, c: apply_plan(s, read_refi(s, "p.qdpx", small_project()), by="rev1"),
    "add_names": lambda s, c: add_names(s, [("Maria Santos", "Dewi")], by="rev1"),
    "remove_name": lambda s, c: remove_name(s, 1, by="rev1"),
    "set_sensitive_codes": lambda s, c: set_sensitive_codes(s, [CODE_DELAY], by="rev1"),
    # A reviewer may set their own reading setting (PERSONAL_ACTIONS), never another user's.
    "set_trauma_informed": lambda s, c: set_trauma_informed(s, user="coder1", enabled=False, by="rev1"),
    "unlock": lambda s, c: accounts.unlock(s, "coder1", by="rev1"),
    "set_role": lambda s, c: accounts.set_role(s, "rev1", "admin", by="rev1"),
    "set_active": lambda s, c: accounts.set_active(s, "coder1", False, by="rev1"),
}


def test_every_write_service_is_tried_by_a_reviewer():
    assert write_services() - set(WRITES) == set(), "a write service with no reviewer test: add it to WRITES"


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_reviewer_writes_raise_and_change_nothing(study, coded, write):
    before = table_counts(study)
    codes_before = study.db.execute("SELECT id, name_en, parent_id, status FROM codes ORDER BY id").fetchall()
    codings_before = study.db.execute("SELECT * FROM codings").fetchall()
    with pytest.raises(PermissionDenied, match="rev1"):
        WRITES[write](study, coded)
    assert table_counts(study) == before
    assert study.db.execute("SELECT id, name_en, parent_id, status FROM codes ORDER BY id").fetchall() == codes_before
    assert study.db.execute("SELECT * FROM codings").fetchall() == codings_before


COORDINATOR_WRITES = {
    "add_user": lambda s: s.add_user(username="sneaky", role="admin", password="password123", by="coder1"),
    "set_password": lambda s: s.set_password(username="admin1", password="password123", by="coder1"),
    "set_meta": lambda s: s.set_meta("title", "changed", by="coder1"),
    "add_names": lambda s: add_names(s, [("Maria Santos", "Dewi")], by="coder1"),
    "set_sensitive_codes": lambda s: set_sensitive_codes(s, [CODE_DELAY], by="coder1"),
    "set_role": lambda s: accounts.set_role(s, "coder1", "admin", by="coder1"),
    "set_active": lambda s: accounts.set_active(s, "admin1", False, by="coder1"),
    "reset_password": lambda s: accounts.reset_password(s, "admin1", "password123", by="coder1"),
}


@pytest.mark.parametrize("write", list(COORDINATOR_WRITES))
def test_coders_may_not_manage_users_or_configure(study, write):
    before = table_counts(study)
    with pytest.raises(PermissionDenied, match="coder1"):
        COORDINATOR_WRITES[write](study)
    assert table_counts(study) == before


@pytest.mark.parametrize("role, scope, allowed, expected", [
    ("admin", "project", False, True), ("coder", "project", False, True), ("reviewer", "findings", False, True),
    ("reviewer", "project", False, False), ("reviewer", "project", True, True), ("stranger", "findings", True, False),
])
def test_exports_by_role_and_the_reviewer_setting(role, scope, allowed, expected):
    assert permissions.may_export(role, scope, reviewers_may_export_project=allowed) is expected


def test_refused_project_export_names_the_user_and_how_to_allow_it():
    with pytest.raises(PermissionDenied, match=r"rev1 \(reviewer\) may not download the project file.*admin"):
        permissions.require_export(username="rev1", role="reviewer", scope="project")
