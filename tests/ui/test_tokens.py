"""workbench.ui.tokens: login tokens and the one-time tickets that become the HttpOnly cookie."""

from __future__ import annotations

import time

from workbench.ui import tokens
from workbench.ui.tokens import Tokens


def test_a_ticket_is_redeemed_once_for_its_token():
    store = Tokens()
    token = store.issue("/s.db", "chan")
    ticket = store.ticket(token)
    assert store.pending(ticket)
    assert store.redeem(ticket) == token
    assert not store.pending(ticket) and store.redeem(ticket) is None


def test_tickets_expire_and_die_with_their_token(monkeypatch):
    store = Tokens()
    token = store.issue("/s.db", "chan")
    late = store.ticket(token)
    revoked = store.ticket(token)
    now = time.time()
    monkeypatch.setattr(tokens.time, "time", lambda: now + tokens.TICKET_SECONDS + 1)
    assert store.redeem(late) is None
    monkeypatch.undo()
    store.revoke(token)
    assert store.redeem(revoked) is None


def test_tokens_belong_to_one_study_and_revoke_user_ends_every_session():
    store = Tokens()
    first, second = store.issue("/s.db", "chan"), store.issue("/s.db", "chan")
    other = store.issue("/s.db", "reyes")
    assert store.resolve(first, "/other.db") is None
    store.revoke_user("/s.db", "chan")
    assert store.resolve(first, "/s.db") is None and store.resolve(second, "/s.db") is None
    assert store.resolve(other, "/s.db") == "reyes"
