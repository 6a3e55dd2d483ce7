"""A coder in a real browser resolves a disagreement into a consensus coding; the Themes page counts the consensus."""

from __future__ import annotations

from tests.browser.conftest import login, query, screenshot, wait_ready
from workbench.store.schema import CONSENSUS_USER


def test_coder_resolves_a_disagreement_and_themes_show_the_consensus_layer(app_server, page, demo):
    base, study = app_server
    login(page, base, "chan", demo.passwords["chan"], path="disagreements")
    page.wait_for_selector("text=Resolve by")
    main = page.locator("[data-testid='stMain']")
    assert "did not apply it" in main.inner_text() and "applied the code" in main.inner_text()
    screenshot(page, "disagreements")
    page.get_by_text("Take reyes's version").click()
    page.get_by_role("button", name="Resolve").click()
    wait_ready(page)
    page.wait_for_selector("text=Resolved:")
    rows = query(study, "SELECT k.code_id, k.snippet, r.kind, u.username FROM codings k JOIN users c ON c.id = k.coder_id "
                        "JOIN resolutions r ON instr(r.coding_uids, k.uid) > 0 JOIN users u ON u.id = r.resolved_by "
                        "WHERE c.username = ?", [CONSENSUS_USER])
    assert len(rows) == 1 and rows[0][2:] == ("chosen", "chan")
    code, snippet = rows[0][:2]
    page.goto(f"{base}/themes")
    wait_ready(page)
    page.get_by_text("consensus (agreed and resolved)").click()
    wait_ready(page)
    page.wait_for_selector("text=Counting the consensus layer only")
    body = main.inner_text()
    assert "1 passages (1 codings) from 1 participants" in body and "layer: consensus" in body
    main.locator("[data-testid='stExpander'] summary").first.click()
    wait_ready(page)
    assert code in main.inner_text() and snippet[:40] in main.inner_text()
    screenshot(page, "themes-consensus")
