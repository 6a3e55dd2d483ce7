"""workbench.services.codes: installing codebooks (stable ids), editing, moving and merging codes."""

from __future__ import annotations

import json

import pytest

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, INTERVIEW, TINY_CODEBOOK, import_text, table_counts
from workbench.errors import DuplicateError, InputError, NotFoundError, PermissionDenied
from workbench.services.codebook import Code, Codebook, load_codebook, load_framework
from workbench.services.codes import (
    add_code,
    delete_code,
    get_code,
    install_codebook,
    list_codes,
    list_measures,
    merge_codes,
    set_code_measures,
    update_code,
)
from workbench.services.coding import add_coding, find_span, list_codings
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

FRAMEWORK = """\
format: workbench-framework/1
id: plan
title: Plan
pillars: [{id: protection}]
measures:
  - {id: M-2, pillar: protection, title: Second}
  - {id: M-1, pillar: protection, title: First}
"""


@pytest.fixture
def empty(tmp_path):
    """A study without a codebook (writes by the built-in system account, an admin)."""
    with Study.open(tmp_path / "empty.db", create=True) as study:
        yield study


def _book(tmp_path, text=TINY_CODEBOOK, name="tiny.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_codebook(path)


def test_install_adds_codes_in_order(empty, tmp_path):
    assert install_codebook(empty, _book(tmp_path), None, by="system") == {"added": 5, "updated": 0}
    codes = list_codes(empty)
    assert [c["id"] for c in codes] == ["exploitation", CODE_PASSPORT, CODE_WAGES, "barriers", CODE_DELAY]
    passport = get_code(empty, CODE_PASSPORT)
    assert (passport["parent_id"], passport["name_zh"], passport["codings"]) == ("exploitation", "證件被扣留", 0)
    assert passport["keywords"] == {"en": ["passport"], "zh": ["護照"]}
    assert empty.meta("codebook") and '"tiny"' in empty.meta("codebook")


def test_install_twice_keeps_ids_and_codings_and_updates_names(empty, tmp_path):
    install_codebook(empty, _book(tmp_path), None, by="system")
    tid = import_text(empty, INTERVIEW, by="system")
    start, end = find_span(transcript_text(empty, tid), "took my passport")
    add_coding(empty, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="system")
    renamed = _book(tmp_path, TINY_CODEBOOK.replace("Documents retained", "Passport or ID withheld"), "v2.yaml")
    assert install_codebook(empty, renamed, None, by="system") == {"added": 0, "updated": 5}
    assert get_code(empty, CODE_PASSPORT)["name_en"] == "Passport or ID withheld"
    assert get_code(empty, CODE_PASSPORT)["codings"] == 1
    assert len(list_codes(empty)) == 5
    assert list_codings(empty)[0]["code_id"] == CODE_PASSPORT


def test_install_children_listed_before_parents(empty, tmp_path):
    text = ("format: workbench-codebook/1\nid: rev\ntitle: Reversed\ncodes:\n"
            "  - {id: a/b/c, parent: a/b, name: C}\n  - {id: a/b, parent: a, name: B}\n  - {id: a, name: A}\n")
    install_codebook(empty, _book(tmp_path, text), None, by="system")
    assert {c["id"]: c["parent_id"] for c in list_codes(empty)} == {"a": None, "a/b": "a", "a/b/c": "a/b"}


def test_install_with_framework_stores_measures_and_links(empty, tmp_path):
    (tmp_path / "plan.yaml").write_text(FRAMEWORK, encoding="utf-8")
    framework = load_framework(tmp_path / "plan.yaml")
    book = _book(tmp_path, TINY_CODEBOOK.replace("    keywords:", "    measures: [M-1, M-2]\n    keywords:"))
    install_codebook(empty, book, framework, by="system")
    assert [m["id"] for m in list_measures(empty)] == ["M-2", "M-1"]  # catalogue order
    assert get_code(empty, CODE_PASSPORT)["measures"] == ["M-1", "M-2"]
    # reinstalling without a measure drops the link
    install_codebook(empty, _book(tmp_path, TINY_CODEBOOK.replace("    keywords:", "    measures: [M-2]\n    keywords:"),
                                  "v2.yaml"), framework, by="system")
    assert get_code(empty, CODE_PASSPORT)["measures"] == ["M-2"]


def test_shipped_or_tiny_codebook_in_the_fixture(study):
    ids = {c["id"] for c in list_codes(study)}
    assert {CODE_PASSPORT, CODE_WAGES, CODE_DELAY} <= ids


def test_add_code(study):
    add_code(study, code_id="barriers/new_barrier", name_en="New barrier", name_zh="新障礙",
             parent=get_code(study, CODE_DELAY)["parent_id"], by="coder1")
    code = get_code(study, "barriers/new_barrier")
    assert (code["name_zh"], code["parent_id"], code["created_by"]) == ("新障礙", "barriers", study.user("coder1").id)
    assert list_codes(study)[-1]["id"] == "barriers/new_barrier"
    with pytest.raises(DuplicateError):
        add_code(study, code_id="barriers/new_barrier", name_en="Again", by="coder1")
    with pytest.raises(NotFoundError):
        add_code(study, code_id="x/y", name_en="Y", parent="x", by="coder1")
    with pytest.raises(InputError, match="without spaces"):
        add_code(study, code_id="has space", name_en="S", by="coder1")
    assert not study.db.execute("SELECT 1 FROM codes WHERE id IN ('x/y', 'has space')").fetchone()


def test_update_code_renames_without_changing_the_id(study):
    update_code(study, CODE_DELAY, by="coder1", name_en="Waiting", name_zh="等候", color="#123456")
    code = get_code(study, CODE_DELAY)
    assert (code["name_en"], code["name_zh"], code["color"]) == ("Waiting", "等候", "#123456")
    assert code["updated_by"] == study.user("coder1").id
    with pytest.raises(InputError, match="cannot change id"):
        update_code(study, CODE_DELAY, by="coder1", id="barriers/waiting")
    with pytest.raises(NotFoundError):
        update_code(study, "no/such", by="coder1", name_en="x")


def test_move_code(study):
    update_code(study, CODE_DELAY, by="coder1", parent_id="exploitation")
    assert get_code(study, CODE_DELAY)["parent_id"] == "exploitation"
    update_code(study, CODE_DELAY, by="coder1", parent_id=None)
    assert get_code(study, CODE_DELAY)["parent_id"] is None


def test_move_refuses_cycles(study):
    add_code(study, code_id="barriers/delay/court", name_en="Court delay", parent=CODE_DELAY, by="coder1")
    with pytest.raises(InputError, match="own descendant"):
        update_code(study, "barriers", by="coder1", parent_id="barriers/delay/court")
    with pytest.raises(InputError, match="own descendant"):
        update_code(study, CODE_DELAY, by="coder1", parent_id=CODE_DELAY)
    assert get_code(study, "barriers")["parent_id"] is None
    with pytest.raises(NotFoundError):
        update_code(study, CODE_DELAY, by="coder1", parent_id="no/such")


def test_merge_carries_codings_and_retires_the_source(study):
    tid = import_text(study, INTERVIEW, by="coder1")
    text = transcript_text(study, tid)
    for passage in ("took my passport", "kept my wages"):
        start, end = find_span(text, passage)
        add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_WAGES, by="coder1")
    add_code(study, code_id=f"{CODE_WAGES}/partial", name_en="Partly paid", parent=CODE_WAGES, by="coder1")
    assert merge_codes(study, source=CODE_WAGES, target=CODE_PASSPORT, by="coder1") == 2
    assert [c["code_id"] for c in list_codings(study)] == [CODE_PASSPORT, CODE_PASSPORT]
    assert CODE_WAGES not in {c["id"] for c in list_codes(study)}
    retired = {c["id"]: c for c in list_codes(study, include_inactive=True)}[CODE_WAGES]
    assert (retired["status"], retired["merged_into"]) == ("merged", CODE_PASSPORT)
    assert get_code(study, f"{CODE_WAGES}/partial")["parent_id"] == CODE_PASSPORT
    with pytest.raises(NotFoundError):
        get_code(study, CODE_WAGES)
    row = study.db.execute("SELECT user_id, action, entity_id FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert row == (study.user("coder1").id, "merge", CODE_WAGES)


def test_merge_refuses_itself_and_unknown_codes(study):
    with pytest.raises(InputError, match="itself"):
        merge_codes(study, source=CODE_DELAY, target=CODE_DELAY, by="coder1")
    with pytest.raises(NotFoundError):
        merge_codes(study, source="no/such", target=CODE_DELAY, by="coder1")


def test_regression_merging_a_code_into_its_descendant_is_refused(study):
    """Merging a theme into one of its own codes made that code its own parent (a cycle in the tree)."""
    theme = get_code(study, CODE_PASSPORT)["parent_id"]
    before = study.db.execute("SELECT id, parent_id, status FROM codes ORDER BY id").fetchall()
    with pytest.raises(InputError, match="descendant"):
        merge_codes(study, source=theme, target=CODE_PASSPORT, by="coder1")
    assert study.db.execute("SELECT id, parent_id, status FROM codes ORDER BY id").fetchall() == before
    assert not study.db.execute("SELECT 1 FROM codes WHERE parent_id = id").fetchone()


def _coded_by(study, tid, passage, code, by):
    start, end = find_span(transcript_text(study, tid), passage)
    return add_coding(study, transcript_id=tid, start=start, end=end, code_id=code, by=by)


def test_finding_8_a_coder_cannot_merge_or_move_codes_carrying_another_coders_codings(study):
    """Issue 13, finding 8: merge_codes by one coder moved the other coder's codings; the audit held only a count."""
    study.add_user(username="coder2", role="coder", password="correct-horse-42")
    tid = import_text(study, INTERVIEW, by="coder1")
    mine = _coded_by(study, tid, "took my passport", CODE_WAGES, "coder1")
    theirs = _coded_by(study, tid, "kept my wages", CODE_WAGES, "coder2")
    before = study.db.execute("SELECT id, code_id FROM codings ORDER BY id").fetchall()
    with pytest.raises(PermissionDenied, match="1 by coder2"):
        merge_codes(study, source=CODE_WAGES, target=CODE_PASSPORT, by="coder1")
    with pytest.raises(PermissionDenied, match="1 by coder2"):
        update_code(study, CODE_WAGES, by="coder1", parent_id="barriers")
    with pytest.raises(PermissionDenied, match="coder2"):  # the theme carries them too
        update_code(study, "exploitation", by="coder1", parent_id="barriers")
    assert study.db.execute("SELECT id, code_id FROM codings ORDER BY id").fetchall() == before
    assert get_code(study, CODE_WAGES)["parent_id"] == "exploitation"
    assert merge_codes(study, source=CODE_WAGES, target=CODE_PASSPORT, by="admin1") == 2
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log WHERE action = 'merge'").fetchone()[0])
    assert detail["codings"] == [mine, theirs] and detail["coders"] == {"coder1": 1, "coder2": 1}


def test_a_coder_merges_and_moves_codes_holding_only_their_own_codings(study):
    tid = import_text(study, INTERVIEW, by="coder1")
    mine = _coded_by(study, tid, "took my passport", CODE_WAGES, "coder1")
    update_code(study, CODE_WAGES, by="coder1", parent_id="barriers")
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log WHERE action = 'update' "
                                         "ORDER BY id DESC").fetchone()[0])
    assert detail["codings"] == [mine] and detail["before"] == {"parent_id": "exploitation"}
    assert merge_codes(study, source=CODE_WAGES, target=CODE_DELAY, by="coder1") == 1


