"""The rest of a day's work in a real browser: edit and delete a memo; correct a transcript's text and see its
codings still quote the right words."""

from __future__ import annotations

from tests.browser.conftest import login, query, screenshot, wait_ready

STEM = "SV01_dewi"


def _memos(study) -> list[tuple]:
    return query(study, "SELECT m.title, m.body, u.username FROM memos m JOIN users u ON u.id = m.author_id")


def test_a_coder_writes_edits_and_deletes_a_memo(app_server, page, demo):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="memos")
    page.get_by_label("Title", exact=True).fill("Screening")
    page.get_by_label("Memo text", exact=True).fill("Screening forms read like checklists.")
    page.get_by_role("button", name="Save memo").click()
    wait_ready(page)
    page.get_by_text("Memo saved.").first.wait_for()
    assert ("Screening", "Screening forms read like checklists.", "chan") in _memos(study)
    assert page.get_by_label("Memo text", exact=True).input_value() == ""

    page.get_by_label("Change the memo text").fill("Screening forms read like tick-box checklists.")
    page.get_by_role("button", name="Save changes").click()
    wait_ready(page)
    page.get_by_text("Memo saved.").first.wait_for()
    assert ("Screening", "Screening forms read like tick-box checklists.", "chan") in _memos(study)
    screenshot(page, "memos-edit")

    delete = page.get_by_role("button", name="Delete memo")
    assert delete.is_disabled()
    page.get_by_text("Delete this memo for good").click()
    wait_ready(page)
    page.get_by_role("button", name="Delete memo").click()
    wait_ready(page)
    page.get_by_text("Memo deleted.").first.wait_for()
    assert not [m for m in _memos(study) if m[0] == "Screening"]


def _codings(study) -> list[tuple]:
    return query(study, 'SELECT k.id, k.start, k."end", k.snippet, k.text_hash = t.text_hash FROM codings k '
                        "JOIN transcripts t ON t.id = k.transcript_id WHERE t.stem = ? ORDER BY k.start", [STEM])


def test_correcting_a_name_keeps_every_coding_on_its_words(app_server, page, demo):
    base, study = app_server
    [(text,)] = query(study, "SELECT text FROM transcripts WHERE stem = ?", [STEM])
    before = {row[0]: row[3] for row in _codings(study)}
    turns = query(study, "SELECT count(*) FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                         "WHERE t.stem = ? AND s.kind = 'turn'", [STEM])
    name = "Dewi"
    assert text.count(name) > 1
    login(page, base, "chan", demo.passwords["chan"], path="transcripts")
    page.get_by_label("Transcript", exact=True).click()
    page.get_by_role("option", name=STEM).click()
    wait_ready(page)
    page.get_by_role("tab", name="Correct the text").click()
    page.get_by_label("Find (exact text)").fill(name)
    page.get_by_label("Replace with").fill("NAME-1")
    page.get_by_label("Replace with").press("Enter")
    wait_ready(page)
    page.get_by_text("kept on the same words").first.wait_for()
    page.get_by_text("Apply this correction to the stored transcript").click()
    wait_ready(page)
    page.get_by_role("button", name="Apply correction").click()
    wait_ready(page)
    page.get_by_text(f"Corrected {STEM}").first.wait_for(timeout=60_000)
    screenshot(page, "transcript-corrected")

    [(new_text,)] = query(study, "SELECT text FROM transcripts WHERE stem = ?", [STEM])
    assert name not in new_text and "NAME-1" in new_text
    assert query(study, "SELECT count(*) FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                        "WHERE t.stem = ? AND s.kind = 'turn'", [STEM]) == turns
    after = _codings(study)
    assert len(after) == len(before)
    intact = [row for row in after if row[4]]
    assert intact, "the name is in few passages: most codings must stay intact"
    for coding_id, start, end, snippet, ok in after:
        assert new_text[start:end] == snippet
        assert snippet == before[coding_id] or not ok, "a coding whose words changed is flagged, never silent"
    # In the coding page, the highlight of a coding after the name still covers exactly its words.
    coding_id, start, end, snippet, _ok = max(intact, key=lambda row: row[1])
    assert snippet == before[coding_id]
    page.goto(f"{base}/coding?transcript={STEM}&start={start}&end={end}")
    wait_ready(page)
    marked = page.locator(f"mark[data-coding-id='{coding_id}']")  # not its margin stripe (initials)
    marked.first.wait_for()
    assert "".join(marked.all_inner_texts()).replace("\n", "") == snippet.replace("\n", "")
