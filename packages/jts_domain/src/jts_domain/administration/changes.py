"""Edits that name only what changes, and the audit summary of what they changed.

An edit's field holds :data:`KEEP` when it is left as it is, so "set to nothing" (None)
and "not given" stay apart. The audit log records each changed field as
``field: old → new``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")

_SHOWN_TEXT = 80


class Keep(Enum):
    """The value of an edit's field that leaves the record's value as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


def kept(value: T | Keep, current: T) -> T:
    """The edit's value, or the current one when the edit keeps it.

    >>> kept(KEEP, 3), kept(None, 3)
    (3, None)
    """
    return current if value is KEEP else value


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field whose value an edit changed."""

    field: str
    old: object
    new: object


def changed_fields(
    before: object, after: object, fields: Iterable[str], prefix: str = ""
) -> list[FieldChange]:
    """The fields (attribute names) whose values differ between two records."""
    changes = []
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changes.append(FieldChange(f"{prefix}{name}", old, new))
    return changes


def shown(value: Any) -> str:
    """A value as the audit log writes it.

    >>> [shown(v) for v in (None, "Till 1", 0.25, time(22, 0), (1, 2, 3))]
    ['none', "'Till 1'", '0.25', '22:00', '1/2/3']
    """
    if value is None:
        text = "none"
    elif isinstance(value, Enum):
        text = str(value.value)
    elif isinstance(value, str):
        short = value if len(value) <= _SHOWN_TEXT else value[: _SHOWN_TEXT - 1] + "…"
        text = repr(short)
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, time):
        text = value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    elif isinstance(value, tuple):
        text = "/".join(shown(v) for v in value)
    else:
        text = str(value)
    return text


def describe(changes: Iterable[FieldChange]) -> str:
    """``field: old → new`` for each change, separated by semicolons.

    >>> describe([FieldChange("idle_minutes", 5, 10), FieldChange("name", "A", "B")])
    "idle_minutes: 5 → 10; name: 'A' → 'B'"
    """
    return "; ".join(f"{c.field}: {shown(c.old)} → {shown(c.new)}" for c in changes)
