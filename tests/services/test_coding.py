"""workbench.services.coding: applying codes to code-point spans, ownership, undo."""

from __future__ import annotations

import pytest

from tests.helpers import CHINESE_INTERVIEW, CODE_DELAY, CODE_PASSPORT, CODE_WAGES, INTERVIEW, import_text
from workbench.errors import DuplicateError, InputError, NotFoundError, PermissionDenied
from workbench.services.codes import merge_codes
from workbench.services.coding import (
    add_coding,
    apply_code,
    find_span,
    get_coding,
    list_codings,
    recent_codes,
    remove_coding,
    restore_codings,
    snapshot_codings,
    transcript_text,
    update_coding,
)
from workbench.text.offsets import text_hash


@pytest.fixture
def transcript(study):
    tid = import_text(study, INTERVIEW, name="P01.txt", by="coder1")
    return tid, transcript_text(study, tid)


def _code(study, tid, text, passage, code=CODE_PASSPORT, by="coder1", **kw):
    start, end = find_span(text, passage)
    return add_coding(study, transcript_id=tid, start=start, end=end, code_id=code, by=by, **kw)


def test_find_span_occurrences():
    text = "passport, then passport again, passport"
    assert find_span(text, "passport") == (0, 8)
    assert find_span(text, "passport", occurrence=2) == (15, 23)
    assert find_span(text, "passport", occurrence=3) == (31, 39)
    with pytest.raises(InputError, match="does not occur 4 time"):
        find_span(text, "passport", occurrence=4)
    with pytest.raises(InputError, match="does not occur"):
        find_span(text, "visa")
    with pytest.raises(InputError, match="empty"):
        find_span(text, "")


def test_find_span_overlapping_occurrences():
    assert find_span("aaaa", "aa", occurrence=2) == (1, 3)


def test_add_coding_stores_snippet_hash_and_coder(study, transcript):
    tid, text = transcript
    cid = _code(study, tid, text, "My employer took my passport on the first day.", assessment="barrier", memo="m")
    coding = get_coding(study, cid)
    assert coding["snippet"] == text[coding["start"]:coding["end"]] == "My employer took my passport on the first day."
    assert (coding["coder"], coding["code_id"], coding["assessment"], coding["memo"], coding["origin"]) == (
        "coder1", CODE_PASSPORT, "barrier", "m", "manual")
    assert coding["intact"] == 1
    stored_hash = study.db.execute("SELECT text_hash FROM codings WHERE id = ?", [cid]).fetchone()[0]
    assert stored_hash == text_hash(text) == study.db["transcripts"].get(tid)["text_hash"]
    assert coding["transcript"] == "P01"


def test_add_coding_trims_white_space(study, transcript):
    tid, text = transcript
    start, end = find_span(text, "took my passport")
    cid = add_coding(study, transcript_id=tid, start=start - 1, end=end + 1, code_id=CODE_PASSPORT, by="coder1")
    assert text[start - 1] == " " and text[end] == " "
    coding = get_coding(study, cid)
    assert (coding["start"], coding["end"], coding["snippet"]) == (start, end, "took my passport")
    line_end = text.index("\n")
    cid = add_coding(study, transcript_id=tid, start=line_end - 3, end=line_end + 14, code_id=CODE_DELAY,
                     by="coder1")
    snippet = get_coding(study, cid)["snippet"]
    assert snippet == snippet.strip() and "\n" in snippet


@pytest.mark.parametrize("start, end, code, assessment, phrase", [
    (-1, 5, CODE_PASSPORT, None, "outside"),
    (5, 5, CODE_PASSPORT, None, "outside"),
    (0, 10_000, CODE_PASSPORT, None, "outside"),
    (0, 5, "no/such_code", None, "no active code"),
    (0, 5, CODE_PASSPORT, "good", "assessment"),
])
def test_add_coding_refuses_bad_input(study, transcript, start, end, code, assessment, phrase):
    tid, _ = transcript
    with pytest.raises(InputError, match=phrase):
        add_coding(study, transcript_id=tid, start=start, end=end, code_id=code, by="coder1", assessment=assessment)
    assert study.counts()["codings"] == 0


