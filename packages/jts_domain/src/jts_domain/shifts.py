"""Business dates and shift windows in an organization's IANA timezone.

Instants are timezone-aware and returned in UTC; dates and wall-clock times are local.

Local times that do not exist or happen twice (daylight-saving changes) are resolved the
way :mod:`zoneinfo` does with ``fold=0``: a time inside a spring-forward gap is read with
the offset in force *before* the gap, which moves it forward by the gap's length (02:30 on
the New York spring-forward night is 03:30 EDT); a time that happens twice on a fall-back
night is its *first* occurrence. Only the start of a local day is treated specially: it is
the first instant whose local date is that day, even when local midnight does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jts_domain.errors import invalid

_MINUTE = timedelta(minutes=1)
_SECOND = timedelta(seconds=1)


def zone(timezone: str) -> ZoneInfo:
    """The :class:`ZoneInfo` for an IANA key; ``DomainError(VALIDATION_ERROR)`` if unknown."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise invalid(f"unknown timezone {timezone!r}", timezone=timezone) from error


def require_aware(instant: datetime, field: str = "instant") -> datetime:
    """Return ``instant`` if it is timezone-aware; ``DomainError(VALIDATION_ERROR)`` if naive."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise invalid(f"{field} must be timezone-aware", **{field: instant.isoformat()})
    return instant


def business_date(instant: datetime, timezone: str) -> date:
    """The local date of ``instant`` in ``timezone``.

    >>> business_date(datetime(2026, 3, 1, 19, 0, tzinfo=UTC), "Asia/Kolkata")
    datetime.date(2026, 3, 2)
    """
    return require_aware(instant).astimezone(zone(timezone)).date()


def local_instant(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant at which the local clock of ``timezone`` reads ``at`` on ``day``.

    Gaps and folds are resolved with ``fold=0`` (see the module docstring).

    >>> local_instant(date(2026, 3, 8), time(2, 30), "America/New_York").isoformat()
    '2026-03-08T07:30:00+00:00'
    """
    if at.tzinfo is not None:
        raise invalid("a wall-clock time must not carry a timezone", at=at.isoformat())
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone(timezone))
    return local.astimezone(UTC)


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant whose local date is ``day`` (or later, for a day that was skipped)."""
    midnight = datetime.combine(day, time(0))
    first = midnight.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = midnight.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    if low.astimezone(tz).date() >= day:
        return low
    # Local midnight falls in a gap: find the transition, which zoneinfo puts on a whole second.
    bad, good = 0, (high - low) // _SECOND
    while good - bad > 1:
        middle = (bad + good) // 2
        if (low + middle * _SECOND).astimezone(tz).date() >= day:
            good = middle
        else:
            bad = middle
    return low + good * _SECOND


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of a local day: 24 hours, or 23/25 on daylight-saving days.

    A day the timezone skipped altogether (Pacific/Apia, 30 December 2011) has start == end.

    >>> start, end = local_day_bounds(date(2026, 11, 1), "America/New_York")
    >>> start.isoformat(), (end - start).total_seconds() / 3600
    ('2026-11-01T04:00:00+00:00', 25.0)
    """
    tz = zone(timezone)
    return _day_start(day, tz), _day_start(day + timedelta(days=1), tz)


@dataclass(frozen=True, slots=True)
class ShiftWindow:
    """A shift's UTC ``[start, end]``."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        """Elapsed whole minutes from start to end (real time, so DST-aware)."""
        return (self.end - self.start) // _MINUTE

    def contains(
        self,
        instant: datetime,
        *,
        lead: timedelta = timedelta(0),
        grace: timedelta = timedelta(0),
    ) -> bool:
        """Whether ``start - lead <= instant <= end + grace``."""
        return self.start - lead <= instant <= self.end + grace


def shift_window(day: date, start_time: time, end_time: time, timezone: str) -> ShiftWindow:
    """The UTC window of a shift starting on local ``day``.

    A shift whose ``end_time`` is not after its ``start_time`` crosses midnight and ends on
    the next local day (equal times make a 24-hour shift). Wall times are resolved as in the
    module docstring; if a daylight-saving gap makes the end fall before the start (a shift
    lying wholly inside the gap), the window is empty (end == start).

    >>> w = shift_window(date(2026, 3, 2), time(22), time(6), "Asia/Kolkata")
    >>> w.start.isoformat(), w.end.isoformat(), w.minutes
    ('2026-03-02T16:30:00+00:00', '2026-03-03T00:30:00+00:00', 480)
    """
    start = local_instant(day, start_time, timezone)
    if end_time.tzinfo is not None:
        raise invalid("a wall-clock time must not carry a timezone", at=end_time.isoformat())
    end_day = day if end_time > start_time else day + timedelta(days=1)
    end = local_instant(end_day, end_time, timezone)
    return ShiftWindow(start=start, end=max(start, end))


def capacity_minutes(window: ShiftWindow, break_minutes: int) -> int:
    """Working minutes of a shift: its elapsed minutes less the unpaid break, never negative."""
    return max(0, window.minutes - break_minutes)


def is_late(clock_in: datetime, window: ShiftWindow, grace_minutes: int) -> bool:
    """Whether a clock-in comes after the shift start plus the grace period."""
    return require_aware(clock_in, "clock_in") > window.start + timedelta(minutes=grace_minutes)
