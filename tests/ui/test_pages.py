"""Every page for every role: no exception, the main widgets present."""

import pytest

from tests.ui.conftest import logged_in, open_page

# Each page and a heading (title, subheader or bold label) it must show, whoever reads it.
PAGES = {
    "overview": "Participants by group",
    "transcripts": "Transcripts",
    "coding": "Legend",
    "codebook": "Codebook",
    "memos": "Memos",
}


@pytest.mark.parametrize("username", ["admin", "chan", "reviewer"])
def test_pages_render_for_each_role(ui_study, demo, username):
    at = logged_in(username, demo.passwords[username])
    for module, heading in PAGES.items():
        open_page(at, module)
        assert not at.exception, module
        shown = [t.value for t in at.title] + [h.value for h in at.header] + [s.value for s in at.subheader] + [
            m.value for m in at.markdown if m.value.startswith("**")]
        assert any(heading in text for text in shown), (module, shown)
    open_page(at, "codebook")
    editing = [t.label for t in at.tabs]
    assert editing or username == "reviewer", "the codebook page shows no tabs at all"
    assert ("Merge" in editing) is (username != "reviewer")


def test_memo_is_saved_and_found(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "memos")
    [t for t in at.text_input if t.label == "Title"][0].input("Screening")
    [t for t in at.text_area if t.label == "Memo text"][0].input("Screening forms look like checklists.")
    [b for b in at.button if b.label == "Save memo"][0].click()
    at.run()
    [t for t in at.text_input if t.label == "Search memos"][0].input("checklists")
    at.run()
    assert at.dataframe and "checklists" in at.dataframe[0].value.to_string()


def test_memos_written_on_codings_are_listed_and_searchable(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "memos")
    assert "Memos on codings" in [s.value for s in at.subheader]
    frame = at.dataframe[-1].value
    word = frame["memo"].iloc[0].split()[0]
    [t for t in at.text_input if t.label == "Search memos"][0].input(word)
    at.run()
    assert all(word.lower() in m.lower() for m in at.dataframe[-1].value["memo"])


def test_open_in_coding_switches_to_the_coding_page_on_that_transcript(ui_study, demo):
    at = open_page(logged_in("reviewer", demo.passwords["reviewer"]), "transcripts")
    [s for s in at.selectbox if s.label == "Transcript"][0].set_value("SV05_ah_fong")
    [b for b in at.button if b.label == "Open in coding"][0].click()
    at.run()
    assert not at.exception
    assert at.query_params["transcript"] == ["SV05_ah_fong"] or at.query_params["transcript"] == "SV05_ah_fong"
    assert any("Read-only" in i.value for i in at.info)