def test_rename_and_definition_edits_are_audited_with_before_and_after(study):
    old = get_code(study, CODE_DELAY)
    update_code(study, CODE_DELAY, by="coder1", name_en="Waiting", definition_zh="等候太久",
                include=["court delays", " "], exclude=["delay in paying wages"])
    code = get_code(study, CODE_DELAY)
    assert (code["include"], code["exclude"], code["definition_zh"]) == (
        ["court delays"], ["delay in paying wages"], "等候太久")
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log ORDER BY id DESC").fetchone()[0])
    assert detail["before"]["name_en"] == old["name_en"] and detail["after"]["name_en"] == "Waiting"
    assert detail["fields"] == ["definition_zh", "exclude", "include", "name_en"]
    audits = study.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    update_code(study, CODE_DELAY, by="coder1", name_en="Waiting")  # no change, no write
    assert study.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audits


def test_set_code_measures_replaces_the_mapping(study):
    measures = [m["id"] for m in list_measures(study)]
    if not measures:
        pytest.skip("the fixture's codebook has no framework")
    set_code_measures(study, CODE_DELAY, [measures[1], measures[0]], by="coder1")
    assert get_code(study, CODE_DELAY)["measures"] == sorted(measures[:2])
    with pytest.raises(InputError, match="no measure NOPE"):
        set_code_measures(study, CODE_DELAY, ["NOPE"], by="coder1")
    set_code_measures(study, CODE_DELAY, [], by="coder1")
    assert get_code(study, CODE_DELAY)["measures"] == []
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log ORDER BY id DESC").fetchone()[0])
    assert detail["before"]["measures"] == sorted(measures[:2]) and detail["after"]["measures"] == []


