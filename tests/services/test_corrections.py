"""workbench.services.corrections: correcting a transcript's text keeps every coding on its words or flags it."""

from __future__ import annotations

import random

import pytest

from tests.helpers import CHINESE_INTERVIEW, CODE_DELAY, CODE_PASSPORT, CODE_WAGES, DISTINCTIVE, INTERVIEW, PASSWORD, import_text
from workbench.errors import InputError, PermissionDenied
from workbench.services.coding import add_coding, find_span, list_codings
from workbench.services.corrections import (
    TextDiff,
    confirm_coding,
    correct_text,
    flagged_codings,
    plan_correction,
)
from workbench.services.search import search
from workbench.services.transcripts import transcript_text, turns


def _code(study, tid, passage, code=CODE_PASSPORT, by="coder1"):
    start, end = find_span(transcript_text(study, tid), passage)
    return add_coding(study, transcript_id=tid, start=start, end=end, code_id=code, by=by)


def _by_id(study):
    return {c["id"]: c for c in list_codings(study)}


def test_text_diff_maps_offsets_around_a_replacement():
    old, new = "Dewi said: Maria took it.", "Dewi said: [NAME-1] took it."
    diff = TextDiff(old, new)
    took = old.index("took")
    assert new[diff.position(took, side="start"):diff.position(took + 4, side="end")] == "took"
    assert diff.position(3, side="end") == 3  # before the change: unchanged
    assert diff.changed(old.index("Maria"), old.index("Maria") + 5)
    assert not diff.changed(took, took + 4) and not diff.changed(0, 4)


def test_text_diff_insertion_at_a_passage_edge_stays_outside_it():
    old, new = "甲乙丙丁戊", "甲乙X丙丁Y戊"
    diff = TextDiff(old, new)
    assert new[diff.position(2, side="start"):diff.position(4, side="end")] == "丙丁" and not diff.changed(2, 4)
    assert diff.changed(1, 5)  # an insertion strictly inside a passage changes it
    assert new[diff.position(2, side="start", inclusive=True):diff.position(4, side="end", inclusive=True)] == "X丙丁Y"


def test_text_diff_compares_words_not_letters():
    old, new = "they took my passport", "they kept my passport"
    diff = TextDiff(old, new)
    assert [(old[e.a0:e.a1], new[e.b0:e.b1]) for e in diff.edits] == [("took", "kept")]
    chinese = TextDiff("阿玲收咗我本護照", "[NAME-1]收咗我本護照")
    assert [(e.a0, e.a1) for e in chinese.edits] == [(0, 2)]


def test_text_diff_against_random_edits_keeps_every_untouched_span():
    rng = random.Random(7)
    words = [rng.choice(["passport", "護照", "𠝹", "agency", "wages", "\n", "佢哋", "year"]) for _ in range(400)]
    old = " ".join(words)
    new_words = list(words)
    for _ in range(25):
        new_words[rng.randrange(len(new_words))] = rng.choice(["[NAME]", "", "Siti", "我"])
    new = " ".join(new_words)
    diff = TextDiff(old, new)
    for _ in range(300):
        a = rng.randrange(len(old) - 1)
        b = rng.randrange(a + 1, min(a + 40, len(old)) + 1)
        if not diff.changed(a, b):
            assert new[diff.position(a, side="start"):diff.position(b, side="end")] == old[a:b]


def test_redacting_a_name_shifts_later_codings_and_flags_the_one_on_the_name(study):
    tid = import_text(study, INTERVIEW)
    later = _code(study, tid, "kept my wages", CODE_WAGES)
    on_name = _code(study, tid, DISTINCTIVE, CODE_DELAY)
    earlier = _code(study, tid, "took my passport")
    new_text = transcript_text(study, tid).replace("Through an agency.", "Through [AGENCY-1].").replace(
        "violet umbrella", "[PLACE-1]")
    result = correct_text(study, tid, new_text, by="coder1")
    assert (sorted(result.shifted), result.flagged, result.removed) == (sorted([later, earlier]), [on_name], [])
    text = transcript_text(study, tid)
    codings = _by_id(study)
    for cid, words in ((later, "kept my wages"), (earlier, "took my passport")):
        c = codings[cid]
        assert text[c["start"]:c["end"]] == c["snippet"] == words and c["intact"]
    flagged = codings[on_name]
    assert text[flagged["start"]:flagged["end"]] == flagged["snippet"] == "the [PLACE-1] of Tsuen Wan"
    assert not flagged["intact"]
    assert [r["id"] for r in flagged_codings(study, tid)] == [on_name]
    assert "violet" not in str(study.db.execute("SELECT * FROM codings").fetchall())  # the redacted words are gone


def test_segments_and_search_index_follow_the_corrected_text(study):
    tid = import_text(study, INTERVIEW)
    assert search(study, "umbrella").hits
    correct_text(study, tid, transcript_text(study, tid).replace("violet umbrella", "[PLACE-1]"), by="coder1")
    assert not search(study, "umbrella").hits and not search(study, "violet").hits
    assert [h["transcript_id"] for h in search(study, "wages").hits] == [tid]
    text = transcript_text(study, tid)
    for turn in turns(study, tid):
        assert text[turn["start"]:turn["end"]].strip() == text[turn["start"]:turn["end"]]
    sentences = study.db.execute('SELECT start, "end" FROM segments WHERE transcript_id = ? AND kind = "sentence"',
                                 [tid]).fetchall()
    assert any("[PLACE-1]" in text[a:b] for a, b in sentences)


