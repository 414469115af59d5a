"""Workload levels from an employee's pending, urgent and overdue open tasks, and the
pending summary the 5-minute job stores (counts by priority, overdue, due today / this
week / this month in the organization's timezone, with their levels)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.model.monitoring import WorkloadLevel
from jts_domain.model.organization import WorkloadThresholds
from jts_domain.model.task import Task, TaskPriority
from jts_domain.shifts import business_date, local_day_bounds
from jts_domain.sla import is_overdue

_LEVELS = (WorkloadLevel.LOW, WorkloadLevel.MODERATE, WorkloadLevel.HIGH)


def level_for(count: int, bounds: tuple[int, int, int]) -> WorkloadLevel:
    """The level of one dimension; ``bounds`` are the inclusive upper bounds of LOW,
    MODERATE and HIGH, and anything above the last is CRITICAL.

    Raises ``DomainError(VALIDATION_ERROR)`` for a negative count or decreasing bounds.

    >>> [level_for(n, (10, 15, 20)).value for n in (10, 11, 20, 21)]
    ['LOW', 'MODERATE', 'HIGH', 'CRITICAL']
    """
    if count < 0:
        raise invalid("a task count cannot be negative", count=count)
    if list(bounds) != sorted(bounds):
        raise invalid("workload bounds must not decrease", bounds=list(bounds))
    for level, upper in zip(_LEVELS, bounds, strict=True):
        if count <= upper:
            return level
    return WorkloadLevel.CRITICAL


@dataclass(frozen=True)
class WorkloadAssessment:
    """The level of each dimension, the overall (highest) level, and the counts."""

    level: WorkloadLevel
    pending_level: WorkloadLevel
    urgent_level: WorkloadLevel
    overdue_level: WorkloadLevel
    pending: int
    urgent: int
    overdue: int


def assess_workload(
    *, pending: int, urgent: int, overdue: int, thresholds: WorkloadThresholds
) -> WorkloadAssessment:
    """Level each dimension against its thresholds; the overall level is the highest."""
    pending_level = level_for(pending, thresholds.pending)
    urgent_level = level_for(urgent, thresholds.urgent)
    overdue_level = level_for(overdue, thresholds.overdue)
    return WorkloadAssessment(
        level=max(pending_level, urgent_level, overdue_level, key=lambda lvl: lvl.order),
        pending_level=pending_level,
        urgent_level=urgent_level,
        overdue_level=overdue_level,
        pending=pending,
        urgent=urgent,
        overdue=overdue,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DueWindows:
    """The instant a summary is taken at, and the UTC ``[start, end)`` of the local day,
    week (Monday to Sunday) and month that contain it, in the organization's timezone."""

    now: datetime
    today: tuple[datetime, datetime]
    week: tuple[datetime, datetime]
    month: tuple[datetime, datetime]


def due_windows(now: datetime, timezone: str) -> DueWindows:
    """The windows of "due today / this week / this month" around ``now``.

    >>> w = due_windows(datetime.fromisoformat("2026-03-04T12:00:00+00:00"), "Asia/Kolkata")
    >>> [s.isoformat() for s in (w.today[0], w.week[0], w.month[0])]
    ['2026-03-03T18:30:00+00:00', '2026-03-01T18:30:00+00:00', '2026-02-28T18:30:00+00:00']
    """
    day = business_date(now, timezone)
    monday = day - timedelta(days=day.weekday())
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)

    def span(start: date, end: date) -> tuple[datetime, datetime]:
        return local_day_bounds(start, timezone)[0], local_day_bounds(end, timezone)[0]

    return DueWindows(
        now=now,
        today=local_day_bounds(day, timezone),
        week=span(monday, monday + timedelta(days=7)),
        month=span(first, following),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingCounts:
    """An employee's open tasks counted: by priority, overdue (due before now), and due
    within today / this week / this month (already past or not)."""

    employee_id: UUID
    low: int = 0
    medium: int = 0
    high: int = 0
    urgent: int = 0
    overdue: int = 0
    due_today: int = 0
    due_this_week: int = 0
    due_this_month: int = 0

    @property
    def pending(self) -> int:
        """Every open task assigned to the employee."""
        return self.low + self.medium + self.high + self.urgent


def _within(instant: datetime | None, window: tuple[datetime, datetime]) -> bool:
    return instant is not None and window[0] <= instant < window[1]


def count_pending(employee_id: UUID, tasks: Iterable[Task], windows: DueWindows) -> PendingCounts:
    """Count the employee's open tasks among ``tasks`` (others are ignored).

    The store computes the same numbers for a whole organization in one statement.
    """
    mine = [t for t in tasks if t.assignee_id == employee_id and t.is_open]
    by_priority = Counter(t.priority for t in mine)
    return PendingCounts(
        employee_id=employee_id,
        low=by_priority[TaskPriority.LOW],
        medium=by_priority[TaskPriority.MEDIUM],
        high=by_priority[TaskPriority.HIGH],
        urgent=by_priority[TaskPriority.URGENT],
        overdue=sum(1 for t in mine if is_overdue(t.due_at, windows.now)),
        due_today=sum(1 for t in mine if _within(t.due_at, windows.today)),
        due_this_week=sum(1 for t in mine if _within(t.due_at, windows.week)),
        due_this_month=sum(1 for t in mine if _within(t.due_at, windows.month)),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingSummary:
    """An employee's pending work at ``computed_at``: the counts and their workload levels."""

    organization_id: UUID
    employee_id: UUID
    counts: PendingCounts
    assessment: WorkloadAssessment
    computed_at: datetime


def summarize_pending(
    organization_id: UUID,
    counts: PendingCounts,
    thresholds: WorkloadThresholds,
    computed_at: datetime,
) -> PendingSummary:
    """The summary of the counts: pending, urgent and overdue levelled against the
    organization's thresholds, the overall level the highest of the three."""
    assessment = assess_workload(
        pending=counts.pending,
        urgent=counts.urgent,
        overdue=counts.overdue,
        thresholds=thresholds,
    )
    return PendingSummary(
        organization_id=organization_id,
        employee_id=counts.employee_id,
        counts=counts,
        assessment=assessment,
        computed_at=computed_at,
    )