def test_delete_a_code_without_codings_and_refuse_one_with_codings(study):
    add_code(study, code_id="barriers/unused", name_en="Unused", parent="barriers", by="coder1")
    delete_code(study, "barriers/unused", by="coder1")
    assert "barriers/unused" not in {c["id"] for c in list_codes(study)}
    tid = import_text(study, INTERVIEW, by="coder1")
    _coded_by(study, tid, "took my passport", CODE_PASSPORT, "coder1")
    with pytest.raises(InputError, match="merge it into another code"):
        delete_code(study, CODE_PASSPORT, by="coder1")
    with pytest.raises(InputError, match="below it"):
        delete_code(study, "barriers", by="admin1")
    with pytest.raises(PermissionDenied):
        delete_code(study, CODE_DELAY, by="rev1")
    assert get_code(study, CODE_DELAY)


# -- issue 13 finding 1: a colour is a colour and nothing else ------------------------------------------------
HOSTILE_COLOURS = ['#fff" onerror="alert(1)', "red", "#12345", "url(http://127.0.0.2/x)", "#1234567",
                   "#abcdef;background:url(x)", "", None, 123]


@pytest.mark.parametrize("colour", HOSTILE_COLOURS)
def test_finding1_add_code_refuses_anything_but_a_hex_colour(study, colour):
    before = table_counts(study)
    with pytest.raises(InputError, match="six hex digits"):
        add_code(study, code_id="barriers/new", name_en="New", parent="barriers", color=colour, by="coder1")
    assert table_counts(study) == before


@pytest.mark.parametrize("colour", HOSTILE_COLOURS)
def test_finding1_update_code_refuses_anything_but_a_hex_colour(study, colour):
    with pytest.raises(InputError, match="six hex digits"):
        update_code(study, CODE_DELAY, by="coder1", color=colour)
    assert get_code(study, CODE_DELAY)["color"] != colour


def test_finding1_short_colours_are_stored_as_rrggbb(study):
    add_code(study, code_id="barriers/new", name_en="New", parent="barriers", color="#AbC", by="coder1")
    assert get_code(study, "barriers/new")["color"] == "#AAbbCC"
    update_code(study, "barriers/new", by="coder1", color="#123")
    assert get_code(study, "barriers/new")["color"] == "#112233"


def test_finding1_a_codebook_built_in_code_is_checked_too(study):
    book = Codebook(id="x", title_en="X", title_zh="", version="1", framework=None,
                    codes=[Code(id="x", name_en="X", color='#000" onerror="alert(1)')])
    with pytest.raises(InputError, match="six hex digits"):
        install_codebook(study, book, None, by="coder1")
    assert study.db.execute("SELECT count(*) FROM codes WHERE id = 'x'").fetchone()[0] == 0
