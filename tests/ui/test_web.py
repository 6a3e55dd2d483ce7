"""workbench.ui.web (issue 13 findings 1 and 12): the cookie routes and the guard, through Starlette's client."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from workbench.ui.tokens import COOKIE, TOKENS
from workbench.ui.web import CSP, MIDDLEWARE, ROUTES

ORIGIN = {"Origin": "http://testserver"}


def _client() -> TestClient:
    async def page(_request):
        return PlainTextResponse("the app")

    return TestClient(Starlette(routes=[*ROUTES, Route("/{path:path}", page)], middleware=MIDDLEWARE))


def test_finding12_every_answer_carries_the_security_headers():
    response = _client().get("/coding")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "default-src 'self'" in CSP and "connect-src 'self'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_finding12_metrics_and_the_agent_api_are_refused():
    client = _client()
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json", "/_stcore/agent/interact"):
        response = client.get(path)
        assert response.status_code == 404 and response.text == "not found", path


def test_finding1_a_ticket_becomes_an_httponly_strict_cookie_once():
    token = TOKENS.issue("/s.db", "chan")
    ticket = TOKENS.ticket(token)
    client = _client()
    response = client.post("/wb/session", content=ticket, headers=ORIGIN)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={token};") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.post("/wb/session", content=ticket, headers=ORIGIN).status_code == 403  # single use


def test_finding1_the_cookie_routes_refuse_other_origins_and_guesses():
    token = TOKENS.issue("/s.db", "chan")
    ticket = TOKENS.ticket(token)
    client = _client()
    assert client.post("/wb/session", content=ticket, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/wb/session", content=ticket).status_code == 403  # no Origin at all
    assert client.post("/wb/session", content=ticket, headers={**ORIGIN, "Sec-Fetch-Site": "cross-site"}
                       ).status_code == 403
    assert client.post("/wb/session", content="a guess", headers=ORIGIN).status_code == 403
    assert TOKENS.pending(ticket), "refused requests do not use the ticket up"


def test_finding1_logout_revokes_the_token_and_deletes_the_cookie():
    token = TOKENS.issue("/s.db", "chan")
    client = _client()
    client.cookies.set(COOKIE, token)
    response = client.post("/wb/logout", headers=ORIGIN)
    assert response.status_code == 204 and 'wb_session=""' in response.headers["set-cookie"]
    assert TOKENS.resolve(token, "/s.db") is None
