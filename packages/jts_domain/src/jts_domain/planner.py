"""The daily planner's ranking and capacity fit.

Order (PRODUCT.md): overdue first; then SLA status BREACHED, AT_RISK, ON_TIME, none; then
priority URGENT → LOW; then due time, earliest first and none last; then created time; then
task id. Every key is a value of the candidate, so the order is total and does not depend
on the order the candidates come in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from jts_domain.errors import invalid
from jts_domain.model.task import SlaStatus, TaskPriority
from jts_domain.shifts import business_date, zone
from jts_domain.sla import is_overdue, remaining_minutes, sla_status

_SLA_RANK = {SlaStatus.BREACHED: 0, SlaStatus.AT_RISK: 1, SlaStatus.ON_TIME: 2, None: 3}


def plan_date(
    planned_date: date | None, due_at: datetime | None, created_at: datetime, timezone: str
) -> date:
    """The business date a task belongs to in planners: its planned date, else the local
    date of its due time, else the local date it was created on.

    An open task assigned to an employee shows in their planner on every date from its plan
    date on, carried over on the later ones; so a task with only a due time, or with no
    date at all, is never left out of the planner.

    >>> from datetime import UTC
    >>> plan_date(None, datetime(2026, 3, 1, 20, 0, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC),
    ...           "Asia/Kolkata")
    datetime.date(2026, 3, 2)
    """
    if planned_date is not None:
        return planned_date
    return business_date(due_at if due_at is not None else created_at, timezone)


@dataclass(frozen=True)
class PlanCandidate:
    """An open task that may go into an employee's plan for the day."""

    task_id: UUID
    priority: TaskPriority
    due_at: datetime | None
    sla_deadline: datetime | None
    created_at: datetime
    estimated_minutes: int
    actual_seconds: float
    carried_over: bool


@dataclass(frozen=True)
class PlanItem:
    """One ranked line of the plan."""

    rank: int
    task_id: UUID
    carried_over: bool
    overdue: bool
    sla_status: SlaStatus | None
    remaining_minutes: int
    fits_in_shift: bool
    reason: str


@dataclass(frozen=True)
class Plan:
    """The ranked items, the capacity, and whether the remaining work exceeds it."""

    capacity_minutes: int
    planned_minutes: int
    overbooked: bool
    items: tuple[PlanItem, ...]


@dataclass(frozen=True, slots=True)
class _Ranked:
    candidate: PlanCandidate
    overdue: bool
    sla: SlaStatus | None
    remaining: int

    def key(self) -> tuple[object, ...]:
        c = self.candidate
        return (
            not self.overdue,
            _SLA_RANK.get(self.sla, len(_SLA_RANK)),
            c.priority.rank,
            c.due_at is None,
            c.due_at or c.created_at,  # any placeholder: the flag before it settles None
            c.created_at,
            c.task_id,
        )


def _clock(instant: datetime, now: datetime, tz: ZoneInfo) -> str:
    """Local HH:MM, with the date when it is not the same local day as ``now``."""
    local = instant.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _reason(ranked: _Ranked, now: datetime, tz: ZoneInfo) -> str:
    """A short phrase naming the most significant sort key that this item has."""
    c = ranked.candidate
    if ranked.overdue and c.due_at is not None:
        phrase = f"overdue since {_clock(c.due_at, now, tz)}"
    elif ranked.sla is not None and c.sla_deadline is not None:
        deadline = _clock(c.sla_deadline, now, tz)
        phrase = {
            SlaStatus.BREACHED: f"SLA breached at {deadline}",
            SlaStatus.AT_RISK: f"SLA at risk, deadline {deadline}",
        }.get(ranked.sla, f"SLA deadline {deadline}")
    elif c.priority in {TaskPriority.URGENT, TaskPriority.HIGH} or c.due_at is None:
        phrase = f"{c.priority.value.lower()} priority"
    else:
        phrase = f"due {_clock(c.due_at, now, tz)}"
    return f"{phrase}, carried over" if c.carried_over else phrase


def remaining_whole_minutes(estimated_minutes: int, actual_seconds: float) -> int:
    """The estimate left to work, rounded up to whole minutes: what a plan (and the load
    auto-assignment weighs) counts for a task.

    >>> remaining_whole_minutes(30, 601.0), remaining_whole_minutes(30, 3600.0)
    (20, 0)
    """
    return math.ceil(remaining_minutes(estimated_minutes, actual_seconds))


def _rank(candidate: PlanCandidate, now: datetime, warning_minutes: int) -> _Ranked:
    remaining = remaining_minutes(candidate.estimated_minutes, candidate.actual_seconds)
    return _Ranked(
        candidate=candidate,
        overdue=is_overdue(candidate.due_at, now),
        sla=sla_status(
            deadline=candidate.sla_deadline,
            completed_at=None,
            now=now,
            remaining_minutes=remaining,
            warning_minutes=warning_minutes,
        ),
        remaining=remaining_whole_minutes(candidate.estimated_minutes, candidate.actual_seconds),
    )


def plan_day(
    candidates: Sequence[PlanCandidate],
    *,
    now: datetime,
    capacity_minutes: int,
    warning_minutes: int,
    timezone: str = "UTC",
) -> Plan:
    """Rank the candidates and check them, in that order, against the capacity.

    An item fits in the shift when the remaining minutes of it and every item above it add
    up to no more than ``capacity_minutes``; the plan is overbooked when all of them do not.
    Reasons show clock times in ``timezone``. Raises ``DomainError(VALIDATION_ERROR)`` for a
    negative capacity or a task listed twice.
    """
    if capacity_minutes < 0:
        raise invalid("capacity cannot be negative", capacity_minutes=capacity_minutes)
    ids = [c.task_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise invalid("a task appears twice among the plan candidates")
    tz = zone(timezone)
    ranked = sorted((_rank(c, now, warning_minutes) for c in candidates), key=_Ranked.key)
    items: list[PlanItem] = []
    cumulative = 0
    for position, entry in enumerate(ranked, start=1):
        cumulative += entry.remaining
        items.append(
            PlanItem(
                rank=position,
                task_id=entry.candidate.task_id,
                carried_over=entry.candidate.carried_over,
                overdue=entry.overdue,
                sla_status=entry.sla,
                remaining_minutes=entry.remaining,
                fits_in_shift=cumulative <= capacity_minutes,
                reason=_reason(entry, now, tz),
            )
        )
    return Plan(
        capacity_minutes=capacity_minutes,
        planned_minutes=cumulative,
        overbooked=cumulative > capacity_minutes,
        items=tuple(items),
    )
