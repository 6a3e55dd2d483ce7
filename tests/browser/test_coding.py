"""The paths a research officer takes in a real browser: log in, import, code with the mouse, remove, reviewer."""

from __future__ import annotations

from tests.browser.conftest import login, query, screenshot, select_passage, wait_ready

CHINESE_PASSAGE = "財仔嗰邊每個月要還兩千幾，還十個月。"
ENGLISH_PASSAGE = "Before I flew, they gave me papers to sign."


def _codings(study, *, snippet: str) -> list[tuple]:
    return query(study, 'SELECT k.id, k.start, k."end", k.snippet, t.text, k.code_id, u.username FROM codings k '
                        "JOIN transcripts t ON t.id = k.transcript_id JOIN users u ON u.id = k.coder_id "
                        "WHERE k.snippet = ?", [snippet])


def _choose_code(page, code_id: str) -> None:
    box = page.get_by_label("Codes", exact=True)
    box.click()
    page.keyboard.type(code_id)
    page.get_by_role("option", name=code_id).first.click()
    # Close the list by clicking outside it (Escape inside a Streamlit form drops the next submit).
    page.get_by_text("Code a passage").click()


def _code_passage(page, passage: str, code_id: str) -> None:
    select_passage(page, passage)
    page.wait_for_selector("text=characters")
    _choose_code(page, code_id)
    page.get_by_role("button", name="Apply").click()
    wait_ready(page)
    page.wait_for_selector("text=Applied 1 code(s).")


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
    page.get_by_role("button", name="Remove").last.click()
    wait_ready(page)
    page.get_by_role("button", name="Yes, remove").click()
    wait_ready(page)
    page.wait_for_selector("text=Coding removed")
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
