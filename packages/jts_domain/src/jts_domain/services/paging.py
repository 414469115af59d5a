"""Pages of growing lists (tasks, alerts, the audit log): keyset pagination.

A page is read with one row more than asked for, which says whether another page follows;
the cursor of a row is its ordering key ``(instant, id)``, which the API encodes opaquely.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from jts_domain.errors import invalid

T = TypeVar("T")

#: A row's place in its list: the instant and id it is ordered by.
Cursor = tuple[datetime, UUID]

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Up to ``first`` rows, and whether more follow."""

    items: tuple[T, ...]
    has_next: bool


async def read_page(
    fetch: Callable[[Cursor | None, int], Awaitable[list[T]]],
    *,
    first: int,
    after: Cursor | None,
) -> Page[T]:
    """``fetch(after, limit)`` once with ``first + 1`` rows; VALIDATION_ERROR unless
    1 ≤ ``first`` ≤ :data:`MAX_PAGE_SIZE`."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise invalid(f"first must be between 1 and {MAX_PAGE_SIZE}", field="first")
    rows = await fetch(after, first + 1)
    return Page(items=tuple(rows[:first]), has_next=len(rows) > first)
