"""Memos: writing, listing, searching, ownership, reviewers refused, memos kept on codings."""

import pytest

from tests.helpers import CODE_PASSPORT, INTERVIEW, PASSWORD, import_text
from workbench.errors import InputError, NotFoundError, PermissionDenied
from workbench.services.coding import add_coding, find_span
from workbench.services.memos import add_memo, coding_memos, delete_memo, list_memos, update_memo


def test_memo_is_listed_by_target_and_found_by_phrase(study):
    tid = import_text(study, INTERVIEW)
    first = add_memo(study, target_type="transcript", target_id=tid, body="Screening felt like a checklist.",
                     title="Screening", by="coder1")
    add_memo(study, target_type="code", target_id=CODE_PASSPORT, body="Agencies keep passports.", by="coder1")
    assert [m["id"] for m in list_memos(study, target_type="transcript", target_id=tid)] == [first]
    assert [m["title"] for m in list_memos(study, query="CHECKLIST")] == ["Screening"]
    assert len(list_memos(study)) == 2


def test_empty_memo_and_unknown_target_are_refused(study):
    with pytest.raises(InputError, match="empty"):
        add_memo(study, target_type="study", target_id="study", body="   ", by="coder1")
    with pytest.raises(InputError, match="target must be one of"):
        add_memo(study, target_type="planet", target_id="x", body="text", by="coder1")


def test_only_the_author_or_an_admin_changes_a_memo(study):
    study.add_user(username="coder2", role="coder", password=PASSWORD)
    memo = add_memo(study, target_type="study", target_id="study", body="first thoughts", by="coder1")
    with pytest.raises(PermissionDenied, match="belongs to coder1"):
        update_memo(study, memo, body="overwritten", by="coder2")
    with pytest.raises(PermissionDenied):
        delete_memo(study, memo, by="coder2")
    update_memo(study, memo, body="second thoughts", by="admin1")
    assert list_memos(study)[0]["body"] == "second thoughts"
    delete_memo(study, memo, by="coder1")
    assert list_memos(study) == []


def test_reviewer_cannot_write_memos(study):
    with pytest.raises(PermissionDenied):
        add_memo(study, target_type="study", target_id="study", body="a note", by="rev1")


def test_memos_on_codings_are_listed_and_searched(study):
    tid = import_text(study, INTERVIEW)
    text = study.db.execute("SELECT text FROM transcripts WHERE id = ?", [tid]).fetchone()[0]
    start, end = find_span(text, "passport")
    add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1",
               memo="Kept by the agency, not the employer")
    rows = coding_memos(study, query="agency")
    assert [(r["code_id"], r["author"]) for r in rows] == [(CODE_PASSPORT, "coder1")]
    assert coding_memos(study, query="nothing like this") == []


def test_memos_name_their_target_readably(study):
    tid = import_text(study, INTERVIEW)
    pid = study.db.execute("SELECT id FROM participants").fetchone()[0]
    add_memo(study, target_type="participant", target_id=pid, body="Spoke through an interpreter.", by="coder1")
    add_memo(study, target_type="transcript", target_id=tid, body="Noisy recording.", by="coder1")
    add_memo(study, target_type="code", target_id=CODE_PASSPORT, body="Agencies too.", by="coder1")
    add_memo(study, target_type="study", target_id="study", body="Overall.", by="coder1")
    assert [m["about"] for m in list_memos(study)] == [
        "the study", f"code {study.db['codes'].get(CODE_PASSPORT)['name_en']} ({CODE_PASSPORT})",
        "transcript P01", "participant P01"]


def test_memo_on_a_missing_target_or_emptied_is_refused(study):
    with pytest.raises(NotFoundError, match="no participant"):
        add_memo(study, target_type="participant", target_id=999, body="text", by="coder1")
    with pytest.raises(NotFoundError, match="no code"):
        add_memo(study, target_type="code", target_id="no/such", body="text", by="coder1")
    memo = add_memo(study, target_type="study", target_id="study", body="first", by="coder1")
    with pytest.raises(InputError, match="empty"):
        update_memo(study, memo, body=" ", by="coder1")
    assert list_memos(study)[0]["body"] == "first"
