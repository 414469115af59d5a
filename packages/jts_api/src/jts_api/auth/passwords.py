"""Argon2id password hashing, run in a worker thread so the event loop keeps serving."""

from __future__ import annotations

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jts_api.settings import ApiSettings

_DUMMY_PASSWORD = "not a password anybody has"  # noqa: S105 -- hashed once, matched never


class Argon2PasswordHasher:
    """The :class:`jts_domain.ports.PasswordHasher` of the API (argon2-cffi defaults)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> Argon2PasswordHasher:
        """A hasher with the cost the settings name (``JTS_ARGON2_*``)."""
        return cls(
            PasswordHasher(
                time_cost=settings.argon2_time_cost,
                memory_cost=settings.argon2_memory_kib,
                parallelism=settings.argon2_parallelism,
            )
        )

    async def hash(self, password: str) -> str:
        """An argon2id hash with its own salt and parameters."""
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches; with no hash, the same work against a dummy one."""
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash(_DUMMY_PASSWORD)
            await anyio.to_thread.run_sync(self._matches, self._dummy_hash, password)
            return False
        return await anyio.to_thread.run_sync(self._matches, password_hash, password)

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
