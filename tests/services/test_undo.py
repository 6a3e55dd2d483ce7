"""workbench.services.undo: every coding action undone restores the same rows (same id, uid, coder)."""

from __future__ import annotations

import pytest

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, INTERVIEW, import_text
from workbench.errors import DuplicateError, InputError, PermissionDenied
from workbench.services import undo
from workbench.services.coding import add_coding, find_span, snapshot_codings, update_coding
from workbench.services.suggest.service import generate, list_suggestions
from workbench.services.transcripts import transcript_text


@pytest.fixture
def transcript(study):
    tid = import_text(study, INTERVIEW, name="P01.txt", by="coder1")
    return tid, transcript_text(study, tid)


def _everything(study):
    """Every coding row, suggestion row and coding count, to compare before an action and after its undo."""
    return {table: study.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("codings", "suggestions", "coding_counts")}


def _span(text, passage):
    return find_span(text, passage)


def test_undo_of_apply_removes_exactly_the_codings_it_created(study, transcript):
    tid, text = transcript
    start, end = _span(text, "took my passport")
    kept = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_DELAY, by="coder1")
    before = _everything(study)
    done = undo.apply_codes(study, transcript_id=tid, start=start, end=end, code_ids=[CODE_PASSPORT, CODE_WAGES,
                            CODE_PASSPORT], by="coder1", assessment="barrier", memo="two codes")
    assert done.code_ids == (CODE_PASSPORT, CODE_WAGES)  # exactly the codes chosen, each once
    assert [s["row"]["code_id"] for s in done.after] == [CODE_PASSPORT, CODE_WAGES]
    undo.undo(study, done, by="coder1")
    assert _everything(study) == before
    assert kept in snapshot_codings(study, [kept])


def test_apply_is_all_or_nothing(study, transcript):
    tid, text = transcript
    start, end = _span(text, "took my passport")
    add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_WAGES, by="coder1")
    before = _everything(study)
    with pytest.raises(DuplicateError):
        undo.apply_codes(study, transcript_id=tid, start=start, end=end, code_ids=[CODE_PASSPORT, CODE_WAGES],
                         by="coder1")
    assert _everything(study) == before
    with pytest.raises(InputError, match="at least one code"):
        undo.apply_codes(study, transcript_id=tid, start=start, end=end, code_ids=[], by="coder1")


@pytest.mark.parametrize("remover", ["coder1", "admin1"])
def test_undo_of_remove_brings_back_the_same_row_under_its_coder(study, transcript, remover):
    tid, text = transcript
    start, end = _span(text, "kept my wages")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_WAGES, by="coder1",
                     assessment="barrier", memo="mine")
    update_coding(study, cid, by="coder1", memo="edited once")  # updated_at set: it must come back too
    before = _everything(study)
    done = undo.remove(study, cid, by=remover)
    assert snapshot_codings(study, [cid]) == {}
    undo.undo(study, done, by=remover)
    assert _everything(study) == before
    row = snapshot_codings(study, [cid])[cid]["row"]
    assert row["coder_id"] == study.user("coder1").id  # not re-created under the admin who undid it


def test_undo_of_change_restores_code_assessment_memo_and_time(study, transcript):
    tid, text = transcript
    start, end = _span(text, "almost a year")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_DELAY, by="coder1")
    before = _everything(study)
    done = undo.change(study, cid, by="coder1", code_id=CODE_WAGES, assessment="facilitator", memo="changed")
    assert done.code_ids == (CODE_DELAY, CODE_WAGES)
    undo.undo(study, done, by="coder1")
    assert _everything(study) == before


def test_undo_of_accept_and_accept_all_reopens_the_suggestions(study, transcript):
    tid, _text = transcript
    generate(study, tid, by="coder1", method="rules")
    before = _everything(study)
    first = list_suggestions(study, tid)[0]
    accepted = undo.accept(study, first["id"], by="coder1", assessment="barrier")
    assert accepted.decided == (first["id"],) and accepted.code_ids == (first["code_id"],)
    undo.undo(study, accepted, by="coder1")
    assert _everything(study) == before
    everything = undo.accept_all(study, tid, first["code_id"], by="coder1")
    assert everything.after and len(everything.decided) == len(everything.after)
    undo.undo(study, everything, by="coder1")
    assert _everything(study) == before
    rejected = undo.reject(study, first["id"], by="coder1")
    undo.undo(study, rejected, by="coder1")
    assert _everything(study) == before


def test_undo_refuses_when_the_coding_changed_since_and_changes_nothing(study, transcript):
    tid, text = transcript
    start, end = _span(text, "took my passport")
    done = undo.apply_codes(study, transcript_id=tid, start=start, end=end, code_ids=[CODE_PASSPORT], by="coder1")
    update_coding(study, done.coding_ids[0], by="admin1", memo="an admin's note")
    before = _everything(study)
    with pytest.raises(InputError, match="has changed since; nothing was undone"):
        undo.undo(study, done, by="coder1")
    assert _everything(study) == before


def test_undo_of_a_removal_refuses_once_the_coding_is_back(study, transcript):
    tid, text = transcript
    start, end = _span(text, "took my passport")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    done = undo.remove(study, cid, by="coder1")
    undo.undo(study, done, by="coder1")
    with pytest.raises(InputError, match="is back already"):
        undo.undo(study, done, by="coder1")


def test_reviewers_cannot_undo(study, transcript):
    tid, text = transcript
    start, end = _span(text, "took my passport")
    done = undo.apply_codes(study, transcript_id=tid, start=start, end=end, code_ids=[CODE_PASSPORT], by="coder1")
    with pytest.raises(PermissionDenied):
        undo.undo(study, done, by="rev1")
    assert snapshot_codings(study, done.coding_ids)


def test_undo_keeps_rows_of_tables_that_refer_to_the_coding(study, transcript):
    """Attributions a later migration adds (a table referring to codings) come back with the coding."""
    tid, text = transcript
    start, end = _span(text, "took my passport")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    study.db.execute("CREATE TABLE coding_notes (coding_id INTEGER NOT NULL REFERENCES codings(id) "
                     "ON DELETE CASCADE, note TEXT)")
    study.db.execute("INSERT INTO coding_notes VALUES (?, 'ON-3 confirmed')", [cid])
    study.db.conn.commit()
    done = undo.remove(study, cid, by="coder1")
    assert study.db.execute("SELECT count(*) FROM coding_notes").fetchone()[0] == 0
    undo.undo(study, done, by="coder1")
    assert study.db.execute("SELECT * FROM coding_notes").fetchall() == [(cid, "ON-3 confirmed")]


def test_undo_of_a_measures_decision_restores_the_one_before(study, transcript):
    from workbench.services.attributions import decided_measures

    tid, text = transcript
    start, end = _span(text, "took my passport")
    coding = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1",
                        measures=["ON-3"])
    change = undo.measures(study, coding, by="coder1", confirmed=["ON-2", "ON-3"])
    assert decided_measures(study, coding) == ["ON-2", "ON-3"] and change.action == "measures"
    back_to_derived = undo.measures(study, coding, by="coder1", confirmed=None)
    assert decided_measures(study, coding) is None
    undo.undo(study, back_to_derived, by="coder1")
    assert decided_measures(study, coding) == ["ON-2", "ON-3"]
    undo.undo(study, change, by="coder1")
    assert decided_measures(study, coding) == ["ON-3"]
    with pytest.raises(PermissionDenied):
        undo.measures(study, coding, by="rev1", confirmed=[])
