"""Password hashing with argon2 (argon2-cffi)."""

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches the stored hash (False for accounts without one)."""
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password to print once."""
    return secrets.token_urlsafe(12)


@functools.cache
def dummy_hash() -> str:
    """A hash no password matches: verified against when a username is unknown, so a wrong name costs the same."""
    return _hasher.hash(secrets.token_urlsafe(16))
