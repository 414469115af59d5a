"""Recurrences as data: what the domain needs of RFC 5545 rules, expanded by an adapter.

The domain keeps no calendar arithmetic of its own (it imports only the standard library
and ``transitions``): a :class:`Recurrence` says what repeats, a
:class:`RecurrenceExpander` (the store's is built on ``python-dateutil``'s ``rrule``)
lists its local wall-clock occurrences, and :func:`occurrence_instants` turns those into
UTC instants in a timezone, so a 10:00 visit stays at 10:00 local across a DST change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Protocol

from jts_domain.errors import invalid
from jts_domain.shifts import local_instant

#: The most occurrences one request may create.
MAX_OCCURRENCES = 366
MAX_INTERVAL = 1000


class Frequency(StrEnum):
    """How often a recurrence repeats."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


class Weekday(StrEnum):
    """Days of the week, Monday first (as RFC 5545 names them)."""

    MO = "MO"
    TU = "TU"
    WE = "WE"
    TH = "TH"
    FR = "FR"
    SA = "SA"
    SU = "SU"

    @property
    def number(self) -> int:
        """0 for Monday up to 6 for Sunday (``date.weekday()``)."""
        return list(Weekday).index(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Recurrence:
    """A repeating schedule from a first local date and time.

    Either ``count`` or ``until`` (a local date, inclusive) bounds it; ``by_weekday`` and
    ``by_month_day`` narrow it as RFC 5545's BYDAY and BYMONTHDAY do (a negative month
    day counts from the month's end).
    """

    frequency: Frequency
    start: date
    at: time
    interval: int = 1
    count: int | None = None
    until: date | None = None
    by_weekday: tuple[Weekday, ...] = ()
    by_month_day: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """VALIDATION_ERROR unless the recurrence is bounded and well formed."""
        if isinstance(self.interval, bool) or not 1 <= self.interval <= MAX_INTERVAL:
            raise invalid(f"interval must be between 1 and {MAX_INTERVAL}", field="interval")
        if self.count is None and self.until is None:
            raise invalid("a recurrence needs a count or an until date", field="count")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise invalid(f"count must be between 1 and {MAX_OCCURRENCES}", field="count")
        if self.until is not None and self.until < self.start:
            raise invalid("until must not be before the first date", field="until")
        if self.at.tzinfo is not None:
            raise invalid("the time of day is local: it must not carry an offset", field="at")
        for day in self.by_month_day:
            if isinstance(day, bool) or day == 0 or not -31 <= day <= 31:
                raise invalid("month days are 1 to 31, or -1 to -31", field="byMonthDay")

    @property
    def first(self) -> datetime:
        """The first local wall-clock time (naive)."""
        return datetime.combine(self.start, self.at)


class RecurrenceExpander(Protocol):
    """Lists a recurrence's occurrences (the store's adapter uses dateutil's rrule)."""

    def occurrences(self, recurrence: Recurrence, limit: int) -> list[datetime]:
        """Up to ``limit`` local wall-clock occurrences (naive), in order."""
        ...


def occurrence_instants(
    recurrence: Recurrence, timezone: str, expander: RecurrenceExpander
) -> list[datetime]:
    """The UTC instants of the recurrence's occurrences in ``timezone``.

    Each occurrence keeps its local time (a time inside a spring-forward gap moves on by
    the gap, a repeated one is its first occurrence, as for shifts). VALIDATION_ERROR
    when there would be more than :data:`MAX_OCCURRENCES` or none at all.
    """
    walls = expander.occurrences(recurrence, MAX_OCCURRENCES + 1)
    if len(walls) > MAX_OCCURRENCES:
        raise invalid(f"the recurrence has more than {MAX_OCCURRENCES} occurrences", field="until")
    if not walls:
        raise invalid("the recurrence has no occurrence", field="recurrence")
    return [local_instant(wall.date(), wall.time(), timezone) for wall in walls]
