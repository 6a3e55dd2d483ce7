"""The coding gesture in a real browser: the code picker applies exactly what it names; every action can be undone."""

from __future__ import annotations

from urllib.parse import urlparse

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

# Passages of the demo's SV01_dewi, each used by one test (the module shares one server and study).
PASSPORT_PASSAGE = "I didn't read all, because they said quickly, quickly, sign here, here."
DECEPTION_PASSAGE = "One paper was the loan."
ESCAPE_PASSAGE = "Many papers."
TWO_CODES_PASSAGE = "Learning Cantonese, cooking, cleaning."
UNDO_PASSAGE = "Before I flew, they gave me papers to sign."


def _open(page, base, demo, user="reyes", stem="SV01_dewi"):
    login(page, base, user, demo.passwords[user], path=f"coding?transcript={stem}")
    page.wait_for_selector("[data-testid='transcript-view']")


def test_passport_and_enter_apply_exactly_document_retention(app_server, page, demo):
    base, study = app_server
    _open(page, base, demo)
    select_passage(page, PASSPORT_PASSAGE)
    # Type at once: the selection's rerun moves the focus to the picker's search box (waited for, not raced: under
    # load the rerun can start after wait_ready's first look).
    page.wait_for_function(
        "document.activeElement && document.activeElement.getAttribute('role') === 'combobox'", timeout=15_000)
    find_code(page, "passport")
    assert page.get_by_role("option").first.inner_text().startswith("Document retention")
    page.keyboard.press("Enter")
    assert confirmation(page) == f"Applied Document retention (扣留證件) to “{PASSPORT_PASSAGE[:60]}…”."
    assert [r[2:] for r in codings_of(study, PASSPORT_PASSAGE, coder="reyes")] == [
        ("exploitation/document_retention", "reyes")]
    screenshot(page, "picker-applied")


def test_deception_and_a_click_on_the_first_option_apply_exactly_deception(app_server, page, demo):
    base, study = app_server
    _open(page, base, demo)
    select_passage(page, DECEPTION_PASSAGE)
    find_code(page, "deception")
    options = page.get_by_role("option")
    assert options.first.inner_text().startswith("Deception")
    assert "match" not in " ".join(options.all_inner_texts()).lower()  # never a "select all matches" row
    screenshot(page, "picker-deception")
    options.first.click()
    assert confirmation(page) == f"Applied Deception (欺騙) to “{DECEPTION_PASSAGE}”."
    assert [r[2] for r in codings_of(study, DECEPTION_PASSAGE, coder="reyes")] == ["exploitation/deception"]


def test_escape_then_apply_still_applies(app_server, page, demo):
    base, study = app_server
    _open(page, base, demo)
    select_passage(page, ESCAPE_PASSAGE)
    find_code(page, "debt bondage")
    page.keyboard.press("Escape")
    assert not page.get_by_role("listbox").is_visible()
    apply = page.locator("[data-testid='picker-apply']")
    assert apply.inner_text() == "Apply Debt bondage"  # the button names exactly what it applies
    apply.click()
    assert confirmation(page) == f"Applied Debt bondage (債務束縛) to “{ESCAPE_PASSAGE}”."
    assert [r[2] for r in codings_of(study, ESCAPE_PASSAGE, coder="reyes")] == ["exploitation/debt_bondage"]


def test_several_codes_are_added_with_shift_enter_and_a_recent_code_is_one_click_away(app_server, page, demo):
    base, study = app_server
    _open(page, base, demo, user="chan")
    select_passage(page, TWO_CODES_PASSAGE)
    find_code(page, "language")
    page.keyboard.press("Shift+Enter")
    find_code(page, "abusive")
    apply = page.locator("[data-testid='picker-apply']")
    assert apply.inner_text() == "Apply Language and interpretation, Abusive working and living conditions"
    page.keyboard.press("Enter")
    assert confirmation(page) == ("Applied Language and interpretation (語言及傳譯), Abusive working and living "
                                  f"conditions (惡劣工作及生活條件) to “{TWO_CODES_PASSAGE}”.")
    assert sorted(r[2] for r in codings_of(study, TWO_CODES_PASSAGE, coder="chan")) == [
        "barriers/language_interpretation", "exploitation/abusive_conditions"]
    select_passage(page, ESCAPE_PASSAGE)
    page.locator(".wb-recent .wb-chip", has_text="Language and interpretation").click()
    assert confirmation(page) == f"Applied Language and interpretation (語言及傳譯) to “{ESCAPE_PASSAGE}”."
    assert [r[2] for r in codings_of(study, ESCAPE_PASSAGE, coder="chan")] == ["barriers/language_interpretation"]