def test_chinese_correction_counts_code_points(study):
    tid = import_text(study, CHINESE_INTERVIEW, name="C01.txt")
    after = _code(study, tid, "勞資審裁處")
    correct_text(study, tid, transcript_text(study, tid).replace("阿玲", "[NAME-1]"), by="coder1")
    coding = _by_id(study)[after]
    assert transcript_text(study, tid)[coding["start"]:coding["end"]] == "勞資審裁處" and coding["intact"]


def test_a_coding_whose_passage_is_deleted_is_removed_and_reported(study):
    tid = import_text(study, INTERVIEW)
    gone = _code(study, tid, "almost a year")
    plan = plan_correction(study, tid, transcript_text(study, tid).replace(", almost a year", ""))
    assert plan.removed == [gone] and "1 removed" in plan.summary()
    assert _by_id(study)[gone]  # planning writes nothing
    correct_text(study, tid, transcript_text(study, tid).replace(", almost a year", ""), by="coder1")
    assert gone not in _by_id(study)
    detail = study.db.execute("SELECT detail FROM audit_log WHERE action = 'correct_text'").fetchone()[0]
    assert f'"removed": [{gone}]' in detail and "almost" not in detail


def test_only_an_admin_removes_another_coders_codings_by_correcting(study):
    study.add_user(username="coder2", role="coder", password=PASSWORD)
    tid = import_text(study, INTERVIEW)
    _code(study, tid, "almost a year", by="coder2")
    shorter = transcript_text(study, tid).replace(", almost a year", "")
    before = transcript_text(study, tid)
    with pytest.raises(PermissionDenied, match="1 by coder2"):
        correct_text(study, tid, shorter, by="coder1")
    assert transcript_text(study, tid) == before and len(list_codings(study)) == 1
    correct_text(study, tid, shorter, by="admin1")
    assert list_codings(study) == []


def test_reviewers_and_stale_edits_are_refused(study):
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    with pytest.raises(PermissionDenied):
        correct_text(study, tid, text + "\nMore.", by="rev1")
    with pytest.raises(InputError, match="changed since"):
        correct_text(study, tid, text + "\nMore.", by="coder1", expected_hash="0" * 64)
    with pytest.raises(InputError, match="empty"):
        correct_text(study, tid, "  \n", by="coder1")
    assert transcript_text(study, tid) == text


def test_a_second_correction_keeps_an_earlier_flag(study):
    tid = import_text(study, INTERVIEW)
    flagged = _code(study, tid, "took my passport")
    correct_text(study, tid, transcript_text(study, tid).replace("took my", "kept my"), by="coder1")
    correct_text(study, tid, transcript_text(study, tid).replace("five months", "5 months"), by="coder1")
    assert not _by_id(study)[flagged]["intact"]
    confirm_coding(study, flagged, by="coder1")
    coding = _by_id(study)[flagged]
    assert coding["intact"] and coding["snippet"] == "kept my passport"
    assert flagged_codings(study, tid) == []


def test_only_the_coder_or_an_admin_confirms_a_flagged_coding(study):
    study.add_user(username="coder2", role="coder", password=PASSWORD)
    tid = import_text(study, INTERVIEW)
    flagged = _code(study, tid, "took my passport", by="coder2")
    correct_text(study, tid, transcript_text(study, tid).replace("took my", "kept my"), by="coder1")
    with pytest.raises(PermissionDenied, match="belongs to coder2"):
        confirm_coding(study, flagged, by="coder1")
    confirm_coding(study, flagged, by="admin1")
    assert _by_id(study)[flagged]["intact"]


def test_open_suggestions_on_a_changed_passage_are_dropped_others_move(study):
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    rows = []
    for passage in ("took my passport", "kept my wages"):
        start, end = find_span(text, passage)
        rows.append({"transcript_id": tid, "start": start, "end": end, "code_id": CODE_PASSPORT, "method": "rules",
                     "model_version": "rules:test", "score": 0.9, "evidence": "", "status": "open",
                     "created_at": "2026-01-01T00:00:00+00:00"})
    with study.writing(by="coder1", action="suggestions.generate"):
        study.db["suggestions"].insert_all(rows)
    correct_text(study, tid, text.replace("took my passport", "took it").replace("Through", "Thru"), by="coder1")
    new = transcript_text(study, tid)
    left = study.db.execute('SELECT start, "end" FROM suggestions').fetchall()
    assert [new[a:b] for a, b in left] == ["kept my wages"]


def test_a_redacted_speaker_label_that_stops_being_a_label_is_warned_about(study):
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    plan = plan_correction(study, tid, text.replace("Dewi", "[NAME-1]"))
    [warning] = plan.warnings
    assert "speaker turns instead of 6" in warning and "Dewi no longer" in warning and "use NAME-1" in warning
    assert plan_correction(study, tid, text.replace("Dewi", "NAME-1")).warnings == []
