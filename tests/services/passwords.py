"""A real, small password hasher for the service tests: salted scrypt from the stdlib.

The API uses argon2; the use cases only need *a* :class:`~jts_domain.ports.PasswordHasher`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_DUMMY_SALT = b"\0" * 16


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**10, r=8, p=1)


class ScryptHasher:
    """``scrypt$<salt hex>$<digest hex>``."""

    def __init__(self) -> None:
        self.verified = 0

    async def hash(self, password: str) -> str:
        salt = secrets.token_bytes(16)
        return f"scrypt${salt.hex()}${_scrypt(password, salt).hex()}"

    async def verify(self, password_hash: str | None, password: str) -> bool:
        self.verified += 1
        if password_hash is None:
            _scrypt(password, _DUMMY_SALT)
            return False
        _, salt, digest = password_hash.split("$")
        return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt)).hex(), digest)
