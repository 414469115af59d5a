"""Webhook secrets at rest: encrypted with Fernet (AES-128-CBC with an HMAC-SHA256 tag)
under a key derived from ``JTS_SECRETS_KEY``, so a copy of the database (a backup, a
replica) does not hold usable signing secrets.

The API (which makes and rotates secrets) and the worker (which signs with them) need
the same ``JTS_SECRETS_KEY``. Production refuses to run without it; development uses a
fixed key of its own (never for real secrets). Changing the key makes the stored
secrets unreadable: rotate each endpoint's secret after.
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from pydantic_settings import BaseSettings, SettingsConfigDict

_DEVELOPMENT_KEY = "jts-development-only-secrets-key"
_CONTEXT = b"jts webhook secrets\x00"


class SecretSettings(BaseSettings):
    """The key material and whether this is production."""

    model_config = SettingsConfigDict(env_prefix="JTS_", extra="ignore")

    secrets_key: str | None = None
    env: str = "development"


class SecretBox:
    """Seals and opens secrets with one key."""

    def __init__(self, key_material: str) -> None:
        digest = hashlib.sha256(_CONTEXT + key_material.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, secret: str) -> str:
        """The stored form of a secret."""
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """The secret; ValueError when the key is not the one it was sealed with."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except InvalidToken:
            msg = "a webhook secret cannot be opened with this JTS_SECRETS_KEY"
            raise ValueError(msg) from None


@functools.cache
def secret_box() -> SecretBox:
    """The process's box (settings read once)."""
    settings = SecretSettings()
    if settings.secrets_key:
        return SecretBox(settings.secrets_key)
    if settings.env == "production":
        msg = "JTS_SECRETS_KEY must be set in production (it encrypts webhook secrets)"
        raise RuntimeError(msg)
    return SecretBox(_DEVELOPMENT_KEY)
