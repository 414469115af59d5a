"""When a record has outlived its retention period (a pure rule of business dates).

A record's day is a business date: a task's is the local date it reached its final
status (COMPLETED or CANCELLED), a timer's is its ``business_date``. With ``keep_days``
of retention, read on business date ``today``, the **cutoff** is ``today - keep_days``:
a record whose day is before the cutoff is removed, one whose day is the cutoff (or
later) is kept. So a task completed on 2 March 2026 with 365 days of retention is still
there on 2 March 2027 and gone from 3 March 2027.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jts_domain.errors import invalid

#: The bounds a retention setting may take (a day to ten years).
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650


def check_retention_days(days: int, field: str) -> int:
    """The number of days, or VALIDATION_ERROR when it is outside 1–3650."""
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise invalid(
            f"{field} must be between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS} days",
            field=field,
        )
    return days


def cutoff(today: date, keep_days: int) -> date:
    """The first business date still kept.

    >>> cutoff(date(2027, 3, 2), 365)
    datetime.date(2026, 3, 2)
    """
    check_retention_days(keep_days, "keep_days")
    return today - timedelta(days=keep_days)


def expired(day: date, today: date, keep_days: int) -> bool:
    """Whether a record of business date ``day`` is removed when read on ``today``.

    >>> today = date(2027, 3, 2)
    >>> expired(date(2026, 3, 1), today, 365), expired(date(2026, 3, 2), today, 365)
    (True, False)
    """
    return day < cutoff(today, keep_days)


@dataclass(frozen=True, slots=True, kw_only=True)
class Removed:
    """What one pass of retention removed (or one batch of it)."""

    tasks: int = 0
    timers: int = 0
    intervals: int = 0
    history: int = 0
    alerts: int = 0

    def __add__(self, other: Removed) -> Removed:
        return Removed(
            tasks=self.tasks + other.tasks,
            timers=self.timers + other.timers,
            intervals=self.intervals + other.intervals,
            history=self.history + other.history,
            alerts=self.alerts + other.alerts,
        )
