"""Real-browser fixtures: a real `streamlit run` on a free localhost port, driven by Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import copy_study

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def pytest_collection_modifyitems(config, items):  # noqa: ANN001 - pytest hook
    """Mark every test here as a browser test; skip them (loudly) without Chromium unless CI=true."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason="Chromium not installed (apt-get install chromium "
                                                        "fonts-wqy-zenhei); CI=true makes these tests mandatory"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query(study: str | Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    """Read from a study file the server also has open, closing the connection straight away."""
    db = sqlite3.connect(study)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


@contextlib.contextmanager
def serve(study: Path):
    """A real server on a study, as `workbench serve` runs it (the st.App with the cookie routes and security
    headers); yields its base URL."""
    if not CHROMIUM:
        pytest.fail("CI=true but Chromium is not installed")
    port = _free_port()
    env = {**os.environ, "WORKBENCH_STUDY": str(study), "WORKBENCH_SESSION_MINUTES": "60"}
    log = open(study.with_suffix(".log"), "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "workbench" / "ui" / "serving" / "workbench_server.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the Streamlit server did not become healthy in 60 s: " + study.with_suffix(".log").read_text())
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def app_server(demo, tmp_path_factory):
    """A Streamlit server on a private copy of the demo study; yields (base_url, study_path)."""
    study = copy_study(demo.path, tmp_path_factory.mktemp("browser") / "study.db")
    with serve(study) as base:
        yield base, study


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_ready(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=30_000)


def login(page, base: str, username: str, password: str, *, path: str = "") -> None:
    """Open a page (deep links allowed) and log in through the form."""
    page.goto(f"{base}/{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    wait_ready(page)
    try:
        page.wait_for_selector("[data-testid='stSidebar']", state="attached")  # folded away on the coding page
    except Exception:
        screenshot(page, f"login-failed-{username}")
        raise
    wait_ready(page)
    # the page posts a one-time ticket for the HttpOnly session cookie; leaving the page before it lands
    # would lose the login on the next navigation
    deadline = time.time() + 15
    while "wb_session" not in {c["name"] for c in page.context.cookies()}:
        assert time.time() < deadline, "the session cookie was not set after the login"
        page.wait_for_timeout(100)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# JavaScript: find a passage in the transcript view by code points and return the viewport points of its
# first and last characters (the test then drags the real mouse between them).
LOCATE_JS = """
(passage) => {
  const view = document.querySelector("[data-testid='transcript-view']");
  const spans = Array.from(view.querySelectorAll('.wb-t'));
  let flat = '', pieces = [];
  for (const s of spans) { pieces.push([flat.length, s]); flat += s.textContent; }
  const at = flat.indexOf(passage);
  if (at < 0) return null;
  const point = (index, after) => {
    for (let i = pieces.length - 1; i >= 0; i--) {
      const [base, span] = pieces[i];
      if (index >= base) {
        const node = span.firstChild, local = index - base;
        const r = document.createRange();
        // characters may be surrogate pairs: measure one whole code point
        const len = node.data.codePointAt(local) > 0xffff ? 2 : 1;
        r.setStart(node, local); r.setEnd(node, local + len);
        const b = r.getBoundingClientRect();
        span.scrollIntoView({block: 'center'});
        const b2 = r.getBoundingClientRect();
        return {x: after ? b2.right - 1 : b2.left + 1, y: b2.top + b2.height / 2};
      }
    }
  };
  const last = at + passage.length - 1;
  const start = point(at, false);
  const end = point(last, true);
  return {start: point(at, false), end};
}
"""


def select_passage(page, passage: str) -> None:
    """Select a passage in the transcript view with real mouse events (press, drag, release)."""
    page.wait_for_selector("[data-testid='transcript-view']")
    points = page.evaluate(LOCATE_JS, passage)
    assert points, f"passage not shown in the transcript view: {passage!r}"
    page.mouse.move(points["start"]["x"], points["start"]["y"])
    page.mouse.down()
    page.mouse.move((points["start"]["x"] + points["end"]["x"]) / 2, points["end"]["y"], steps=5)
    page.mouse.move(points["end"]["x"], points["end"]["y"], steps=5)
    page.mouse.up()
    wait_ready(page)


def find_code(page, query: str) -> None:
    """Type in the code picker's search box and wait until its list shows the ranking for exactly that text."""
    box = page.get_by_role("combobox", name="Find a code")
    box.click()
    box.fill("")
    page.keyboard.type(query, delay=30)
    page.wait_for_function(
        "q => document.querySelector('.wb-search').value === q && !document.querySelector('.wb-options.wb-stale')"
        " && document.querySelector('.wb-options [role=option]') !== null", arg=query)


def confirmation(page) -> str:
    """The text of the coding panel's confirmation once it appears."""
    page.wait_for_selector("[data-testid='stAlertContentSuccess']")
    wait_ready(page)
    return page.inner_text("[data-testid='stAlertContentSuccess']").strip()


def codings_of(study, snippet: str, *, coder: str | None = None) -> list[tuple]:
    """(id, uid, code, coder) of the codings of exactly this passage, oldest first."""
    rows = query(study, "SELECT k.id, k.uid, k.code_id, u.username FROM codings k JOIN users u ON u.id = k.coder_id "
                        "WHERE k.snippet = ? ORDER BY k.id", [snippet])
    return [r for r in rows if coder is None or r[3] == coder]
