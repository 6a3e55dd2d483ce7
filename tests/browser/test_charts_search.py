"""A reviewer in a real browser: Charts (click a heatmap cell, read its quotes, download the PNG) and Search."""

from __future__ import annotations

from tests.browser.conftest import login, screenshot, wait_ready
from tests.browser.conftest import query as study_query

CELL = "[data-testid='stVegaLiteChart'] .mark-rect path[aria-label*='{measure}'][aria-label*='{theme}']"


def test_reviewer_clicks_a_heatmap_cell_reads_quotes_and_downloads_png(app_server, page, demo, tmp_path):
    base, _study = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="charts")
    page.wait_for_selector("[data-testid='stVegaLiteChart'] .mark-rect path")
    page.get_by_text("繁體中文").click()
    wait_ready(page)
    cell = page.locator(CELL.format(measure="ON-3", theme="尋求公義的障礙")).first
    assert page.locator("[data-testid='stVegaLiteChart'] .mark-text text").count() > 0  # counts written in cells
    cell.click()  # the middle of the cell, where its number is written: the click reaches the cell
    wait_ready(page)
    page.wait_for_selector("text=Behind the selection")
    quotes = page.locator("[data-testid='stMarkdownContainer'] blockquote")
    assert quotes.count() > 0
    body = page.inner_text("[data-testid='stMain']")
    assert "row_id: barriers" in body and "measure: ON-3" in body
    screenshot(page, "charts-heatmap-cell")
    page.locator("[data-testid='stVegaLiteChart']").hover()
    page.locator("[data-testid='stElementToolbar'] button[aria-label^='Fullscreen']").first.wait_for(state="visible")
    toolbar_png = page.locator("[data-testid='stElementToolbar'] button[aria-label^='Download as PNG']")
    assert toolbar_png.count() == 1 and not toolbar_png.first.is_visible()  # one PNG button: the page's own
    assert page.get_by_role("button", name="PNG", exact=True).count() == 1
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG", exact=True).click()
    target = tmp_path / "heatmap.png"
    download.value.save_as(target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    exports = study_query(_study, "SELECT u.username, a.detail FROM audit_log a JOIN users u ON u.id = a.user_id "
                            "WHERE a.action = 'export' AND a.entity = 'chart'")
    assert exports and exports[-1][0] == "reviewer" and '"png"' in exports[-1][1]  # downloads are on the record


def test_reviewer_searches_in_chinese_and_english(app_server, page, demo):
    base, _study = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="search")
    for query, needle in (("護照", "護照"), ("passports", "passport")):
        box = page.get_by_label("Search transcripts")
        box.fill(query)
        box.press("Enter")
        wait_ready(page)
        page.wait_for_selector("text=hit(s)")
        marks = page.locator("[data-testid='stMarkdownContainer'] strong")
        assert marks.count() > 0
        assert all(needle in t.lower() for t in marks.all_inner_texts())
    screenshot(page, "search")
    assert page.get_by_role("button", name="Apply").count() == 0


def test_a_search_hit_opens_its_passage_in_the_transcript(app_server, page, demo):
    base, _study = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="search")
    box = page.get_by_label("Search transcripts")
    box.fill("勞資審裁處")
    box.press("Enter")
    wait_ready(page)
    page.wait_for_selector("text=hit(s)")
    page.get_by_role("link", name="Open transcript").first.click()
    wait_ready(page)
    assert "/coding?" in page.url and "start=" in page.url
    focus = page.locator("[data-testid='transcript-view'] .wb-focus")
    focus.first.wait_for()
    assert "勞資審裁處" in "".join(focus.all_inner_texts())
