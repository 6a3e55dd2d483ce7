"""The paths a research officer takes in a real browser: log in, import, code with the mouse, remove, reviewer."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    codings_of,
    confirmation,
    find_code,
    login,
    query,
    screenshot,
    select_passage,
    wait_ready,
)

CHINESE_PASSAGE = "財仔嗰邊每個月要還兩千幾，還十個月。"
ENGLISH_PASSAGE = "Before I flew, they gave me papers to sign."


def _codings(study, *, snippet: str) -> list[tuple]:
    return query(study, 'SELECT k.id, k.start, k."end", k.snippet, t.text, k.code_id, u.username FROM codings k '
                        "JOIN transcripts t ON t.id = k.transcript_id JOIN users u ON u.id = k.coder_id "
                        "WHERE k.snippet = ?", [snippet])


def _code_passage(page, passage: str, code_id: str) -> None:
    select_passage(page, passage)
    page.wait_for_selector("text=characters")
    find_code(page, code_id)  # a code's id finds it first
    page.keyboard.press("Enter")
    assert confirmation(page).startswith("Applied ")


def test_deep_link_survives_login_and_chinese_passage_is_coded_with_the_mouse(app_server, page, demo):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="coding?transcript=SV04_siu_ling")
    assert "transcript=SV04_siu_ling" in page.url
    page.wait_for_selector("[data-testid='transcript-view']")
    assert CHINESE_PASSAGE[:6] in page.inner_text("[data-testid='transcript-view']")
    _code_passage(page, CHINESE_PASSAGE, "exploitation/debt_bondage")
    rows = _codings(study, snippet=CHINESE_PASSAGE)
    assert rows, "no coding stored for the selected passage"
    coding_id, start, end, snippet, text, code_id, coder = rows[-1]
    assert text[start:end] == CHINESE_PASSAGE == snippet
    assert (code_id, coder) == ("exploitation/debt_bondage", "chan")
    page.reload()
    wait_ready(page)
    page.wait_for_selector(f"mark[data-coding-id='{coding_id}']")
    page.locator(f"mark[data-coding-id='{coding_id}']").first.scroll_into_view_if_needed()
    screenshot(page, "coding")


def test_english_passage_is_coded_and_then_removed(app_server, page, demo):
    base, study = app_server
    login(page, base, "reyes", demo.passwords["reyes"], path="coding?transcript=SV01_dewi")
    _code_passage(page, ENGLISH_PASSAGE, "exploitation/deception")
    rows = _codings(study, snippet=ENGLISH_PASSAGE)
    assert rows
    coding_id, start, end, snippet, text, code_id, coder = rows[-1]
    assert text[start:end] == ENGLISH_PASSAGE and coder == "reyes"
    page.reload()
    wait_ready(page)
    page.locator(f"mark[data-coding-id='{coding_id}']").first.click()
    wait_ready(page)
    page.wait_for_selector("text=Codings here")
    # this coding's own Remove button (a multiselect's chips have remove buttons of their own)
    page.locator(f".st-key-edit_{coding_id}_remove button").click()
    wait_ready(page)
    page.get_by_role("button", name="Yes, remove").click()
    wait_ready(page)
    assert confirmation(page).startswith("Removed Deception")
    assert not [r for r in _codings(study, snippet=ENGLISH_PASSAGE) if r[0] == coding_id]
    # the component redraws after the script run: wait for the highlight to go (times out if it stays)
    page.wait_for_selector(f"mark[data-coding-id='{coding_id}']", state="detached")


def test_import_through_the_uploader(app_server, page, demo, tmp_path):
    base, study = app_server
    upload = tmp_path / "P99_upload.txt"
    upload.write_text("FICTIONAL test transcript.\nInterviewer: How are you?\nMina: I am well, thank you.\n"
                      "Interviewer: Anything else?\nMina: 我哋屋企好遠。\n", encoding="utf-8")
    login(page, base, "admin", demo.passwords["admin"], path="import")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    wait_ready(page)
    page.wait_for_selector("text=Interviewer: ")
    page.get_by_role("textbox", name="Participant pseudonym").fill("Mina")
    page.keyboard.press("Enter")
    wait_ready(page)
    screenshot(page, "import")
    page.get_by_role("button", name="Import 1 file(s)").click()
    wait_ready(page)
    page.wait_for_selector("text=imported as transcript")
    rows = query(study, "SELECT p.pseudonym, t.interviewer_speaker FROM transcripts t "
                        "JOIN participants p ON p.id = t.participant_id WHERE t.stem = 'P99_upload'")
    assert rows == [("Mina", "Interviewer")]


def test_reviewer_sees_no_write_controls(app_server, page, demo):
    base, _ = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="coding?transcript=SV01_dewi")
    page.wait_for_selector("[data-testid='transcript-view']")
    page.wait_for_selector("text=Read-only")
    assert page.get_by_role("button", name="Apply").count() == 0
    assert page.locator("[data-testid='stSidebarNav'] a[href$='/import']").count() == 0
    page.goto(f"{base}/codebook")
    wait_ready(page)
    assert page.get_by_role("tab", name="Merge").count() == 0
    screenshot(page, "codebook-reviewer")


def test_every_page_renders_and_is_screenshotted(app_server, page, demo):
    base, _ = app_server
    login(page, base, "admin", demo.passwords["admin"])
    for path in ("overview", "transcripts", "codebook", "memos"):
        page.goto(f"{base}/{path}")
        wait_ready(page)
        assert page.locator("[data-testid='stException']").count() == 0, f"exception on /{path}"
        assert page.get_by_text("Page not found").count() == 0, f"/{path} is not a page"
        assert page.url.endswith(f"/{path}")
        screenshot(page, path)


ASTRAL_TEXT = ("FICTIONAL test transcript with characters outside the Basic Multilingual Plane.\n"
               "訪問員：你覺得點？😀\n"
               "阿美：佢哋話我𠝹咗張合約😀😀，之後老細收起我本護照，我好驚。\n"
               "訪問員：之後呢？\n"
               "阿美：我去咗勞工處投訴。\n")
AFTER_ASTRAL = "老細收起我本護照"


def test_offsets_are_code_points_after_astral_characters(app_server, page, demo, tmp_path):
    """𠝹 and emoji are two UTF-16 units but one code point: later highlights must not shift."""
    from workbench.services.importing import prepare, store
    from workbench.services.participants import ParticipantInfo
    from workbench.store.study import Study

    base, study = app_server
    with Study.open(study) as opened:
        store(opened, prepare("P98_astral.txt", ASTRAL_TEXT.encode("utf-8")),
              participant=ParticipantInfo("阿美", "survivor"), by="admin")
    login(page, base, "chan", demo.passwords["chan"], path="coding?transcript=P98_astral")
    _code_passage(page, AFTER_ASTRAL, "exploitation/document_retention")
    rows = _codings(study, snippet=AFTER_ASTRAL)
    assert rows
    coding_id, start, end, snippet, text, _, _ = rows[-1]
    assert text[start:end] == AFTER_ASTRAL
    assert start == text.index(AFTER_ASTRAL)  # a UTF-16 count would be 3 higher (𠝹 and two emoji before it)
    page.reload()
    wait_ready(page)
    assert page.locator(f"mark[data-coding-id='{coding_id}']").inner_text() == AFTER_ASTRAL


def test_a_suggestion_is_accepted_in_the_browser_and_stored_with_its_link(app_server, page, demo):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="coding?transcript=ST02_caseworker")
    page.get_by_role("button", name="Suggest codes for this transcript").click()
    wait_ready(page)
    page.wait_for_selector("[data-suggestion-id]")  # faint highlights in the transcript
    page.locator(".st-key-suggestion_accept button").click()
    wait_ready(page)
    page.wait_for_selector("text=Accepted:")
    rows = query(study, "SELECT k.id, k.origin, g.status, k.start = g.start AND k.\"end\" = g.\"end\" "
                        "FROM codings k JOIN suggestions g ON g.id = k.suggestion_id")
    assert len(rows) == 1 and rows[0][1:] == ("suggestion", "accepted", 1)
    page.wait_for_selector(f"mark[data-coding-id='{rows[0][0]}']")
    page.keyboard.press("a")  # keyboard: A accepts the next suggestion
    wait_ready(page)
    page.wait_for_function("document.body.innerText.includes('Accepted:')")
    assert len(query(study, "SELECT id FROM codings WHERE origin = 'suggestion'")) == 2
    screenshot(page, "suggestions")


def test_a_bad_upload_is_reported_by_name_and_the_good_one_still_imports(app_server, page, demo, tmp_path):
    base, study = app_server
    empty, binary, good = tmp_path / "P97_empty.txt", tmp_path / "P95_scan.docx", tmp_path / "P96_good.txt"
    empty.write_bytes(b"")
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    good.write_text("FICTIONAL test.\nInterviewer: Hello?\nLi: 我哋屋企好遠。\nInterviewer: OK?\nLi: 係。\n", encoding="utf-8")
    before = query(study, "SELECT count(*) FROM transcripts")[0][0]
    login(page, base, "admin", demo.passwords["admin"], path="import")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(empty), str(binary), str(good)])
    wait_ready(page)
    page.wait_for_selector("text=P97_empty.txt: the file is empty")
    page.wait_for_selector("text=P95_scan.docx: not a valid .docx file")
    assert query(study, "SELECT count(*) FROM transcripts")[0][0] == before  # nothing written before confirming
    page.get_by_role("button", name="Import 1 file(s)").click()
    wait_ready(page)
    page.wait_for_selector("text=P96_good.txt: imported as transcript")
    assert query(study, "SELECT count(*) FROM transcripts")[0][0] == before + 1


# Turns that show at least in part inside both the window and the transcript's own scrolling area.
VISIBLE_TURNS = """
() => {
  const pane = document.querySelector('.st-key-wb_transcript_pane').getBoundingClientRect();
  const top = Math.max(pane.top, 0), bottom = Math.min(pane.bottom, window.innerHeight);
  return Array.from(document.querySelectorAll("[data-testid='transcript-view'] .wb-turn"))
    .filter((t) => { const r = t.getBoundingClientRect(); return r.bottom > top + 2 && r.top < bottom - 2; })
    .map((t) => Number(t.dataset.turn));
}
"""
LAYOUT = """
() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
  const pane = document.querySelector('.st-key-wb_transcript_pane');
  const panel = document.querySelector('.st-key-wb_panel');
  const view = document.querySelector("[data-testid='transcript-view']");
  const cut = Array.from(panel.querySelectorAll('button')).filter((b) => b.offsetParent !== null)
    .filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => b.innerText);
  return {pageScrolled: main.scrollTop, paneRight: pane.getBoundingClientRect().right,
          panelLeft: panel.getBoundingClientRect().left, panelTop: panel.getBoundingClientRect().top,
          paneBottom: pane.getBoundingClientRect().bottom, overflowX: view.scrollWidth - view.clientWidth, cut};
}
"""


@pytest.mark.parametrize("width, height", [(1280, 720), (1024, 768), (1920, 1080)])
def test_the_transcript_is_the_main_scrolling_area_at_any_width(app_server, browser, demo, width, height):
    """The demo's first transcript (SV01_dewi): at least 15 turns show without scrolling the page."""
    base, _ = app_server
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, base, "chan", demo.passwords["chan"], path="coding?transcript=SV01_dewi")
        page.wait_for_selector("[data-testid='transcript-view'] .wb-turn")
        wait_ready(page)
        turns = page.evaluate(VISIBLE_TURNS)
        layout = page.evaluate(LAYOUT)
        screenshot(page, f"coding-{width}x{height}")
        assert len(turns) >= 15 and turns[0] == 0, turns
        assert layout["pageScrolled"] == 0
        assert layout["overflowX"] <= 0, "the transcript's words are cut off"
        assert layout["cut"] == [], "buttons with truncated labels"
        if width >= 1280:
            assert layout["panelLeft"] >= layout["paneRight"] - 1, "the coding panel should be beside the transcript"
        else:
            assert layout["panelTop"] >= layout["paneBottom"] - 1, "the coding panel should be below the transcript"
        # the transcript scrolls by itself; the page stays where it is
        page.locator(".st-key-wb_transcript_pane").evaluate("p => p.scrollBy(0, 600)")
        assert page.evaluate(VISIBLE_TURNS)[0] > 0 and page.evaluate(LAYOUT)["pageScrolled"] == 0
    finally:
        context.close()


