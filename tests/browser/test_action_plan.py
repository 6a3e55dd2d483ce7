"""A reviewer in a real browser: the Action Plan page counts confirmed measure attributions, derived on request."""

from __future__ import annotations

import re

from tests.browser.conftest import login, screenshot, wait_ready

SWITCH = "Include derived measure attributions"


def _participants(page, measure: str) -> int:
    """The participant count in a measure's expander label ("NM-c — … · 7 participants (…)")."""
    label = page.locator("[data-testid='stExpander'] summary", has_text=f"{measure} —").first.inner_text()
    return int(re.search(r"· (\d+) participants", label).group(1))


def test_reviewer_switches_derived_attributions_on_and_off(app_server, page, demo):
    base, _study = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"], path="action-plan")
    page.wait_for_selector("[data-testid='stExpander']")
    confirmed = {m: _participants(page, m) for m in ("GOV-2", "GOV-3", "NM-c", "ON-1")}
    assert confirmed["GOV-2"] != confirmed["GOV-3"]
    assert "confirmed attributions only" in page.inner_text("[data-testid='stMain']")
    page.get_by_text(SWITCH).click()
    wait_ready(page)
    derived = {m: _participants(page, m) for m in confirmed}
    assert "confirmed and derived attributions" in page.inner_text("[data-testid='stMain']")
    assert derived["NM-c"] > confirmed["NM-c"] == 0
    assert all(derived[m] >= confirmed[m] for m in confirmed) and max(derived.values()) <= 9
    screenshot(page, "action-plan-derived")
    page.get_by_text(SWITCH).click()
    wait_ready(page)
    assert {m: _participants(page, m) for m in confirmed} == confirmed
