"""Timers: sequences of intervals; durations are derived, never typed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID


class TimerState(StrEnum):
    """States of the timer lifecycle (see :mod:`jts_domain.lifecycle`)."""

    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    ON_BREAK = "ON_BREAK"
    STOPPED = "STOPPED"


class StopReason(StrEnum):
    """Why a timer stopped: by its user or task, or automatically."""

    MANUAL = "MANUAL"
    TASK = "TASK"
    CLOCK_OUT = "CLOCK_OUT"
    SHIFT_END = "SHIFT_END"
    ADMIN = "ADMIN"


AUTO_STOP_REASONS = frozenset({StopReason.CLOCK_OUT, StopReason.SHIFT_END, StopReason.ADMIN})


class StartCheck(StrEnum):
    """Checks made before a timer starts; the first two may be overridden."""

    ATTENDANCE = "ATTENDANCE"
    SHIFT = "SHIFT"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerInterval:
    """A stretch of one timer state; ``ended_at`` is None while it is the current one."""

    state: TimerState
    started_at: datetime
    ended_at: datetime | None = None


@dataclass(slots=True, kw_only=True)
class Timer:
    """Time spent by one employee on one task, as an ordered list of intervals.

    ``business_date`` is the date its time counts toward (a day's utilization), decided
    once when it starts: the date of the roster shift covering the start, so an overnight
    shift's work stays on the date the shift starts on (see
    :func:`jts_domain.work.start_checks.clear_start`).
    """

    id: UUID
    organization_id: UUID
    employee_id: UUID
    task_id: UUID
    state: TimerState
    started_at: datetime
    business_date: date
    stopped_at: datetime | None = None
    intervals: list[TimerInterval] = field(default_factory=list)
    auto_stopped: bool = False
    stop_reason: StopReason | None = None
    skipped_checks: frozenset[StartCheck] = frozenset()
    override_by: UUID | None = None
    override_reason: str | None = None
    version: int = 1

    @property
    def is_active(self) -> bool:
        """Not stopped (running, paused or on break)."""
        return self.state is not TimerState.STOPPED

    @property
    def auto_stop_reason(self) -> StopReason | None:
        """The stop reason when the timer was stopped automatically."""
        return self.stop_reason if self.auto_stopped else None
