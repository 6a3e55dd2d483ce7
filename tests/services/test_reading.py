"""workbench.services.reading: per-user setting, the study's sensitive codes, spans and notes to collapse."""

from __future__ import annotations

import pytest

from tests.helpers import CODE_DELAY, INTERVIEW, import_text
from workbench.errors import InputError, PermissionDenied
from workbench.services.codes import list_codes
from workbench.services.coding import add_coding, find_span
from workbench.services.reading import (
    DEFAULT_SENSITIVE,
    Collapsed,
    collapsed_for_view,
    collapsed_spans,
    content_note,
    notes_for,
    sensitive_codes,
    set_sensitive_codes,
    set_trauma_informed,
    trauma_informed,
)

VIOLENCE, ABUSE = DEFAULT_SENSITIVE


@pytest.fixture
def coded(study):
    """One transcript: 'took my passport' coded as violence by coder1, overlapping abuse, and a delay coding."""
    tid = import_text(study, INTERVIEW, by="coder1")
    text = study.db["transcripts"].get(tid)["text"]
    first = find_span(text, "My employer took my passport")
    inner = find_span(text, "took my passport on the first day")
    later = find_span(text, "We waited a long time")
    add_coding(study, transcript_id=tid, start=first[0], end=first[1], code_id=VIOLENCE, by="coder1")
    add_coding(study, transcript_id=tid, start=inner[0], end=inner[1], code_id=ABUSE, by="admin1")
    add_coding(study, transcript_id=tid, start=later[0], end=later[1], code_id=CODE_DELAY, by="coder1")
    return tid, first, inner, later


def test_reviewers_read_collapsed_by_default_others_not(study):
    assert trauma_informed(study, "rev1") and not trauma_informed(study, "coder1")
    assert not trauma_informed(study, "admin1")


def test_each_user_sets_their_own_and_admins_anyones(study):
    set_trauma_informed(study, user="rev1", enabled=False, by="rev1")
    assert not trauma_informed(study, "rev1")
    set_trauma_informed(study, user="coder1", enabled=True, by="coder1")
    assert trauma_informed(study, "coder1")
    with pytest.raises(PermissionDenied, match="only their own"):
        set_trauma_informed(study, user="coder1", enabled=False, by="rev1")
    set_trauma_informed(study, user="rev1", enabled=None, by="admin1")  # back to the role's default
    assert trauma_informed(study, "rev1")
    assert study.db.execute("SELECT count(*) FROM audit_log WHERE action = 'set_setting'").fetchone()[0] == 3


def test_collapsed_spans_merge_overlaps_and_ignore_other_codes(study, coded):
    tid, first, inner, _later = coded
    assert collapsed_spans(study, user="rev1", transcript_id=tid) == [
        Collapsed(tid, first[0], inner[1], (VIOLENCE, ABUSE))]
    assert collapsed_spans(study, user="coder1", transcript_id=tid) == []  # setting off


def test_the_study_chooses_the_codes_and_a_theme_covers_its_codes(study, coded):
    tid, first, inner, later = coded
    with pytest.raises(PermissionDenied):
        set_sensitive_codes(study, ["barriers"], by="coder1")
    with pytest.raises(InputError, match="no code nope"):
        set_sensitive_codes(study, ["nope"], by="admin1")
    set_sensitive_codes(study, ["barriers"], by="admin1")
    assert sensitive_codes(study) == ("barriers",)
    assert collapsed_spans(study, user="rev1", transcript_id=tid) == [Collapsed(tid, *later, (CODE_DELAY,))]
    set_sensitive_codes(study, [], by="admin1")
    assert collapsed_spans(study, user="rev1", transcript_id=tid) == []


def test_notes_for_passages_that_touch_a_collapsed_one(study, coded):
    tid, first, inner, later = coded
    names = {c["id"]: c for c in list_codes(study, counts=False)}
    notes = notes_for(study, user="rev1", passages=[(tid, first[0] + 3, first[0] + 5), (tid, *later),
                                                    (tid, first[0], inner[1])])
    assert notes == [content_note(study, [VIOLENCE]), None, content_note(study, [VIOLENCE, ABUSE])]
    assert names[VIOLENCE]["name_en"] in notes[0] and names[ABUSE]["name_en"] in notes[2]
    assert notes_for(study, user="coder1", passages=[(tid, *first)]) == [None]
    assert "內容提示" in content_note(study, [VIOLENCE], lang="zh")


def test_collapsed_for_view_gives_the_component_spans_and_notes(study, coded):
    tid, first, inner, _later = coded
    [item] = collapsed_for_view(study, user="rev1", transcript_id=tid, lang="zh")
    assert (item["start"], item["end"], item["codes"]) == (first[0], inner[1], [VIOLENCE, ABUSE])
    assert item["note"] == content_note(study, [VIOLENCE, ABUSE], lang="zh")
    assert collapsed_for_view(study, user="coder1", transcript_id=tid) == []
