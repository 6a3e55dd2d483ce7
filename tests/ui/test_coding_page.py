"""The coding page in AppTest: the component's callbacks are plain functions, called here directly."""

from __future__ import annotations

import sqlite3

from tests.ui.conftest import by_label, logged_in, open_page

PASSAGE = "財仔嗰邊每個月要還兩千幾，還十個月。"


def _span(study, stem: str, passage: str) -> tuple[int, int]:
    with sqlite3.connect(study) as db:
        text = db.execute("SELECT text FROM transcripts WHERE stem = ?", [stem]).fetchone()[0]
    start = text.index(passage)
    return start, start + len(passage)


def _apply(at, selection: dict, code: str, assessment: str = "none"):
    at.session_state["selection"] = selection
    at.run()
    by_label(at.multiselect, "Codes").set_value([code])
    by_label(at.radio, "Assessment").set_value(assessment)
    by_label(at.button, "Apply").click()
    at.run()
    return at


def test_coder_applies_a_code_to_a_selection(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "coding", transcript="SV04_siu_ling")
    start, end = _span(ui_study, "SV04_siu_ling", PASSAGE)
    _apply(at, {"start": start, "end": end, "text": PASSAGE, "nonce": 7}, "exploitation/debt_bondage", "barrier")
    assert [s.value for s in at.success] == ["Applied 1 code(s)."]
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


def test_undo_removes_what_was_just_applied(ui_study, demo):
    at = open_page(logged_in("reyes", demo.passwords["reyes"]), "coding", transcript="SV04_siu_ling")
    start, end = _span(ui_study, "SV04_siu_ling", PASSAGE)
    with sqlite3.connect(ui_study) as db:
        before = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    _apply(at, {"start": start, "end": end, "text": PASSAGE, "nonce": 9}, "barriers/cost_livelihood")
    by_label(at.button, "Undo last action").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == before


def test_clicking_a_highlight_shows_its_codings_and_remove_asks_first(ui_study, demo):
    at = open_page(logged_in("admin", demo.passwords["admin"]), "coding", transcript="SV01_dewi")
    with sqlite3.connect(ui_study) as db:
        coding_id = db.execute("SELECT k.id FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                               "WHERE t.stem = 'SV01_dewi' ORDER BY k.start LIMIT 1").fetchone()[0]
    at.session_state["clicked"] = {"coding": coding_id, "nonce": 1}
    at.run()
    assert "Codings here" in [s.value for s in at.subheader]
    remove = [b for b in at.button if b.label == "Remove" and b.key == f"edit_{coding_id}_remove"]
    remove[0].click()
    at.run()
    assert any("Remove this coding?" in w.value for w in at.warning)
    [b for b in at.button if b.label == "Yes, remove"][0].click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM codings WHERE id = ?", [coding_id]).fetchone()[0] == 0


def test_reviewer_gets_no_coding_controls(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "coding", transcript="SV01_dewi")
    assert not [b for b in at.button if b.label == "Apply"]
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
    assert any(s.value.startswith("Accepted:") for s in at.success)
    with sqlite3.connect(ui_study) as db:
        row = db.execute("SELECT k.origin, g.status, k.code_id = g.code_id, k.start = g.start FROM codings k "
                         "JOIN suggestions g ON g.id = k.suggestion_id").fetchall()
    assert row == [("suggestion", "accepted", 1, 1)]
    by_label(at.button, "Reject").click()
    at.run()
    with sqlite3.connect(ui_study) as db:
        assert db.execute("SELECT count(*) FROM suggestions WHERE status = 'rejected'").fetchone()[0] == 1


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
