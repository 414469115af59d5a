"""Identifiers: random UUIDs, made in one place."""

from __future__ import annotations

from uuid import UUID, uuid4


def new_id() -> UUID:
    """A fresh random identifier."""
    return uuid4()
