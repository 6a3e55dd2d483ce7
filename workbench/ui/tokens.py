"""Login tokens held by the server, and the one-time tickets that turn one into an HttpOnly cookie.

Shared, in memory, by the Streamlit sessions and the small HTTP routes of `serving/workbench_server.py` (one process): a
restart logs everyone out. Nothing here imports Streamlit.

The browser never receives a token a page script can read. After a login the session asks for a ticket (random,
single use, 60 seconds) and the page posts it to /wb/session, whose answer sets the token as an HttpOnly,
SameSite=Strict cookie; the WebSocket carries that cookie back so a reload stays logged in.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

SESSION_MINUTES = float(os.environ.get("WORKBENCH_SESSION_MINUTES", "120"))
TICKET_SECONDS = 60
COOKIE = "wb_session"


class Tokens:
    """Login tokens (token → study path, username, last use) and tickets (ticket → token, issued)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, str, float]] = {}
        self._tickets: dict[str, tuple[str, float]] = {}

    def issue(self, path: str, username: str) -> str:
        """A new login token for a user of a study."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (path, username, time.time())
        return token

    def resolve(self, token: str, path: str) -> str | None:
        """The username a live token of this study belongs to (and the token's use is renewed), or None."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None or entry[0] != path:
                return None
            if time.time() - entry[2] > SESSION_MINUTES * 60:
                del self._tokens[token]
                return None
            self._tokens[token] = (entry[0], entry[1], time.time())
            return entry[1]

    def revoke(self, token: str | None) -> None:
        """Forget a token (logout); its cookie no longer logs anyone in."""
        with self._lock:
            self._tokens.pop(token or "", None)

    def revoke_user(self, path: str, username: str) -> None:
        """Forget every token of a user (disabled, or the password was reset)."""
        with self._lock:
            for token in [t for t, (p, u, _) in self._tokens.items() if p == path and u == username]:
                del self._tokens[token]

    def ticket(self, token: str) -> str:
        """A single-use ticket for a live token, redeemable for a short while at /wb/session."""
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            now = time.time()
            self._tickets = {k: v for k, v in self._tickets.items() if now - v[1] < TICKET_SECONDS}
            self._tickets[ticket] = (token, now)
        return ticket

    def pending(self, ticket: str) -> bool:
        """Whether a ticket is still waiting to be redeemed (not used, not expired)."""
        with self._lock:
            entry = self._tickets.get(ticket)
            return entry is not None and time.time() - entry[1] <= TICKET_SECONDS

    def redeem(self, ticket: str) -> str | None:
        """The token a ticket stands for, once; None if unknown, used or expired."""
        with self._lock:
            entry = self._tickets.pop(ticket, None)
            if entry is None or time.time() - entry[1] > TICKET_SECONDS or entry[0] not in self._tokens:
                return None
            return entry[0]


TOKENS = Tokens()
