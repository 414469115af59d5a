"""Timer interval arithmetic: durations are derived from intervals, never typed in.

A timer is an ordered list of :class:`~jts_domain.model.timer.TimerInterval`; at most the
last one is open (``ended_at`` is None). Everything here is exact ``timedelta`` arithmetic,
so ``active + pause + break == stopped_at - started_at`` to the microsecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from jts_domain.errors import invalid
from jts_domain.model.timer import TimerInterval, TimerState

_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Durations:
    """Time spent running, paused and on break."""

    active: timedelta
    pause: timedelta
    break_: timedelta

    @property
    def total(self) -> timedelta:
        """Active + pause + break: the wall time the timer has covered."""
        return self.active + self.pause + self.break_


def interval_length(interval: TimerInterval, until: datetime) -> timedelta:
    """How long an interval lasted; an open interval lasts until ``until`` (never negative).

    Raises ``DomainError(VALIDATION_ERROR)`` for a closed interval that ends before it starts.
    """
    if interval.ended_at is None:
        return max(_ZERO, until - interval.started_at)
    length = interval.ended_at - interval.started_at
    if length < _ZERO:
        raise invalid(
            "a timer interval ends before it starts",
            started_at=interval.started_at.isoformat(),
            ended_at=interval.ended_at.isoformat(),
        )
    return length


def durations(intervals: Sequence[TimerInterval], until: datetime) -> Durations:
    """Sum the RUNNING, PAUSED and ON_BREAK intervals; an open one counts until ``until``.

    >>> from datetime import UTC
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> d = durations(
    ...     [
    ...         TimerInterval(state=TimerState.RUNNING, started_at=t0,
    ...                       ended_at=t0 + timedelta(minutes=50)),
    ...         TimerInterval(state=TimerState.ON_BREAK, started_at=t0 + timedelta(minutes=50)),
    ...     ],
    ...     until=t0 + timedelta(hours=1),
    ... )
    >>> [part.total_seconds() for part in (d.active, d.pause, d.break_, d.total)]
    [3000.0, 0.0, 600.0, 3600.0]
    """
    sums = {TimerState.RUNNING: _ZERO, TimerState.PAUSED: _ZERO, TimerState.ON_BREAK: _ZERO}
    for interval in intervals:
        if interval.state in sums:
            sums[interval.state] += interval_length(interval, until)
    return Durations(
        active=sums[TimerState.RUNNING],
        pause=sums[TimerState.PAUSED],
        break_=sums[TimerState.ON_BREAK],
    )


def open_interval(intervals: Sequence[TimerInterval]) -> TimerInterval | None:
    """The current (last, open) interval, or None when the timer has none open."""
    if intervals and intervals[-1].ended_at is None:
        return intervals[-1]
    return None


def switch_interval(
    intervals: Sequence[TimerInterval], state: TimerState, at: datetime
) -> list[TimerInterval]:
    """Close the open interval at ``at`` and, unless ``state`` is STOPPED, open one of ``state``.

    With no interval open (a timer being started) the new interval is simply appended.
    Raises ``DomainError(VALIDATION_ERROR)`` when ``at`` is before the open interval's start
    (or before the end of the last closed one), or when asked to stop a timer with no open
    interval. The input is not modified.
    """
    result = list(intervals)
    current = open_interval(result)
    if current is not None:
        if at < current.started_at:
            raise invalid(
                "a timer cannot change state before its current interval started",
                at=at.isoformat(),
                started_at=current.started_at.isoformat(),
            )
        result[-1] = TimerInterval(state=current.state, started_at=current.started_at, ended_at=at)
    elif state is TimerState.STOPPED:
        raise invalid("the timer has no open interval to stop", at=at.isoformat())
    elif result and result[-1].ended_at is not None and at < result[-1].ended_at:
        raise invalid(
            "a timer interval cannot start before the previous one ended",
            at=at.isoformat(),
            previous_ended_at=result[-1].ended_at.isoformat(),
        )
    if state is not TimerState.STOPPED:
        result.append(TimerInterval(state=state, started_at=at))
    return result


def ended_running_time(intervals: Sequence[TimerInterval]) -> timedelta:
    """RUNNING time of the intervals that have ended: the time a day's utilization counts.

    A still-open interval has no end yet and counts once it ends, so the result never
    depends on when it is read.
    """
    return sum(
        (
            interval_length(i, i.ended_at)
            for i in intervals
            if i.state is TimerState.RUNNING and i.ended_at is not None
        ),
        _ZERO,
    )
