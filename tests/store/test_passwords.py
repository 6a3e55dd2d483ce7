"""workbench.store.passwords: argon2 hashing and verification."""

from __future__ import annotations

from workbench.store import passwords


def test_hash_verifies_and_hides_the_password():
    stored = passwords.hash_password("longer than eight")
    assert "longer than eight" not in stored
    assert stored.startswith("$argon2")
    assert passwords.verify_password(stored, "longer than eight")
    assert not passwords.verify_password(stored, "longer than eighT")


def test_hashes_are_salted():
    assert passwords.hash_password("same password") != passwords.hash_password("same password")


def test_accounts_without_a_hash_never_verify():
    assert passwords.verify_password(None, "") is False
    assert passwords.verify_password("", "anything") is False


def test_a_damaged_hash_is_a_failed_login_not_a_crash():
    assert passwords.verify_password("not-an-argon2-hash", "whatever") is False


def test_generated_passwords_are_long_and_different():
    generated = {passwords.generate_password() for _ in range(20)}
    assert len(generated) == 20
    assert all(len(p) >= 12 for p in generated)