def _row(study, coding_id):
    return query(study, "SELECT * FROM codings WHERE id = ?", [coding_id])


def test_undo_of_apply_remove_and_accept_restores_the_same_rows(app_server, page, demo):
    base, study = app_server
    _open(page, base, demo, user="chan")
    select_passage(page, UNDO_PASSAGE)
    find_code(page, "wage")
    page.keyboard.press("Enter")
    confirmation(page)
    [(applied, *_)] = codings_of(study, UNDO_PASSAGE, coder="chan")
    page.get_by_role("button", name="Undo").click()
    assert confirmation(page) == "Undone: applied Wage withholding (拖欠及剋扣工資)."
    assert codings_of(study, UNDO_PASSAGE, coder="chan") == [] and _row(study, applied) == []

    # remove one of chan's reference codings, then undo: the same row (id, uid, coder, times) comes back
    coding_id = query(study, "SELECT k.id FROM codings k JOIN users u ON u.id = k.coder_id JOIN transcripts t "
                             "ON t.id = k.transcript_id WHERE u.username = 'chan' AND t.stem = 'SV01_dewi' "
                             "ORDER BY k.start LIMIT 1")[0][0]
    before = _row(study, coding_id)
    page.locator(f"mark[data-coding-id='{coding_id}']").first.click()
    wait_ready(page)
    page.locator(f".st-key-edit_{coding_id}_remove button").click()
    wait_ready(page)
    page.get_by_role("button", name="Yes, remove").click()
    assert confirmation(page).startswith("Removed ")
    assert _row(study, coding_id) == []
    page.get_by_role("button", name="Undo").click()
    assert confirmation(page).startswith("Undone: removed ")
    assert _row(study, coding_id) == before
    page.wait_for_selector(f"mark[data-coding-id='{coding_id}']", state="attached")

    # accept a suggestion, then undo: its coding is gone and the suggestion is open again
    page.goto(f"{base}/coding?transcript=ST02_caseworker")
    wait_ready(page)
    page.get_by_role("button", name="Suggest codes for this transcript").click()
    wait_ready(page)
    page.wait_for_selector("[data-suggestion-id]")
    page.locator(".st-key-suggestion_accept button").click()
    assert confirmation(page).startswith("Accepted: ")
    [(coding, suggestion)] = query(study, "SELECT id, suggestion_id FROM codings WHERE origin = 'suggestion'")
    page.get_by_role("button", name="Undo").click()
    assert confirmation(page).startswith("Undone: accepted a suggestion of ")
    assert _row(study, coding) == []
    assert query(study, "SELECT status, decided_by FROM suggestions WHERE id = ?", [suggestion]) == [("open", None)]


def test_code_names_and_colours_reach_the_page_as_text(app_server, page, demo):
    """Issue 13, finding 1: a code's name or colour never becomes markup or a request in the coding page."""
    base, study = app_server
    code = "exploitation/restricted_movement"
    name = '<img src="http://198.51.100.7/n.png" onerror="window.__owned = 1">'
    colour = 'red;background:url(http://198.51.100.7/c.png)" onerror="window.__owned = 2'
    original = query(study, "SELECT name_en, color FROM codes WHERE id = ?", [code])[0]
    _set_code(study, code, name, colour)
    try:
        requests, dialogs = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _open(page, base, demo)
        find_code(page, "restricted")
        option = page.get_by_role("option").first
        assert option.inner_text().startswith(name)  # the name shown as its own text
        legend = page.locator(".wb-legend-row", has_text="<img")
        assert legend.count() == 1 and legend.inner_text().startswith(name)
        titles = page.eval_on_selector_all(".wb-stripe, .wb-tv mark", "els => els.map(e => e.title)")
        assert any(t.startswith(name) for t in titles)
        assert page.locator(".wb-tv img, .wb-picker img, .wb-legend img").count() == 0
        assert page.evaluate("window.__owned") is None and dialogs == []
        assert not [u for u in requests if urlparse(u).hostname == "198.51.100.7"]
        styles = page.eval_on_selector_all(".wb-tv mark, .wb-stripe, .wb-swatch", "els => els.map(e => e.style.cssText)")
        assert styles and not [s for s in styles if "url(" in s or "198.51.100.7" in s]
    finally:
        _set_code(study, code, *original)


def _set_code(study, code: str, name: str, colour: str) -> None:
    """Write a code's name and colour straight into the file (as another SQLite tool could)."""
    import sqlite3

    db = sqlite3.connect(study)
    try:
        db.execute("UPDATE codes SET name_en = ?, color = ? WHERE id = ?", [name, colour, code])
        db.commit()
    finally:
        db.close()
