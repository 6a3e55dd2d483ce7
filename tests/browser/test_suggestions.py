"""Suggestions in a real browser: why a suggestion was made, hiding a code for the session, retraining in the
background with a progress bar that ends by naming the model version."""

from __future__ import annotations

from tests.browser.conftest import login, query, screenshot, wait_ready


def test_a_suggestion_says_why_and_its_code_can_be_hidden(app_server, page, demo):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="coding?transcript=ST02_caseworker")
    page.get_by_role("button", name="Suggest codes for this transcript").click()
    wait_ready(page)
    page.wait_for_selector("[data-suggestion-id]")
    why = page.locator(".st-key-suggestion_review").get_by_text("Why:")
    assert "pattern" in why.inner_text() and "score" in why.inner_text()
    hide = page.locator(".st-key-suggestion_review").get_by_role("button", name="for this session")
    label = hide.inner_text().strip().splitlines()[-1]   # the icon's name comes first
    code = label.removeprefix("Hide ").removesuffix(" for this session")
    open_before = query(study, "SELECT count(*) FROM suggestions WHERE code_id = ? AND status = 'open'", [code])[0][0]
    assert page.locator(".st-key-suggestion_review").inner_text().lstrip().startswith(code)
    hide.click()
    wait_ready(page)
    page.get_by_role("button", name="Show hidden codes again (1)").wait_for()
    review = page.locator(".st-key-suggestion_review")
    assert review.count() == 0 or not review.inner_text().lstrip().startswith(code)
    # hiding is a view choice: nothing was rejected
    assert query(study, "SELECT count(*) FROM suggestions WHERE code_id = ? AND status = 'open'", [code])[0][0] \
        == open_before
    screenshot(page, "suggestion-hidden")


def test_retraining_runs_in_the_background_and_names_its_version(app_server, page, demo):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="suggestions")
    page.get_by_role("button", name="Retrain and evaluate").click()
    wait_ready(page)   # the script run ends at once: training goes on in a thread
    page.get_by_text("Retraining…").first.wait_for(timeout=30_000)
    page.get_by_text("codings and rejections, and cross-validated").first.wait_for(timeout=300_000)  # polled by the page
    wait_ready(page)
    version = query(study, "SELECT version FROM suggestion_models ORDER BY id DESC LIMIT 1")[0][0]
    assert f"Model {version} trained" in page.locator("[data-testid='stAlert']").first.inner_text()
    page.wait_for_function("!document.body.innerText.includes('No learned model yet')")   # the figures are the new model's
    assert "cross-validated by transcript" in page.locator("body").inner_text()
    screenshot(page, "suggestions-retrained")
