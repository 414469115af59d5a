"""The span-union calculator: how much of a timer's running time activity covered.

A heartbeat covers ``[at, at + seconds)``. A timer's activity is the length of the union
of its ACTIVE heartbeats' spans, clipped to its RUNNING intervals, so overlapping and
repeated heartbeats never count twice and activity never exceeds the timer's running
time. Everything is exact ``timedelta`` arithmetic.

>>> from datetime import UTC, datetime
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
>>> beats = [(t0, 60), (t0 + timedelta(seconds=30), 60), (t0, 60)]  # overlap and repeat
>>> covered(heartbeat_spans(beats), [(t0, t0 + timedelta(minutes=10))]).total_seconds()
90.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from jts_domain.model.timer import TimerInterval, TimerState

#: A half-open stretch of time ``[start, end)``.
Span = tuple[datetime, datetime]

_ZERO = timedelta(0)


def merge(spans: Iterable[Span]) -> list[Span]:
    """The union of the spans as disjoint spans in order (empty spans vanish).

    >>> from datetime import UTC, datetime
    >>> t = [datetime(2026, 1, 1, h, tzinfo=UTC) for h in range(6)]
    >>> merged = merge([(t[3], t[5]), (t[0], t[1]), (t[1], t[2]), (t[4], t[4])])
    >>> merged == [(t[0], t[2]), (t[3], t[5])]
    True
    """
    merged: list[Span] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def length(spans: Iterable[Span]) -> timedelta:
    """The length of the union of the spans."""
    return sum((end - start for start, end in merge(spans)), _ZERO)


def intersect(spans: Iterable[Span], windows: Iterable[Span]) -> list[Span]:
    """The parts of (union of ``spans``) inside (union of ``windows``), disjoint, in order."""
    ours, theirs = merge(spans), merge(windows)
    parts: list[Span] = []
    i, j = 0, 0
    while i < len(ours) and j < len(theirs):
        start = max(ours[i][0], theirs[j][0])
        end = min(ours[i][1], theirs[j][1])
        if start < end:
            parts.append((start, end))
        if ours[i][1] <= theirs[j][1]:
            i += 1
        else:
            j += 1
    return parts


def covered(spans: Iterable[Span], windows: Iterable[Span]) -> timedelta:
    """The length of (union of ``spans``) ∩ (union of ``windows``)."""
    return length(intersect(spans, windows))


def heartbeat_spans(heartbeats: Iterable[tuple[datetime, int]]) -> list[Span]:
    """The spans ``[at, at + seconds)`` of ``(at, seconds)`` pairs."""
    return [(at, at + timedelta(seconds=seconds)) for at, seconds in heartbeats]


def running_windows(intervals: Sequence[TimerInterval], until: datetime) -> list[Span]:
    """A timer's RUNNING intervals as spans; an open one runs until ``until``."""
    windows: list[Span] = []
    for interval in intervals:
        if interval.state is not TimerState.RUNNING:
            continue
        end = interval.ended_at if interval.ended_at is not None else until
        windows.append((interval.started_at, max(end, interval.started_at)))
    return windows


def activity_time(
    active: Iterable[tuple[datetime, int]], intervals: Sequence[TimerInterval], until: datetime
) -> timedelta:
    """A timer's activity: its ACTIVE heartbeats' union clipped to its RUNNING time."""
    return covered(heartbeat_spans(active), running_windows(intervals, until))


def idle_time(
    idle: Iterable[tuple[datetime, int]],
    active: Iterable[tuple[datetime, int]],
    intervals: Sequence[TimerInterval],
    until: datetime,
) -> timedelta:
    """Running time reported IDLE and not also ACTIVE (ACTIVE wins where both say so)."""
    windows = running_windows(intervals, until)
    active_spans = heartbeat_spans(active)
    everything = covered([*heartbeat_spans(idle), *active_spans], windows)
    return everything - covered(active_spans, windows)