def test_white_space_only_span_is_refused(study, transcript):
    tid, text = transcript
    line_end = text.index("\n")
    with pytest.raises(InputError, match="white space"):
        add_coding(study, transcript_id=tid, start=line_end, end=line_end + 1, code_id=CODE_PASSPORT, by="coder1")


def test_unknown_transcript(study):
    with pytest.raises(NotFoundError):
        add_coding(study, transcript_id=999, start=0, end=1, code_id=CODE_PASSPORT, by="coder1")


def test_merged_code_cannot_be_applied(study, transcript):
    tid, text = transcript
    merge_codes(study, source=CODE_WAGES, target=CODE_PASSPORT, by="coder1")
    with pytest.raises(InputError, match="no active code"):
        _code(study, tid, text, "kept my wages", code=CODE_WAGES)


def test_chinese_and_astral_offsets_are_code_points(study):
    tid = import_text(study, CHINESE_INTERVIEW, name="P02.txt")
    text = transcript_text(study, tid)
    passage = "𠝹佢哋收咗我本護照"
    start, end = find_span(text, passage)
    assert end - start == 9  # code points, although 𠝹 is two UTF-16 units
    assert len(text[start:end].encode("utf-16-le")) // 2 == 10
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    assert get_coding(study, cid)["snippet"] == passage
    # a later span after the emoji is still exact
    later = find_span(text, "勞資審裁處")
    cid2 = add_coding(study, transcript_id=tid, start=later[0], end=later[1], code_id=CODE_DELAY, by="coder1")
    assert get_coding(study, cid2)["snippet"] == "勞資審裁處"


def test_list_codings_filters_and_orders(study, transcript):
    tid, text = transcript
    study.add_user(username="coder2", role="coder", password="password-two", by="admin1")
    late = _code(study, tid, text, "almost a year", code=CODE_DELAY)
    early = _code(study, tid, text, "took my passport")
    other = _code(study, tid, text, "kept my wages", code=CODE_WAGES, by="coder2")
    assert [c["id"] for c in list_codings(study)] == [early, other, late]
    assert [c["id"] for c in list_codings(study, coder="coder2")] == [other]
    assert [c["id"] for c in list_codings(study, code_id=CODE_DELAY)] == [late]
    assert [c["id"] for c in list_codings(study, transcript_id=tid, coder="coder1")] == [early, late]
    assert list_codings(study, transcript_id=tid + 1) == []


def test_damaged_transcript_marks_codings_not_intact(study, transcript):
    tid, text = transcript
    cid = _code(study, tid, text, "took my passport")
    study.db.execute("UPDATE transcripts SET text_hash = 'changed' WHERE id = ?", [tid])
    assert get_coding(study, cid)["intact"] == 0


def test_update_coding(study, transcript):
    tid, text = transcript
    cid = _code(study, tid, text, "kept my wages", code=CODE_PASSPORT, assessment="barrier", memo="first")
    update_coding(study, cid, by="coder1", code_id=CODE_WAGES, assessment="neutral", memo="second")
    coding = get_coding(study, cid)
    assert (coding["code_id"], coding["assessment"], coding["memo"]) == (CODE_WAGES, "neutral", "second")
    update_coding(study, cid, by="coder1", assessment="", memo="")
    coding = get_coding(study, cid)
    assert (coding["assessment"], coding["memo"]) == (None, None)
    with pytest.raises(InputError, match="no active code"):
        update_coding(study, cid, by="coder1", code_id="nope")
    with pytest.raises(InputError, match="assessment"):
        update_coding(study, cid, by="coder1", assessment="great")
    assert get_coding(study, cid)["code_id"] == CODE_WAGES


def test_regression_only_owner_or_admin_may_change_a_coding(study, transcript):
    """Another coder changing a coding raised InputError; it is a permission refusal (PermissionDenied)."""
    tid, text = transcript
    study.add_user(username="coder2", role="coder", password="password-two", by="admin1")
    cid = _code(study, tid, text, "took my passport", by="coder1")
    with pytest.raises(PermissionDenied, match="belongs to coder1"):
        update_coding(study, cid, by="coder2", memo="not mine")
    with pytest.raises(PermissionDenied, match="belongs to coder1"):
        remove_coding(study, cid, by="coder2")
    assert get_coding(study, cid)["memo"] is None
    update_coding(study, cid, by="admin1", memo="admin note")
    assert get_coding(study, cid)["memo"] == "admin note"
    remove_coding(study, cid, by="admin1")
    with pytest.raises(NotFoundError):
        get_coding(study, cid)


