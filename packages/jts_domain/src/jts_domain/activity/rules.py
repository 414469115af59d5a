"""The rules of activity tracking: productivity, idle spells, overtime, presence.

All pure functions of plain values; the use cases feed them what the store aggregated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from jts_domain.activity.model import (
    AppSeconds,
    DailyActivity,
    DayFigures,
    Presence,
    PresenceFacts,
    PresenceState,
    TimerActivity,
)
from jts_domain.model.timer import TimerState

#: How many applications a daily summary lists.
TOP_APPS = 10
_CENT = Decimal("0.01")


def productivity(active_seconds: float, tracked_seconds: float) -> Decimal | None:
    """Active ÷ tracked running seconds × 100, to two decimals; None without tracked time.

    >>> productivity(2700, 3600), productivity(0, 0)
    (Decimal('75.00'), None)
    """
    if tracked_seconds <= 0:
        return None
    ratio = Decimal(repr(active_seconds)) * 100 / Decimal(repr(tracked_seconds))
    return min(Decimal(100), ratio).quantize(_CENT, rounding=ROUND_HALF_UP)


def top_apps(apps: tuple[AppSeconds, ...], limit: int = TOP_APPS) -> tuple[AppSeconds, ...]:
    """The apps with the most seconds (ties by name), at most ``limit``."""
    return tuple(sorted(apps, key=lambda a: (-a.seconds, a.app))[:limit])


def daily_activity(
    organization_id: UUID, figures: DayFigures, computed_at: datetime
) -> DailyActivity:
    """The summary of a day's figures."""
    return DailyActivity(
        organization_id=organization_id,
        employee_id=figures.employee_id,
        business_date=figures.business_date,
        active_seconds=figures.active_seconds,
        timer_seconds=figures.tracked_seconds,
        idle_seconds=figures.idle_seconds,
        heartbeats=figures.heartbeats,
        productivity=productivity(figures.active_seconds, figures.tracked_seconds),
        by_task=tuple(sorted(figures.by_task, key=lambda t: (-t.seconds, str(t.task_id)))),
        top_apps=top_apps(figures.by_app),
        settled=figures.open_timers == 0,
        computed_at=computed_at,
    )


def idle_since(timer: TimerActivity) -> datetime | None:
    """Since when a tracked RUNNING timer has seen no activity; None if it is not one.

    The spell starts at the end of the last ACTIVE heartbeat, or at the start of the
    current RUNNING interval when that is later (a resumed timer starts afresh).
    """
    if not timer.tracked or timer.state != TimerState.RUNNING.value:
        return None
    if timer.last_active_end is None:
        return timer.state_since
    return max(timer.last_active_end, timer.state_since)


def idle_spell(timer: TimerActivity, now: datetime, threshold: timedelta) -> datetime | None:
    """The start of the timer's idle spell when it has lasted the threshold, else None.

    >>> from datetime import UTC
    >>> from uuid import uuid4
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> timer = TimerActivity(timer_id=uuid4(), employee_id=uuid4(), task_id=uuid4(),
    ...     state="RUNNING", state_since=t0, tracked=True,
    ...     last_active_end=t0 + timedelta(minutes=10))
    >>> idle_spell(timer, t0 + timedelta(minutes=14), timedelta(minutes=5)) is None
    True
    >>> idle_spell(timer, t0 + timedelta(minutes=15), timedelta(minutes=5)).minute
    10
    """
    since = idle_since(timer)
    if since is None or now - since < threshold:
        return None
    return since


def over_time(running_seconds: float, overtime_minutes: int) -> bool:
    """Whether a day's timer running time is above the overtime threshold."""
    return running_seconds > overtime_minutes * 60


def presence(facts: PresenceFacts, now: datetime, idle_threshold: timedelta) -> Presence:
    """OFFLINE without an open attendance; ON_SHIFT without a running timer; ON_BREAK;
    IDLE when the running timer's idle spell has lasted the threshold; else WORKING."""
    state, since = _presence_state(facts, now, idle_threshold)
    return Presence(
        employee_id=facts.employee_id,
        department_id=facts.department_id,
        state=state,
        since=since,
    )


def _presence_state(
    facts: PresenceFacts, now: datetime, idle_threshold: timedelta
) -> tuple[PresenceState, datetime | None]:
    if facts.clocked_in_at is None:
        return PresenceState.OFFLINE, facts.last_clock_out
    timer = facts.timer
    if timer is None or timer.state == TimerState.PAUSED.value:
        marks = [facts.clocked_in_at, facts.last_stop]
        if timer is not None:
            marks.append(timer.state_since)
        return PresenceState.ON_SHIFT, max(m for m in marks if m is not None)
    if timer.state == TimerState.ON_BREAK.value:
        return PresenceState.ON_BREAK, timer.state_since
    spell = idle_spell(timer, now, idle_threshold)
    if spell is not None:
        return PresenceState.IDLE, spell
    return PresenceState.WORKING, timer.state_since
