"""The ``DateTime`` scalar, parsed by the standard library first.

Strawberry parses ``DateTime`` input with ``dateutil``'s ``isoparse``: a third of the
coercion of a 1,000-heartbeat upload. ``datetime.fromisoformat`` (Python 3.11+) reads
RFC 3339 / ISO 8601 in C; what it refuses goes to Strawberry's own parser, so every
value accepted before is accepted still, and junk gets the same error (and code) as
before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

_strawberry_parse = DateTimeDefinition.parse_value


def parse_datetime(value: object) -> object:
    """An ISO 8601 date-time string as a ``datetime`` (Strawberry's error when it is not one)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    assert _strawberry_parse is not None  # Strawberry's DateTime always has one
    return _strawberry_parse(value)


DATETIME: ScalarDefinition = replace(DateTimeDefinition, parse_value=parse_datetime)