def test_owner_removes_and_restores_the_same_row(study, transcript):
    tid, text = transcript
    cid = _code(study, tid, text, "took my passport", assessment="barrier", memo="undo me")
    snapshot = snapshot_codings(study, [cid])[cid]
    removed = remove_coding(study, cid, by="coder1")
    assert study.counts()["codings"] == 0 and removed["id"] == cid
    restore_codings(study, [snapshot], by="coder1")
    assert snapshot_codings(study, [cid]) == {cid: snapshot}  # same id, uid, coder and times: the row itself
    assert get_coding(study, cid)["coder"] == "coder1"


def test_an_admin_restores_a_coders_coding_under_the_coder(study, transcript):
    tid, text = transcript
    cid = _code(study, tid, text, "took my passport")
    snapshot = snapshot_codings(study, [cid])[cid]
    remove_coding(study, cid, by="admin1")
    study.add_user(username="coder2", role="coder", password="password-two", by="admin1")
    with pytest.raises(PermissionDenied, match="belongs to coder1"):
        restore_codings(study, [snapshot], by="coder2")
    restore_codings(study, [snapshot], by="admin1")
    assert get_coding(study, cid)["coder"] == "coder1"
    assert study.db.execute("SELECT action FROM audit_log WHERE entity = 'coding' AND entity_id = ? ORDER BY id",
                            [str(cid)]).fetchall() == [("create",), ("delete",), ("restore",)]


def test_recent_codes_are_the_coders_own_latest_first(study, transcript):
    tid, text = transcript
    _code(study, tid, text, "took my passport", code=CODE_PASSPORT)
    _code(study, tid, text, "kept my wages", code=CODE_WAGES)
    _code(study, tid, text, "almost a year", code=CODE_PASSPORT)
    _code(study, tid, text, "almost a year", code=CODE_DELAY, by="admin1")
    assert recent_codes(study, coder="coder1") == [CODE_PASSPORT, CODE_WAGES]
    assert recent_codes(study, coder="coder1", limit=1) == [CODE_PASSPORT]
    assert recent_codes(study, coder="admin1") == [CODE_DELAY]


def test_remove_unknown_coding(study):
    with pytest.raises(NotFoundError):
        remove_coding(study, 12345, by="coder1")


def test_regression_same_code_twice_in_one_second_does_not_crash(study, transcript):
    """The uid was uuid5(span, code, coder, time to the second): a second identical coding within the same
    second died with sqlite3.IntegrityError. Now the same coder's duplicate is refused with a message, and
    another code on the same span gets its own uid."""
    tid, text = transcript
    first = _code(study, tid, text, "took my passport")
    with pytest.raises(DuplicateError, match="already applied"):
        _code(study, tid, text, "took my passport")
    start, end = find_span(text, "took my passport")
    second = add_coding(study, transcript_id=tid, start=start, end=end, code_id="barriers/fear_retaliation",
                        by="coder1")
    assert get_coding(study, first)["uid"] != get_coding(study, second)["uid"]


def test_apply_code_to_many_spans_reports_applied_already_and_failed(study):
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    first, second = find_span(text, "took my passport"), find_span(text, "kept my wages")
    existing = add_coding(study, transcript_id=tid, start=first[0], end=first[1], code_id=CODE_PASSPORT, by="coder1")
    spans = [(tid, *first), (tid, *second), (tid, *second), (tid, len(text) + 5, len(text) + 9)]
    outcome = apply_code(study, spans=spans, code_id=CODE_PASSPORT, by="coder1")
    assert outcome["already"] == [(tid, *first)] and len(outcome["failed"]) == 1
    [new] = outcome["applied"]
    assert get_coding(study, new)["snippet"] == "kept my wages"
    assert {c["id"] for c in list_codings(study)} == {existing, new}
    with pytest.raises(PermissionDenied):
        apply_code(study, spans=spans, code_id=CODE_PASSPORT, by="rev1")
