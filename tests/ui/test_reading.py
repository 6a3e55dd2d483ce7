"""Trauma-informed reading in the app (AppTest): content notes in quote lists and search, the sidebar switch,
and the Privacy and care page."""

from __future__ import annotations

from tests.ui.conftest import by_label, logged_in, open_page
from workbench.services.reading import DEFAULT_SENSITIVE, notes_for
from workbench.services.search import search
from workbench.store.study import Study

WORD = "storeroom"  # in a demo passage coded as violence or threats


def _search(at, word: str = WORD):
    open_page(at, "search")
    by_label(at.text_input, "Search transcripts").input(word)
    at.run()
    assert not at.exception
    return at


def _noted(at) -> list:
    return [e for e in at.expander if "Content note" in e.label]


def test_a_reviewer_sees_sensitive_hits_behind_a_content_note(ui_study, demo):
    at = _search(logged_in("reviewer", demo.passwords["reviewer"]))
    with Study.open(ui_study) as study:
        hits = search(study, WORD, limit=200).hits
        expected = notes_for(study, user="reviewer", passages=[
            (h["transcript_id"], h["start"] - len(h["left"]), h["end"] + len(h["right"])) for h in hits])
    noted = _noted(at)
    assert noted and len(noted) == sum(1 for n in expected if n) < len(hits)  # some hits stay open
    assert all(WORD in "".join(m.value for m in e.markdown) for e in noted)  # the hit is inside, behind the note
    outside = [m.value for m in at.markdown if WORD in m.value and m.value not in
               [x.value for e in noted for x in e.markdown]]
    assert len(outside) == len(hits) - len(noted)


def test_coders_read_as_is_until_they_switch_it_on(ui_study, demo):
    at = _search(logged_in("chan", demo.passwords["chan"]))
    assert not _noted(at)
    at.toggle(key="trauma_informed_toggle").set_value(True)
    at.run()
    _search(at)
    assert _noted(at)
    with Study.open(ui_study) as study:
        row = study.db.execute("SELECT s.value FROM user_settings s JOIN users u ON u.id = s.user_id "
                               "WHERE u.username = 'chan'").fetchone()
    assert row == ("1",)


def test_themes_quotes_are_collapsed_for_reviewers(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "themes")
    assert _noted(at), "no quote on the Themes page was collapsed"


def test_the_privacy_page_is_for_admins_and_saves_names_and_codes(ui_study, demo):
    at = open_page(logged_in("admin", demo.passwords["admin"]), "privacy")
    by_label(at.text_input, "Real name").input("Maria Santos")
    by_label(at.text_input, "Pseudonym").input("Dewi")
    [b for b in at.button if b.label == "Add to the names list"][0].click()
    at.run()
    assert not at.exception
    assert "Maria Santos" in at.dataframe[0].value.to_string()
    by_label(at.multiselect, "Codes behind a content note").set_value([DEFAULT_SENSITIVE[0]])
    at.run()
    by_label(at.button, "Save content-note codes").click()
    at.run()
    with Study.open(ui_study) as study:
        assert study.db.execute("SELECT real_name, pseudonym FROM pii_names").fetchall() == [("Maria Santos", "Dewi")]
        assert study.meta("reading.sensitive_codes") == f'["{DEFAULT_SENSITIVE[0]}"]'
