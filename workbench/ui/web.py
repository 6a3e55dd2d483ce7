"""What the web server adds to Streamlit's (issue 13 findings 1 and 12): the HttpOnly session cookie, security
headers on every answer, and endpoints nobody needs refused. Mounted by `serving/workbench_server.py` through
Streamlit's `st.App` (Streamlit 1.67 serves on Starlette); plain ASGI, no Streamlit import.

What Streamlit does not let us set is listed in the README ("Security headers and what they cannot cover").
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from workbench.ui.tokens import COOKIE, SESSION_MINUTES, TOKENS

# Answered 404 before Streamlit sees them: server statistics (sessions, memory) with no login, and the agent API
# (off, but it describes the app to any caller).
BLOCKED = ("/_stcore/metrics", "/_stcore/agent")


def _inline_script_hashes() -> str:
    """CSP hashes of the inline scripts in Streamlit's own index.html (one line today), read from the install."""
    try:
        page = (resources.files("streamlit") / "static" / "index.html").read_text(encoding="utf-8")
    except OSError:
        return ""
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts)


# Everything from the app's own origin; nothing from anywhere else (no CDN, font, image or beacon), no framing.
# Streamlit needs inline styles (emotion), eval for Vega's expression parser and blob: scripts (components v2
# are loaded as blob modules); data: and blob: also carry its own
# fonts, chart images and downloads.
CSP = "; ".join((
    "default-src 'self'",
    f"script-src 'self' 'unsafe-eval' blob: {_inline_script_hashes()}".strip(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' data: blob:",
    "worker-src 'self' blob:",
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class Guard:
    """ASGI middleware: refuse the blocked paths, add the security headers to every HTTP answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(scope["path"] == p or scope["path"].startswith(p + "/") for p in BLOCKED):
            await PlainTextResponse("not found", status_code=404, headers=HEADERS)(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def same_origin(headers: Headers) -> bool:
    """Whether a request was made by a page of this app (Origin matches Host): the cookie routes' CSRF check."""
    origin, host = headers.get("origin"), headers.get("host")
    if not origin or not host or headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    return urlsplit(origin).netloc == host


async def set_session_cookie(request: Request) -> Response:
    """POST a ticket: the answer sets its login token as an HttpOnly, SameSite=Strict cookie."""
    if not same_origin(request.headers):
        return PlainTextResponse("forbidden", status_code=403)
    token = TOKENS.redeem((await request.body())[:200].decode("ascii", "replace").strip())
    if token is None:
        return PlainTextResponse("forbidden", status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE, token, max_age=int(SESSION_MINUTES * 60), path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


async def clear_session_cookie(request: Request) -> Response:
    """POST: revoke the login token the cookie holds and delete the cookie."""
    if not same_origin(request.headers):
        return PlainTextResponse("forbidden", status_code=403)
    TOKENS.revoke(request.cookies.get(COOKIE))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


ROUTES = [Route("/wb/session", set_session_cookie, methods=["POST"]),
          Route("/wb/logout", clear_session_cookie, methods=["POST"])]
MIDDLEWARE = [Middleware(Guard)]
