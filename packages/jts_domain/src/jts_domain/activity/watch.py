"""Watching activity: the ``detect_idle`` and ``check_overtime`` jobs.

Decisions where PRODUCT.md is silent:

* An idle spell is identified by its timer and its start (the end of the last ACTIVE
  heartbeat, or the start of the current RUNNING interval when later); the store keeps
  one IDLE alert per spell, so a spell is alerted once however often the job runs, even
  after someone resolved its alert by hand.
* With ``idle_auto_pause`` every idle timer is paused as of its spell's start (checked
  again in its own transaction, so a heartbeat that arrived meanwhile wins); a timer that
  fails to pause is reported and the others go on.
* Overtime counts the RUNNING time of the timers of a business date (the date their
  shift started on), open intervals until now; today's and yesterday's dates are checked
  (a night shift's timers belong to the day before). One OVERTIME alert per employee and
  date, naming no task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.activity.model import TimerActivity
from jts_domain.activity.rules import idle_spell, over_time
from jts_domain.errors import DomainError
from jts_domain.ids import new_id
from jts_domain.model import Actor, ActorType, Alert, AlertKind, DomainEvent, EventName
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.working import load_timer_work
from jts_domain.shifts import business_date
from jts_domain.work.aggregate import TaskWork, WorkChange
from jts_domain.work.recording import save_work

#: Who pauses an idle timer.
IDLE_ACTOR = Actor(type=ActorType.SYSTEM, id=None, name="idle detection")


@dataclass(frozen=True, slots=True, kw_only=True)
class IdleRun:
    """What one ``detect_idle`` run saw and did."""

    checked: int
    idle: int
    raised: tuple[Alert, ...]
    paused: tuple[UUID, ...]
    failed: dict[UUID, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class OvertimeRun:
    """What one ``check_overtime`` run saw and raised."""

    checked: int
    raised: tuple[Alert, ...]


def alert_event(
    name: EventName,
    alert: Alert,
    at: datetime,
    *,
    department_id: UUID | None = None,
    manager_id: UUID | None = None,
) -> DomainEvent:
    """The outbox event of an alert raised or resolved (with whom it concerns: the
    employee, their department and its manager, when known)."""
    return DomainEvent(
        name=name,
        organization_id=alert.organization_id,
        occurred_at=at,
        payload={
            "alert_id": str(alert.id),
            "kind": alert.kind.value,
            "employee_id": None if alert.employee_id is None else str(alert.employee_id),
            "task_id": None if alert.task_id is None else str(alert.task_id),
            "timer_id": None if alert.timer_id is None else str(alert.timer_id),
            "message": alert.message,
            "department_id": None if department_id is None else str(department_id),
            "manager_id": None if manager_id is None else str(manager_id),
            "at": at.isoformat(),
        },
    )


async def announce_raised(
    uow: UnitOfWork, organization_id: UUID, raised: Sequence[Alert], at: datetime
) -> None:
    """Write ``alert.raised`` for each new alert, naming its employee's department and
    manager (so the manager hears of it too)."""
    if not raised:
        return
    ids = sorted({a.employee_id for a in raised if a.employee_id is not None})
    people = {e.id: e for e in await uow.employees.get_many(organization_id, ids)}
    managers = {d.id: d.manager_id for d in await uow.departments.list_all(organization_id)}
    for alert in raised:
        person = people.get(alert.employee_id) if alert.employee_id is not None else None
        department = None if person is None else person.department_id
        manager = None if department is None else managers.get(department)
        uow.emit(
            alert_event(
                EventName.ALERT_RAISED, alert, at, department_id=department, manager_id=manager
            )
        )


def idle_alert(
    organization_id: UUID, timer: TimerActivity, since: datetime, now: datetime
) -> Alert:
    """The IDLE alert of a timer's spell."""
    minutes = int((now - since).total_seconds() // 60)
    return Alert(
        id=new_id(),
        organization_id=organization_id,
        kind=AlertKind.IDLE,
        task_id=timer.task_id,
        employee_id=timer.employee_id,
        sla_status=None,
        message=f"No activity for {minutes} minutes while the timer runs",
        created_at=now,
        timer_id=timer.timer_id,
        idle_since=since,
    )


async def detect_idle(ctx: ServiceContext, organization_id: UUID) -> IdleRun:
    """The 2-minute job: one IDLE alert per idle spell; auto-pause when configured."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(organization_id)).settings
        threshold = timedelta(minutes=settings.idle_minutes)
        timers = await uow.activity.active_timers(organization_id)
        spells = {t.timer_id: (t, s) for t in timers if (s := idle_spell(t, now, threshold))}
        candidates = [idle_alert(organization_id, t, s, now) for t, s in spells.values()]
        raised = await uow.alerts.add_many_if_new(candidates)
        await announce_raised(uow, organization_id, raised, now)
        await uow.commit()
    paused: list[UUID] = []
    failed: dict[UUID, str] = {}
    if settings.idle_auto_pause:
        for timer_id in spells:
            error = await _pause_if_still_idle(ctx, organization_id, timer_id, threshold)
            if error is None:
                paused.append(timer_id)
            elif error:
                failed[timer_id] = error
    return IdleRun(
        checked=len(timers),
        idle=len(spells),
        raised=tuple(raised),
        paused=tuple(paused),
        failed=failed,
    )


async def _pause_if_still_idle(
    ctx: ServiceContext, organization_id: UUID, timer_id: UUID, threshold: timedelta
) -> str | None:
    """Pause the timer as of its spell's start if it is still idle: None when paused,
    ``""`` when it no longer needed it, the error when it failed."""
    now = ctx.clock.now()
    try:
        async with ctx.uow() as uow:
            facts = {t.timer_id: t for t in await uow.activity.active_timers(organization_id)}
            timer = facts.get(timer_id)
            since = idle_spell(timer, now, threshold) if timer is not None else None
            if since is None:
                return ""
            caller = Caller.system(organization_id, IDLE_ACTOR.name)
            loaded = await load_timer_work(uow, caller, timer_id, now)
            pause_idle_timer(loaded.work, since)
            await save_work(uow, loaded.work)
            await uow.commit()
    except DomainError as error:
        return f"{error.code}: {error.message}"
    return None


def pause_idle_timer(work: TaskWork, since: datetime) -> WorkChange:
    """Pause an idle timer and its task as of ``since``: the idle time becomes paused
    time (reason IDLE, in the task's history), so the durations still add up exactly."""
    note = f"IDLE: no activity since {since.isoformat()}"
    return work.pause(actor=IDLE_ACTOR, at=since, note=note)


def overtime_alert(
    organization_id: UUID, employee_id: UUID, day: date, seconds: float, now: datetime
) -> Alert:
    """The OVERTIME alert of an employee's business date."""
    hours = seconds / 3600
    return Alert(
        id=new_id(),
        organization_id=organization_id,
        kind=AlertKind.OVERTIME,
        task_id=None,
        employee_id=employee_id,
        sla_status=None,
        message=f"{hours:.1f} hours of timer time on {day.isoformat()}",
        created_at=now,
        business_date=day,
    )


async def check_overtime(ctx: ServiceContext, organization_id: UUID) -> OvertimeRun:
    """The 30-minute job: one OVERTIME alert per employee and day above the threshold."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(organization_id)).settings
        today = business_date(now, settings.timezone)
        days = [today - timedelta(days=1), today]
        running = await uow.activity.running_seconds(organization_id, days, now)
        candidates = [
            overtime_alert(organization_id, employee_id, day, seconds, now)
            for (employee_id, day), seconds in sorted(running.items(), key=lambda kv: kv[0])
            if over_time(seconds, settings.overtime_minutes)
        ]
        raised = await uow.alerts.add_many_if_new(candidates)
        await announce_raised(uow, organization_id, raised, now)
        await uow.commit()
    return OvertimeRun(checked=len(running), raised=tuple(raised))
