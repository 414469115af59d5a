"""Watching open work: the SLA monitor and workload levels.

Decisions where PRODUCT.md is silent:

* The SLA monitor writes a task only when its status changed since the last run, so an
  unchanged task keeps its version (and a user's concurrent edit is not lost to it). All
  changes go in one write; a task edited by someone since it was read keeps the edit and
  gets its status at the next run (``changed`` counts the tasks written).
* Every new alert is announced as ``alert.raised`` with the run's id as its
  ``digest``, the assignee and the manager of the task's department, so the jobs to
  do made from a run are one digest per person.
* Alerts are kept once per task and kind (AT_RISK, BREACHED): a task that goes back to
  ON_TIME and then AT_RISK again is not alerted twice. Alerts of unassigned tasks are
  grouped under ``employee_id=None`` (for the department's managers).
* Workload levels and the pending summaries the 5-minute job stores are
  :mod:`jts_domain.administration.pending`'s.
* SLA compliance is read from the stored daily scores' SLA metric (met ÷ tasks whose
  deadline fell that day or that were completed that day with one), so it covers the
  days already scored and agrees with the scores. Without a department it covers the
  whole organization and needs organization-wide reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from jts_domain import sla
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    Alert,
    AlertKind,
    DailyScore,
    DomainEvent,
    EventName,
    Organization,
    Permission,
    ScoreMetricName,
    SlaStatus,
    Task,
)
from jts_domain.services.access import require_department_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.scores import check_range

_ALERT_KINDS = {
    SlaStatus.AT_RISK: AlertKind.SLA_AT_RISK,
    SlaStatus.BREACHED: AlertKind.SLA_BREACHED,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AssigneeNotification:
    """The new alerts of one assignee's tasks (None: tasks nobody is assigned to)."""

    employee_id: UUID | None
    alerts: tuple[Alert, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaMonitorRun:
    """What one SLA monitor run saw and raised."""

    checked_at: datetime
    checked: int
    changed: int
    statuses: dict[SlaStatus, int]
    alerts: tuple[Alert, ...]
    notifications: tuple[AssigneeNotification, ...]


def _status(task: Task, organization: Organization, now: datetime) -> SlaStatus | None:
    return sla.sla_status(
        deadline=task.sla_deadline,
        completed_at=task.completed_at,
        now=now,
        remaining_minutes=sla.remaining_minutes(task.estimated_minutes, task.actual_seconds),
        warning_minutes=organization.settings.sla_warning_minutes,
    )


def _alert(task: Task, kind: AlertKind, status: SlaStatus, now: datetime) -> Alert:
    deadline = task.sla_deadline.isoformat() if task.sla_deadline else "?"
    verb = "is at risk of missing" if status is SlaStatus.AT_RISK else "has missed"
    return Alert(
        id=new_id(),
        organization_id=task.organization_id,
        kind=kind,
        task_id=task.id,
        employee_id=task.assignee_id,
        sla_status=status,
        message=f"Task {task.title!r} {verb} its SLA deadline ({deadline})",
        created_at=now,
    )


def _raised_event(alert: Alert, task: Task, manager_id: UUID | None, digest: UUID) -> DomainEvent:
    """``alert.raised`` with what a digest needs: whom to tell (the assignee, the manager
    of the task's department) and the monitor run the alert belongs to (``digest``)."""
    return DomainEvent(
        name=EventName.ALERT_RAISED,
        organization_id=alert.organization_id,
        occurred_at=alert.created_at,
        payload={
            "alert_id": str(alert.id),
            "kind": alert.kind.value,
            "message": alert.message,
            "task_id": str(task.id),
            "task_title": task.title,
            "sla_deadline": None if task.sla_deadline is None else task.sla_deadline.isoformat(),
            "employee_id": None if alert.employee_id is None else str(alert.employee_id),
            "department_id": None if task.department_id is None else str(task.department_id),
            "manager_id": None if manager_id is None else str(manager_id),
            "digest": str(digest),
            "at": alert.created_at.isoformat(),
        },
    )


def _group(alerts: Iterable[Alert]) -> tuple[AssigneeNotification, ...]:
    groups: dict[UUID | None, list[Alert]] = defaultdict(list)
    for alert in alerts:
        groups[alert.employee_id].append(alert)
    order = sorted(groups, key=lambda e: (e is None, str(e)))
    return tuple(AssigneeNotification(employee_id=e, alerts=tuple(groups[e])) for e in order)


async def sla_monitor(ctx: ServiceContext, organization_id: UUID) -> SlaMonitorRun:
    """The hourly job: store each open task's SLA status and raise new alerts once."""
    now = ctx.clock.now()
    counts: dict[SlaStatus, int] = defaultdict(int)
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(organization_id)
        tasks = [t for t in await uow.tasks.list_open(organization_id) if t.sla_deadline]
        known = await uow.alerts.kinds_for_tasks(organization_id, [t.id for t in tasks])
        changes: list[tuple[UUID, int, SlaStatus]] = []
        candidates: list[Alert] = []
        for task in tasks:
            status = _status(task, organization, now)
            if status is None:
                continue
            counts[status] += 1
            if status is not task.last_sla_status:
                changes.append((task.id, task.version, status))
            kind = _ALERT_KINDS.get(status)
            if kind is not None and (task.id, kind) not in known:
                candidates.append(_alert(task, kind, status, now))
        changed = len(await uow.tasks.set_sla_statuses(organization_id, changes))
        raised = await uow.alerts.add_many_if_new(candidates)
        if raised:
            managers = {d.id: d.manager_id for d in await uow.departments.list_all(organization_id)}
            by_id = {task.id: task for task in tasks}
            digest = new_id()
            for alert in raised:
                assert alert.task_id is not None  # an SLA alert names its task
                task = by_id[alert.task_id]
                manager = managers.get(task.department_id) if task.department_id else None
                uow.emit(_raised_event(alert, task, manager, digest))
        await uow.commit()
    return SlaMonitorRun(
        checked_at=now,
        checked=len(tasks),
        changed=changed,
        statuses=dict(counts),
        alerts=tuple(raised),
        notifications=_group(raised),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaComplianceDay:
    """SLA tasks met and counted on one date; ``rate`` in percent (None without any)."""

    business_date: date
    met: int
    total: int
    rate: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaCompliance:
    """SLA compliance of a department (or the organization) over a range of dates."""

    date_from: date
    date_to: date
    department_id: UUID | None
    met: int
    total: int
    rate: Decimal | None
    days: tuple[SlaComplianceDay, ...]


def _rate(met: int, total: int) -> Decimal | None:
    if total == 0:
        return None
    return (Decimal(100 * met) / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sla_counts(score: DailyScore) -> tuple[int, int]:
    for metric in score.metrics:
        if metric.name is ScoreMetricName.SLA:
            return int(metric.numerator), int(metric.denominator)
    return 0, 0


def _compliance_days(
    rows: list[DailyScore], date_from: date, date_to: date
) -> list[SlaComplianceDay]:
    counts: dict[date, tuple[int, int]] = {}
    for row in rows:
        met, total = _sla_counts(row)
        day_met, day_total = counts.get(row.business_date, (0, 0))
        counts[row.business_date] = (day_met + met, day_total + total)
    days = []
    for offset in range((date_to - date_from).days + 1):
        day = date_from + timedelta(days=offset)
        met, total = counts.get(day, (0, 0))
        days.append(
            SlaComplianceDay(business_date=day, met=met, total=total, rate=_rate(met, total))
        )
    return days


async def sla_compliance(
    ctx: ServiceContext,
    caller: Caller,
    *,
    date_from: date,
    date_to: date,
    department_id: UUID | None = None,
) -> SlaCompliance:
    """SLA tasks met ÷ SLA tasks counted, per day and over the range (from daily scores)."""
    check_range(date_from, date_to)
    org = caller.organization_id
    async with ctx.uow() as uow:
        if department_id is not None:
            await require_department_reach(uow, caller, department_id, Permission.SCORE_READ_TEAM)
        else:
            caller.require(Permission.SCORE_READ_TEAM)
            if not caller.can(Permission.ORG_MANAGE):
                raise DomainError(ErrorCode.FORBIDDEN, "name a department you manage")
        staff = await uow.employees.list_active(org, department_id=department_id)
        rows = await uow.scores.list_range(org, [e.id for e in staff], date_from, date_to)
    days = _compliance_days(rows, date_from, date_to)
    met, total = sum(d.met for d in days), sum(d.total for d in days)
    return SlaCompliance(
        date_from=date_from,
        date_to=date_to,
        department_id=department_id,
        met=met,
        total=total,
        rate=_rate(met, total),
        days=tuple(days),
    )