def test_a_markdown_heading_in_a_transcript_shows_as_a_heading(app_server, page, demo):
    base, _ = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="coding?transcript=ST01_lawyer")
    heading = page.locator(".wb-turn.wb-heading").first
    assert heading.inner_text().split("\n")[-1].strip() == "Interview ST01"
    assert "#" not in heading.inner_text()


def _tab_into_the_transcript(page) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-testid')") == "transcript-view":
            return
    raise AssertionError("Tab never reached the transcript")


def _arrow_down_to(page, sentence: str) -> None:
    for _ in range(300):
        page.keyboard.press("ArrowDown")
        if page.evaluate("document.getSelection().toString()").strip() == sentence:
            return
    raise AssertionError(f"the keyboard never selected {sentence!r}")


@pytest.mark.parametrize("stem, sentence, typed, code, name", [
    ("SV04_siu_ling", CHINESE_PASSAGE, "債務", "exploitation/debt_bondage", "Debt bondage (債務束縛)"),
    ("SV01_dewi", "Many papers.", "deceptio", "exploitation/deception", "Deception (欺騙)"),
])
def test_a_passage_is_coded_by_keyboard_alone(app_server, page, demo, stem, sentence, typed, code, name):
    base, study = app_server
    login(page, base, "reyes", demo.passwords["reyes"], path=f"coding?transcript={stem}")
    page.wait_for_selector("[data-testid='transcript-view'] .wb-turn")
    wait_ready(page)
    _tab_into_the_transcript(page)
    _arrow_down_to(page, sentence)
    page.keyboard.press("Enter")  # the passage is the selection, and the picker takes the typing
    wait_ready(page)
    page.wait_for_function("document.activeElement && document.activeElement.getAttribute('role') === 'combobox'")
    page.keyboard.type(typed, delay=30)
    page.wait_for_function("q => !document.querySelector('.wb-options.wb-stale') && "
                           "document.querySelector('.wb-search').value === q", arg=typed)
    page.keyboard.press("Enter")
    assert confirmation(page) == f"Applied {name} to “{sentence}”."
    assert [r[2] for r in codings_of(study, sentence, coder="reyes")] == [code]
    # the focus is back in the transcript: the next sentence is one key away
    page.wait_for_function("document.activeElement.getAttribute('data-testid') === 'transcript-view'")
    screenshot(page, f"keyboard-{stem}")
