"""The Transcripts page: edit a participant, correct a transcript's text (preview, apply, check flagged codings),
delete a transcript (admin, typed confirmation)."""

from __future__ import annotations

import json

from tests.ui.conftest import by_label, choose, logged_in, open_page
from workbench.services.coding import list_codings
from workbench.services.participants import list_participants
from workbench.services.transcripts import resolve_transcript, transcript_text
from workbench.store.study import Study

STEM = "SV05_ah_fong"


def _on(at, stem: str = STEM):
    return choose(at, "Transcript", stem)


def test_edit_a_participants_attributes(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "transcripts")
    with Study.open(ui_study) as study:
        person = list_participants(study)[0]
    by_label(at.selectbox, "Participant").set_value(person["id"])
    at.run()
    by_label(at.text_area, "Attributes (one 'name: value' per line)").input("nationality: Filipino\nsector: care")
    by_label(at.button, "Save participant").click()
    at.run()
    assert not at.exception and any("Saved participant" in s.value for s in at.success)
    with Study.open(ui_study) as study:
        assert list_participants(study)[0]["attributes"] == {"nationality": "Filipino", "sector": "care"}


def test_correct_a_transcript_by_find_and_replace_keeps_codings_on_their_words(ui_study, demo):
    with Study.open(ui_study) as study:
        tid = resolve_transcript(study, STEM)
        before = {c["id"]: c["snippet"] for c in list_codings(study, transcript_id=tid)}
        speakers = json.loads(study.db.execute("SELECT speakers FROM transcripts WHERE id = ?", [tid]).fetchone()[0])
    speaker = next(s for s in speakers if "訪問" not in s and "Interviewer" not in s)
    at = _on(open_page(logged_in("chan", demo.passwords["chan"]), "transcripts"))
    by_label(at.text_input, "Find (exact text)").input(speaker)
    by_label(at.text_input, "Replace with").input("[NAME-1]")
    at.run()
    assert any("kept on the same words" in i.value for i in at.info)
    assert by_label(at.button, "Apply correction").disabled
    by_label(at.checkbox, "Apply this correction to the stored transcript").check()
    at.run()
    by_label(at.button, "Apply correction").click()
    at.run()
    assert not at.exception and any("Corrected" in s.value for s in at.success), [e.value for e in at.error]
    with Study.open(ui_study) as study:
        text = transcript_text(study, tid)
        assert speaker not in text and "[NAME-1]" in text
        after = list_codings(study, transcript_id=tid)
        assert len(after) == len(before)
        for coding in after:
            assert text[coding["start"]:coding["end"]] == coding["snippet"]
            if coding["intact"]:
                assert coding["snippet"] == before[coding["id"]]


def test_delete_needs_an_admin_and_the_typed_name(ui_study, demo):
    coder = _on(open_page(logged_in("chan", demo.passwords["chan"]), "transcripts"))
    assert "Delete transcript" not in [t.label for t in coder.tabs]
    at = _on(open_page(logged_in("admin", demo.passwords["admin"]), "transcripts"))
    assert by_label(at.button, "Delete transcript").disabled
    by_label(at.text_input, "Type the transcript's name to confirm").input(STEM)
    at.run()
    by_label(at.button, "Delete transcript").click()
    at.run()
    assert any("Deleted" in s.value for s in at.success)
    with Study.open(ui_study) as study:
        assert STEM not in [r[0] for r in study.db.execute("SELECT stem FROM transcripts")]


def test_reviewer_sees_no_editing(ui_study, demo):
    at = _on(open_page(logged_in("reviewer", demo.passwords["reviewer"]), "transcripts"))
    assert not [t for t in at.tabs if t.label in ("Participants", "Correct the text")]
