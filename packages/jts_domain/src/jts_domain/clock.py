"""Clock adapters: the only place JTS reads the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current instant."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: for tests, simulations and replays.

    >>> clock = ManualClock(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    >>> clock.advance(minutes=90).isoformat()
    '2026-01-01T10:30:00+00:00'
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            msg = "ManualClock needs a timezone-aware start"
            raise ValueError(msg)
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The instant the clock was set or advanced to."""
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Move forward by a ``timedelta(**delta)``; return the new instant."""
        step = timedelta(**delta)
        if step < timedelta(0):
            msg = "a clock never goes back"
            raise ValueError(msg)
        self._now += step
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to an instant that is not earlier than the current one."""
        if instant.astimezone(UTC) < self._now:
            msg = "a clock never goes back"
            raise ValueError(msg)
        self._now = instant.astimezone(UTC)
