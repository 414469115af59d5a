"""The in-memory adapter's figures of a day: each timer's heartbeats clipped to that
timer's RUNNING time with the domain's span calculator, then united."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.activity.model import ActivityKind, AppSeconds, DayFigures, Heartbeat, TaskSeconds
from jts_domain.activity.spans import Span, heartbeat_spans, intersect, length, running_windows
from jts_domain.memory.tables import Tables
from jts_domain.model import Timer


def beats_of(tables: Tables, timer: Timer) -> list[Heartbeat]:
    """The heartbeats stored on a timer."""
    return [
        h
        for h in tables.heartbeats.values()
        if h.organization_id == timer.organization_id and h.timer_id == timer.id
    ]


def day_of(
    tables: Tables, day: date, employee: UUID, timers: list[Timer], until: datetime
) -> DayFigures:
    """Each timer's heartbeats clipped to that timer's RUNNING time, then united."""
    active: list[Span] = []
    everything: list[Span] = []
    per_task: defaultdict[UUID, list[Span]] = defaultdict(list)
    per_app: defaultdict[str, list[Span]] = defaultdict(list)
    tracked = timedelta(0)
    count = 0
    for timer in timers:
        beats = beats_of(tables, timer)
        windows = running_windows(timer.intervals, until)
        count += len(beats)
        if beats:
            tracked += sum((end - start for start, end in windows), timedelta(0))
        for beat in beats:
            clipped = intersect(heartbeat_spans([(beat.at, beat.seconds)]), windows)
            everything += clipped
            if beat.kind is ActivityKind.ACTIVE:
                active += clipped
                per_task[timer.task_id] += clipped
                if beat.app is not None:
                    per_app[beat.app] += clipped
    active_time = length(active)
    return DayFigures(
        employee_id=employee,
        business_date=day,
        active_seconds=active_time.total_seconds(),
        tracked_seconds=tracked.total_seconds(),
        idle_seconds=(length(everything) - active_time).total_seconds(),
        heartbeats=count,
        open_timers=sum(1 for t in timers if t.is_active),
        by_task=tuple(
            TaskSeconds(task_id=task, seconds=length(spans).total_seconds())
            for task, spans in sorted(per_task.items())
        ),
        by_app=tuple(
            AppSeconds(app=app, seconds=length(spans).total_seconds())
            for app, spans in sorted(per_app.items())
        ),
    )
