"""The coding page in AppTest: the component's callbacks are plain functions, called here directly."""

from __future__ import annotations

import sqlite3

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.ui.safe import md

PASSAGE = "財仔嗰邊每個月要還兩千幾，還十個月。"


def _span(study, stem: str, passage: str) -> tuple[int, int]:
    with sqlite3.connect(study) as db:
        text = db.execute("SELECT text FROM transcripts WHERE stem = ?", [stem]).fetchone()[0]
    start = text.index(passage)
    return start, start + len(passage)


def _apply(at, selection: dict, code: str | None, assessment: str = "none", **action):
    """What the picker does: a selection from the transcript view, then an apply action (see code_picker.js)."""
    at.session_state["selection"] = selection
    at.run()
    by_label(at.radio, "Assessment").set_value(assessment)
    at.session_state["picker_action"] = {"codes": [code] if code else [], "query": "", "nonce": 11, **action}
    at.run()
    return at


def _codings_of(study, passage: str) -> list[tuple]:
    with sqlite3.connect(study) as db:
        return db.execute("SELECT k.id, k.uid, k.code_id, u.username FROM codings k JOIN users u ON u.id = k.coder_id "
                          "WHERE k.snippet = ? ORDER BY k.id", [passage]).fetchall()


def test_coder_applies_a_code_to_a_selection(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV04_siu_ling")
    start, end = _span(ui_study, "SV04_siu_ling", PASSAGE)
    _apply(at, {"start": start, "end": end, "text": PASSAGE, "nonce": 7}, "exploitation/debt_bondage", "barrier")
    assert [s.value for s in at.success] == [md("Applied Debt bondage (債務束縛) to “財仔嗰邊每個月要還兩千幾，還十個月。”.")]
    with sqlite3.connect(ui_study) as db:
        row = db.execute("SELECT k.snippet, k.assessment, u.username FROM codings k JOIN users u ON u.id = k.coder_id "
                         "WHERE k.start = ? AND k.\"end\" = ? AND k.code_id = ?",
                         [start, end, "exploitation/debt_bondage"]).fetchall()
    assert ("財仔嗰邊每個月要還兩千幾，還十個月。", "barrier", "chan") in row


def test_a_selection_that_does_not_match_the_text_is_refused(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV04_siu_ling")
    start, end = _span(ui_study, "SV04_siu_ling", PASSAGE)
    _apply(at, {"start": start + 1, "end": end + 1, "text": PASSAGE, "nonce": 8}, "exploitation/debt_bondage")
    assert any("could not be matched" in e.value for e in at.error)


def test_a_pick_applies_the_code_at_that_place_of_the_ranking(ui_study, demo):
    """Enter before the list for the last keystrokes arrived: the server ranks the query and takes that place."""
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV01_dewi")
    passage = "Before I flew, they gave me papers to sign."
    start, end = _span(ui_study, "SV01_dewi", passage)
    _apply(at, {"start": start, "end": end, "text": passage, "nonce": 8}, None, query="passport", pick=0)
    assert [c[2:] for c in _codings_of(ui_study, passage) if c[3] == "chan"] == [
        ("exploitation/document_retention", "chan")]
    assert [s.value for s in at.success] == [md(f"Applied Document retention (扣留證件) to “{passage}”.")]


def test_a_failed_apply_says_why_and_applies_nothing(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV01_dewi")
    passage = "Before I flew, they gave me papers to sign."
    start, end = _span(ui_study, "SV01_dewi", passage)
    _apply(at, {"start": start, "end": end, "text": passage, "nonce": 8}, "no/such_code")
    assert any("no active code" in e.value for e in at.error)
    _apply(at, {"start": start, "end": end, "text": passage, "nonce": 9}, None, query="zqxjv", pick=0)
    assert any("no code matches" in e.value for e in at.error)
    assert not [c for c in _codings_of(ui_study, passage) if c[3] == "chan"]


def test_undo_removes_what_was_just_applied(ui_study, demo):
    at = open_page(logged_in("reyes", demo.passwords["reyes"]), "coding", transcript="SV04_siu_ling")
    start, end = _span(ui_study, "SV04_siu_ling", PASSAGE)
    with sqlite3.connect(ui_study) as db:
        before = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    _apply(at, {"start": start, "end": end, "text": PASSAGE, "nonce": 9}, "barriers/cost_livelihood")
    by_label(at.button, "Undo").click()
    at.run()
    assert [s.value for s in at.success] == [md("Undone: applied Cost and livelihood (經濟及生計).")]
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == before


def test_clicking_a_highlight_shows_its_codings_and_remove_asks_first(ui_study, demo):
    at = open_page(logged_in("admin", demo.passwords["admin"]), "coding", transcript="SV01_dewi")
    with sqlite3.connect(ui_study) as db:
        coding_id = db.execute("SELECT k.id FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                               "WHERE t.stem = 'SV01_dewi' ORDER BY k.start LIMIT 1").fetchone()[0]
    at.session_state["clicked"] = {"coding": coding_id, "nonce": 1}
    at.run()
    assert "**Codings here**" in [m.value for m in at.markdown]
    remove = [b for b in at.button if b.label == "Remove" and b.key == f"edit_{coding_id}_remove"]
    remove[0].click()
    at.run()
    assert any("Remove this coding?" in w.value for w in at.warning)
    with sqlite3.connect(ui_study) as db:
        row = db.execute("SELECT * FROM codings WHERE id = ?", [coding_id]).fetchone()
    [b for b in at.button if b.label == "Yes, remove"][0].click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE id = ?", [coding_id]).fetchone()[0] == 0
    by_label(at.button, "Undo").click()  # an admin removed someone's coding: undo brings back that very row
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT * FROM codings WHERE id = ?", [coding_id]).fetchone() == row


def test_reviewer_gets_no_coding_controls(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "coding", transcript="SV01_dewi")
    assert not [r for r in at.radio if r.label == "Assessment"]
    assert "picker_action" not in at.session_state
    assert any("Read-only" in i.value for i in at.info)


def test_suggestions_are_generated_reviewed_and_accepted_from_the_coding_page(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="ST02_caseworker")
    by_label(at.selectbox, "Method").set_value("rules")
    by_label(at.button, "Suggest codes for this transcript").click()
    at.run()
    assert not at.exception
    with sqlite3.connect(ui_study) as db:
        open_before = db.execute("SELECT count(*) FROM suggestions WHERE status = 'open'").fetchone()[0]
    assert open_before > 0
    by_label(at.button, "Accept").click()
    at.run()
    assert any(s.value.startswith(md("Accepted:")) for s in at.success)
    with sqlite3.connect(ui_study) as db:
        row = db.execute("SELECT k.origin, g.status, k.code_id = g.code_id, k.start = g.start FROM codings k "
                         "JOIN suggestions g ON g.id = k.suggestion_id").fetchall()
    assert row == [("suggestion", "accepted", 1, 1)]
    by_label(at.button, "Undo").click()  # the accepted suggestion is open again and its coding gone
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE origin = 'suggestion'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM suggestions WHERE status = 'open'").fetchone()[0] == open_before
    by_label(at.button, "Reject").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM suggestions WHERE status = 'rejected'").fetchone()[0] == 1


def test_a_suggestion_says_why_and_a_code_can_be_hidden_for_the_session(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="ST02_caseworker")
    by_label(at.selectbox, "Method").set_value("rules")
    by_label(at.button, "Suggest codes for this transcript").click()
    at.run()
    why = [c.value for c in at.caption if c.value.startswith("Why:")]
    assert why and "pattern" in why[0] and "rules" in why[0] and "score" in why[0]
    hide = [b for b in at.button if b.label.startswith("Hide ") and b.label.endswith(" for this session")]
    code = hide[0].label.removeprefix("Hide ").removesuffix(" for this session")
    hide[0].click()
    at.run()
    assert not at.exception
    assert code not in {o.split(" (")[0] for o in by_label(at.selectbox, "Accept all for one code").options}
    with sqlite3.connect(ui_study) as db:   # hiding is a view choice: nothing was rejected or deleted
        assert db.execute("SELECT count(*) FROM suggestions WHERE code_id = ? AND status = 'open'",
                          [code]).fetchone()[0] > 0
    by_label(at.button, "Show hidden codes again (1)").click()
    at.run()
    assert code in {o.split(" (")[0] for o in by_label(at.selectbox, "Accept all for one code").options}


def test_accept_all_for_one_code_asks_first(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="ST02_caseworker")
    by_label(at.selectbox, "Method").set_value("rules")
    by_label(at.button, "Suggest codes for this transcript").click()
    at.run()
    code = by_label(at.selectbox, "Accept all for one code").value
    with sqlite3.connect(ui_study) as db:
        waiting = db.execute("SELECT count(*) FROM suggestions WHERE status = 'open' AND code_id = ?",
                             [code]).fetchone()[0]
    by_label(at.button, "Accept all…").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE origin = 'suggestion'").fetchone()[0] == 0
    by_label(at.button, "Yes, accept all").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE origin = 'suggestion' AND code_id = ?",
                          [code]).fetchone()[0] == waiting
    by_label(at.button, "Undo").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE origin = 'suggestion'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM suggestions WHERE status = 'open' AND code_id = ?",
                          [code]).fetchone()[0] == waiting


def test_reviewer_sees_no_suggestion_controls(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "coding", transcript="ST02_caseworker")
    assert not [b for b in at.button if b.label in ("Suggest codes for this transcript", "Accept", "Reject")]


def test_a_quote_link_opens_the_turns_page_that_holds_it(ui_study, demo):
    with sqlite3.connect(ui_study) as db:
        start, end = db.execute("SELECT s.start, s.\"end\" FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                                "WHERE t.stem = 'SV01_dewi' AND s.kind = 'turn' AND s.seq = 70").fetchone()
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "coding", transcript="SV01_dewi",
                   start=str(start), end=str(end))
    assert [n.value for n in at.number_input if n.label.startswith("Turns page")] == [2]


def test_more_like_this_lists_similar_passages_for_a_clicked_coding(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "coding", transcript="SV04_siu_ling")
    with sqlite3.connect(ui_study) as db:
        coding_id = db.execute("SELECT k.id FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                               "WHERE t.stem = 'SV04_siu_ling' AND k.code_id = 'exploitation/document_retention' "
                               "LIMIT 1").fetchone()[0]
    at.session_state["clicked"] = {"coding": coding_id, "nonce": 2}
    at.run()
    [b for b in at.button if b.key == f"mlt_{coding_id}"][0].click()
    at.run()
    assert not at.exception
    assert any("More like this" in m.value for m in at.markdown)
    assert any(" · shared" in c.value for c in at.caption)  # escaped Markdown: "shared\\: …"


def test_measures_chosen_with_the_apply_are_confirmed_and_undo_takes_them_back(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV04_siu_ling")
    start, end = _span(ui_study, "SV04_siu_ling", PASSAGE)
    at.session_state["selection"] = {"start": start, "end": end, "text": PASSAGE, "nonce": 21}
    at.run()
    by_label(at.multiselect, "Measures it speaks to").set_value(["ON-4"])
    at.session_state["picker_action"] = {"codes": ["recruitment/agency_fees"], "query": "", "nonce": 22}
    at.run()
    assert not at.exception, at.exception
    with sqlite3.connect(ui_study) as db:
        [(coding_id,)] = db.execute("SELECT id FROM codings WHERE start = ? AND \"end\" = ? AND code_id = ?",
                                    [start, end, "recruitment/agency_fees"]).fetchall()
        decided = dict(db.execute("SELECT measure_id, status FROM coding_measures WHERE coding_id = ?", [coding_id]))
        mapped = {m for (m,) in db.execute("SELECT measure_id FROM code_measures WHERE code_id = ?",
                                           ["recruitment/agency_fees"])}
    # the chosen measure is confirmed; the code's other mapped measures are recorded as turned down
    assert decided == {"ON-4": "confirmed", **{m: "rejected" for m in mapped - {"ON-4"}}}
    by_label(at.button, "Undo").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE id = ?", [coding_id]).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM coding_measures WHERE coding_id = ?", [coding_id]).fetchone()[0] == 0


def test_a_blind_coder_sees_only_their_own_codings_until_marking_done(ui_study, demo):
    from workbench.services.agreement.assignments import assign, mark_done
    from workbench.store.study import Study

    with Study.open(ui_study) as study:
        tid = study.db.execute("SELECT id FROM transcripts WHERE stem = 'SV01_dewi'").fetchone()[0]
        assign(study, tid, coders=["chan", "reyes"], by="admin", blind=True)
        mark_done(study, tid, by="admin", coder="chan", done=False)
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV01_dewi")
    assert any("Blind double coding" in c.value for c in at.caption)
    caption = next(c.value for c in at.caption if "codings" in c.value and "turns" in c.value)
    with sqlite3.connect(ui_study) as db:
        own, everyone = db.execute("SELECT sum(u.username = 'chan'), count(*) FROM codings k JOIN users u "
                                   "ON u.id = k.coder_id WHERE k.transcript_id = ?", [tid]).fetchone()
    assert own < everyone and caption.endswith(f"{own} codings")
    by_label(at.button, "Mark done").click()
    at.run()
    caption = next(c.value for c in at.caption if "codings" in c.value and "turns" in c.value)
    assert caption.endswith(f"{everyone} codings") and not any("Blind double coding" in c.value for c in at.caption)


def test_a_link_naming_no_transcript_is_reported_as_text(ui_study, demo):
    link = "![x](http://example.org/a.png)"  # a crafted link's parameter must not fetch an image off the machine
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript=link)
    assert [w.value for w in at.warning] == [md(f"no transcript {link!r} (give its id or its file name without "
                                                "extension)")]
