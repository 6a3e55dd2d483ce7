"""Survivor data safety in a real browser (issue 13 findings 1, 2, 5, 12): nothing leaves 127.0.0.1, no data
field runs script or renders markup on any page, and the login lives in an HttpOnly cookie."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import copy_study, login, screenshot, serve, wait_ready
from workbench.errors import InputError
from workbench.services.codes import add_code, update_code
from workbench.services.coding import add_coding, find_span
from workbench.services.importing import prepare, store
from workbench.services.memos import add_memo
from workbench.services.participants import ParticipantInfo
from workbench.services.pii_gate import Decision, Gate
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study
from workbench.ui.pages import registry

# One marker per payload, so a finding names which one got through.
PAYLOADS = ["<img src=x onerror=alert('XSS-IMG')>", "![](http://127.0.0.2/xss-md.png)", "<script>alert('XSS-SCRIPT')</script>",
            "<style>body{display:none !important}/*XSS-STYLE*/</style>", "[open me](javascript:alert('XSS-LINK'))",
            "<iframe src='http://127.0.0.2/xss-frame'></iframe>"]
ALL = " ".join(PAYLOADS)
HOSTILE_NAME = "<img src=x onerror=alert('XSS-FILE')> ![](http:⁄⁄127.0.0.2⁄f.png).txt"  # no '/' in a file name
ADMIN, PASSWORD = "custodian", "a long enough password"
# Everything in the page that would mean a payload became markup.
MARKUP_JS = """() => {
  const found = [];
  document.querySelectorAll('img').forEach(i => {
    const src = i.getAttribute('src') || '';
    if (/xss|^x$/.test(src)) found.push('img ' + src);
  });
  document.querySelectorAll('[onerror], [onload]:not(body)').forEach(e => found.push('handler on ' + e.tagName));
  document.querySelectorAll('a[href^="javascript:"]').forEach(a => found.push('javascript link'));
  document.querySelectorAll('style').forEach(s => { if (s.textContent.includes('XSS-STYLE')) found.push('style'); });
  document.querySelectorAll('iframe').forEach(f => { if ((f.getAttribute('src') || '').includes('xss')) found.push('iframe'); });
  document.querySelectorAll('script').forEach(s => { if (s.textContent.includes('XSS-')) found.push('script'); });
  return found;
}"""


def _hostile_study(source: Path, target: Path) -> Path:
    """A copy of the demo study with the payloads in every data field a person can fill."""
    copy_study(source, target)
    with Study.open(target) as study:
        study.add_user(username=ADMIN, role="admin", password=PASSWORD, display_name=f"Admin {ALL}")
        study.set_meta("title", f"Study {ALL}", by=ADMIN)
        # the payloads' web addresses would hold the file at the PII gate: kept, for a reason, to test the markup
        prepared = prepare(HOSTILE_NAME, f"Interviewer: Tell me. {ALL}\nDewi: They kept my passport. {ALL}\n"
                           f"Interviewer: And then?\nDewi: I waited. {ALL}\n".encode(),
                           gate=Gate(decision=Decision.override("hostile test payloads, no personal data")))
        tid = store(study, prepared, by=ADMIN, participant=ParticipantInfo(
            f"Dewi {PAYLOADS[0]} {PAYLOADS[1]}", "survivor", {f"origin {PAYLOADS[1]}": f"Java {ALL}"}))
        add_code(study, code_id="barriers/xss", parent="barriers", name_en=f"Code {ALL}", name_zh=f"編碼 {ALL}",
                 definition_en=f"Definition {ALL}", by=ADMIN)
        update_code(study, "barriers/xss", by=ADMIN, definition_zh=f"定義 {ALL}")
        for colour in ('#fff" onerror="alert(1)', "red;background:url(http://127.0.0.2/c.png)"):
            with pytest.raises(InputError):  # colours are refused by the library (finding 1)
                update_code(study, "barriers/xss", by=ADMIN, color=colour)
        start, end = find_span(transcript_text(study, tid), "They kept my passport")
        coding = add_coding(study, transcript_id=tid, start=start, end=end, code_id="barriers/xss", by=ADMIN,
                            memo=f"Coding memo {ALL}", assessment="barrier")
        add_memo(study, target_type="study", target_id="study", title=f"Memo {ALL}", body=f"Body {ALL}", by=ADMIN)
        add_memo(study, target_type="coding", target_id=str(coding), body=f"On a coding {ALL}", by=ADMIN)
    return target


@pytest.fixture(scope="module")
def hostile_server(demo, tmp_path_factory):
    study = _hostile_study(demo.path, tmp_path_factory.mktemp("hostile") / "hostile.db")
    with serve(study) as base:
        yield base, study


class Recorder:
    """Every request, dialog and CSP complaint of a page, from before the login on."""

    def __init__(self, page, base: str):
        self.host = urlsplit(base).netloc
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: "Content Security Policy" in m.text and self.csp.append(m.text))

    def off_host(self) -> list[str]:
        return sorted({u for u in self.requests if urlsplit(u).scheme not in ("data", "blob")
                       and urlsplit(u).netloc != self.host})


def _visit_every_page(page, base: str, *, after=None, skip: tuple[str, ...] = ()) -> list[str]:
    visited = []
    for spec in (s for s in registry() if s.url_path not in skip):
        query = "?transcript=" + urllib.request.quote(Path(HOSTILE_NAME).stem) if spec.url_path == "coding" else ""
        page.goto(f"{base}/{spec.url_path}{query}")
        wait_ready(page)
        assert page.locator("[data-testid='stSidebar']").count() == 1, f"not logged in on {spec.url_path}"
        for summary in page.locator("[data-testid='stExpander'] summary").all()[:12]:
            summary.click()  # open what is folded: its content is data too
        wait_ready(page)
        if after:
            after(spec.url_path)
        visited.append(spec.url_path)
    return visited


def test_finding5_no_request_leaves_the_machine_on_any_page_login_included(app_server, page, demo):
    base, _ = app_server
    recorder = Recorder(page, base)
    login(page, base, "admin", demo.passwords["admin"])
    visited = _visit_every_page(page, base)
    assert len(visited) == len(registry())
    assert recorder.off_host() == [], recorder.off_host()
    assert recorder.csp == [], recorder.csp[:3]


def test_finding2_no_data_field_runs_script_or_renders_markup_on_any_page(hostile_server, page):
    base, _ = hostile_server
    recorder = Recorder(page, base)
    login(page, base, ADMIN, PASSWORD)
    markup: dict[str, list[str]] = {}

    def check(path: str) -> None:
        found = page.evaluate(MARKUP_JS)
        if found:
            markup[path] = found
            screenshot(page, f"markup-{path}")

    # The coding page's rendering is rewritten by helper i10a (issue 10/13): it has its own test below.
    _visit_every_page(page, base, after=check, skip=("coding",))
    page.goto(f"{base}/search")
    wait_ready(page)
    page.get_by_label("Search transcripts").fill("passport")
    page.keyboard.press("Enter")
    wait_ready(page)
    check("search results")
    page.goto(f"{base}/import")
    wait_ready(page)
    page.locator("input[type='file']").set_input_files(files=[{"name": HOSTILE_NAME, "mimeType": "text/plain",
                                                                "buffer": f"Interviewer: Hi?\nAna: {ALL}\n".encode()}])
    wait_ready(page)
    check("import preview")
    assert markup == {}
    assert recorder.dialogs == []
    assert recorder.off_host() == []
    assert recorder.csp == [], recorder.csp[:3]


def test_finding2_the_coding_page_renders_no_markup(hostile_server, page):
    base, _ = hostile_server
    recorder = Recorder(page, base)
    stem = urllib.request.quote(Path(HOSTILE_NAME).stem)
    login(page, base, ADMIN, PASSWORD, path=f"coding?transcript={stem}")
    for summary in page.locator("[data-testid='stExpander'] summary").all()[:12]:
        summary.click()
    page.locator("[data-testid='transcript-view'] mark[data-coding-id]").first.click()  # its panel: memo, names
    page.get_by_text("Codings here").first.wait_for()
    wait_ready(page)
    assert "Coding memo <img src=x" in page.locator("[data-testid='stMain']").inner_text()  # shown as its text
    assert page.evaluate(MARKUP_JS) == []
    assert recorder.dialogs == [] and recorder.off_host() == []


def test_finding2_payloads_are_shown_as_their_own_text(hostile_server, page):
    base, _ = hostile_server
    login(page, base, ADMIN, PASSWORD, path="codebook")
    page.get_by_label("Search codes").fill("xss")
    page.keyboard.press("Enter")
    page.get_by_text("Definition <img src=x", exact=False).first.wait_for()
    wait_ready(page)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Code <img src=x onerror=alert('XSS-IMG')> ![](http://127.0.0.2/xss-md.png)" in text
    assert "[open me](javascript:alert('XSS-LINK'))" in text
    assert "Admin <img src=x" in page.locator("[data-testid='stSidebar']").inner_text()


def test_finding1_the_session_cookie_is_httponly_strict_and_dies_with_the_logout(app_server, page, browser, demo):
    base, _ = app_server
    login(page, base, "reviewer", demo.passwords["reviewer"])
    page.wait_for_timeout(1000)  # the ticket is posted as the page renders
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["wb_session"]["httpOnly"] and cookies["wb_session"]["sameSite"] == "Strict"
    assert "wb_session" not in page.evaluate("document.cookie"), "page script can read the session cookie"
    page.reload()
    wait_ready(page)
    assert page.locator("[data-testid='stSidebar']").count() == 1, "a reload should keep the login"
    stolen = cookies["wb_session"]
    page.get_by_role("button", name="Log out").click()
    wait_ready(page)
    page.wait_for_timeout(1000)
    assert "wb_session" not in {c["name"] for c in page.context.cookies()}
    other = browser.new_context()  # replaying the old cookie logs nobody in
    try:
        other.add_cookies([{k: stolen[k] for k in ("name", "value", "domain", "path")}])
        replay = other.new_page()
        replay.goto(base)
        replay.get_by_label("Username").wait_for()
        wait_ready(replay)
        assert replay.locator("[data-testid='stSidebar']").count() == 0
    finally:
        other.close()


def test_finding12_security_headers_and_metrics(app_server):
    base, _ = app_server
    with urllib.request.urlopen(f"{base}/") as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}{path}")
        assert refused.value.code == 404
    request = urllib.request.Request(f"{base}/wb/session", data=b"guess", method="POST",
                                     headers={"Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as forbidden:
        urllib.request.urlopen(request)
    assert forbidden.value.code == 403
    json.dumps(headers)  # plain strings
