"""In Chromium: the PII gate holds an upload until pseudonymised or kept with a reason; a reviewer reads
violence-coded passages behind a content note until they open it."""

from __future__ import annotations

import json

from tests.browser.conftest import login, query, screenshot, wait_ready
from tests.services.test_pii_gate import HKID, WITH_PII


def _upload(page, tmp_path, name: str) -> None:
    path = tmp_path / name
    path.write_text(WITH_PII.replace("every night", f"every night ({name})"), encoding="utf-8")
    page.locator("input[type='file']").first.set_input_files(str(path))
    wait_ready(page)
    page.get_by_text("Held: 2 likely identifying item(s)").first.wait_for()


def _import(page) -> None:
    page.get_by_role("button", name="Import 1 file(s)").click()
    wait_ready(page)
    page.get_by_text("imported as transcript").first.wait_for()


def test_a_held_upload_is_pseudonymised_then_stored_with_placeholders(app_server, page, demo, tmp_path):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="import")
    _upload(page, tmp_path, "P96_held.txt")
    assert page.get_by_role("button", name="Import 1 file(s)").count() == 0  # held: nothing to import yet
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    page.wait_for_timeout(800)
    screenshot(page, "pii-held")
    page.get_by_role("button", name="Pseudonymise").click()
    wait_ready(page)
    _import(page)
    [(text,)] = query(study, "SELECT text FROM transcripts WHERE stem = 'P96_held'")
    assert "[HKID-1]" in text and "[PHONE-1]" in text and HKID not in text and "9123" not in text
    [(detail,)] = query(study, "SELECT a.detail FROM audit_log a JOIN transcripts t ON a.entity_id = t.id "
                               "WHERE t.stem = 'P96_held' AND a.action = 'pii_pseudonymise'")
    assert json.loads(detail)["replaced"] == {"hkid": 1, "phone": 1}


def test_a_held_upload_is_kept_with_a_reason_and_audited(app_server, page, demo, tmp_path):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="import")
    _upload(page, tmp_path, "P95_keep.txt")
    reason = "Consent form P95 allows keeping the office number"
    page.get_by_role("textbox", name="Reason to keep identifying data").fill(reason)
    page.get_by_role("textbox", name="Reason to keep identifying data").press("Enter")
    wait_ready(page)
    page.get_by_role("button", name="Import as is").click()
    wait_ready(page)
    _import(page)
    [(text,)] = query(study, "SELECT text FROM transcripts WHERE stem = 'P95_keep'")
    assert HKID in text
    [(user, detail)] = query(study, "SELECT u.username, a.detail FROM audit_log a JOIN users u ON u.id = a.user_id "
                                    "JOIN transcripts t ON a.entity_id = t.id WHERE t.stem = 'P95_keep' "
                                    "AND a.action = 'pii_override'")
    assert user == "chan" and json.loads(detail)["reason"] == reason and HKID not in detail


def test_a_reviewer_opens_a_collapsed_passage_deliberately(app_server, page, demo):
    base, _study = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="search")
    assert page.get_by_role("switch", name="Collapse distressing passages").is_checked()  # on by default for reviewers
    page.get_by_label("Search transcripts").fill("storeroom")
    page.get_by_label("Search transcripts").press("Enter")
    wait_ready(page)
    note = page.locator("[data-testid='stExpander']").filter(has_text="Content note").first
    note.wait_for()
    passage = note.get_by_text("storeroom").first
    assert not passage.is_visible(), "the passage shows before the reader opens its note"
    screenshot(page, "reading-collapsed")
    note.locator("summary").click()
    passage.wait_for(state="visible")
    screenshot(page, "reading-opened")


def test_the_coding_page_collapses_a_passage_behind_its_note_until_the_reader_opens_it(app_server, page, demo):
    base, study = app_server
    [(stem, snippet)] = query(study, "SELECT t.stem, k.snippet FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                                     "WHERE k.code_id = 'exploitation/violence_threats' ORDER BY t.id, k.start LIMIT 1")
    login(page, base, "reviewer", demo.passwords["reviewer"], path=f"coding?transcript={stem}")
    page.wait_for_selector("[data-testid='transcript-view']")
    note = page.locator("[data-testid='transcript-view'] button.wb-cnote").first
    note.wait_for()
    assert "Content note" in note.inner_text()
    words = snippet[:12]
    hidden = page.locator("[data-testid='transcript-view'] .wb-t.wb-hidden").filter(has_text=words)
    assert hidden.count() >= 1 and not hidden.first.is_visible(), "the passage shows before its note is opened"
    screenshot(page, "coding-collapsed")
    note.click()
    shown = page.locator("[data-testid='transcript-view'] .wb-t").filter(has_text=words).first
    shown.wait_for(state="visible")
    assert page.locator("[data-testid='transcript-view'] .wb-t.wb-hidden").filter(has_text=words).count() == 0
