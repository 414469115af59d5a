"""Reading activity: a day's summary, reports over ranges, presence, rejections.

Decisions where PRODUCT.md is silent:

* Who may read whom is the reach of ``timerUpdated``: everyone reads themselves; a
  holder of ``score.read_team`` (or ``timer.override``) reads the employees of the
  departments they manage; admins read everyone. Without a filter a list covers the
  caller's reach.
* ``activitySummary`` answers the stored summary of a settled day, and computes the
  day live otherwise (today, or a day whose timers still run); a day without timers is
  all zeros with no productivity.
* ``activityReport`` computes its rows live (one set-based read), so it agrees with the
  stored summaries and also covers today; with a project it counts only the work on the
  project's tasks. Rows exist for (employee, date) pairs that had a timer.
* Rejected items are read by admins (``org.manage``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from jts_domain.activity.model import ActivityRejection, DailyActivity, DayFigures, Presence
from jts_domain.activity.rules import daily_activity, presence
from jts_domain.errors import invalid
from jts_domain.model import Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach, require_employee_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.listings import managed_departments
from jts_domain.services.paging import Cursor, Page, read_page
from jts_domain.services.scores import check_range

_TEAM = (Permission.SCORE_READ_TEAM, Permission.TIMER_OVERRIDE)


async def readable_employee(uow: UnitOfWork, caller: Caller, employee_id: UUID | None) -> UUID:
    """The employee whose activity the caller may read: themselves by default."""
    target = employee_id or caller.employee_id
    if target is None:
        raise invalid("employeeId is required for a caller that is not an employee")
    employee = await require_employee_reach(uow, caller, target, *_TEAM, allow_self=True)
    return employee.id


async def reached_employees(
    uow: UnitOfWork, caller: Caller, department_id: UUID | None
) -> list[UUID] | None:
    """The employees a list covers: a department's (within reach), or the caller's whole
    reach (None: the whole organization)."""
    org = caller.organization_id
    if department_id is not None:
        await require_department_reach(uow, caller, department_id, Permission.SCORE_READ_TEAM)
        return [e.id for e in await uow.employees.list_active(org, department_id=department_id)]
    if caller.can(Permission.ORG_MANAGE):
        return None
    reached = {caller.employee_id} if caller.employee_id is not None else set()
    if any(caller.can(p) for p in _TEAM):
        for managed in await managed_departments(uow, caller):
            reached.update(
                e.id for e in await uow.employees.list_active(org, department_id=managed)
            )
    return sorted(reached)


async def activity_summary(
    ctx: ServiceContext, caller: Caller, day: date, employee_id: UUID | None = None
) -> DailyActivity:
    """An employee's activity on a business date (the caller's own by default)."""
    now = ctx.clock.now()
    org = caller.organization_id
    async with ctx.uow() as uow:
        employee = await readable_employee(uow, caller, employee_id)
        stored = await uow.activity.summaries(org, [employee], day, day)
        if stored and stored[0].settled:
            return stored[0]
        figures = await uow.activity.day_figures(org, [employee], day, day, now)
    found = figures[0] if figures else DayFigures(employee_id=employee, business_date=day)
    return daily_activity(org, found, now)


async def activity_report(
    ctx: ServiceContext,
    caller: Caller,
    date_from: date,
    date_to: date,
    *,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
    project_id: UUID | None = None,
) -> list[DailyActivity]:
    """One row per employee and business date that had a timer, by date then employee."""
    check_range(date_from, date_to)
    if sum(x is not None for x in (employee_id, department_id, project_id)) > 1:
        raise invalid("name at most one of employeeId, departmentId and projectId")
    now = ctx.clock.now()
    org = caller.organization_id
    async with ctx.uow() as uow:
        employees: list[UUID] | None
        if employee_id is not None:
            employees = [await readable_employee(uow, caller, employee_id)]
        else:
            employees = await reached_employees(uow, caller, department_id)
        if project_id is not None:
            await uow.activity.get_project(org, project_id)
        figures = await uow.activity.day_figures(
            org, employees, date_from, date_to, now, project_id=project_id
        )
    return [daily_activity(org, f, now) for f in figures]


async def team_presence(
    ctx: ServiceContext, caller: Caller, department_id: UUID | None = None
) -> list[Presence]:
    """Where each active employee of a department (or of the caller's reach) stands now."""
    now = ctx.clock.now()
    org = caller.organization_id
    async with ctx.uow() as uow:
        employees = await reached_employees(uow, caller, department_id)
        settings = (await uow.organizations.get(org)).settings
        facts = await uow.activity.presence_facts(org, employees)
    threshold = timedelta(minutes=settings.idle_minutes)
    return [presence(f, now, threshold) for f in facts]


async def employee_presence(
    ctx: ServiceContext, organization_id: UUID, employee_id: UUID
) -> Presence | None:
    """Where one employee stands now (for live pushes; None when not active)."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(organization_id)).settings
        facts = await uow.activity.presence_facts(organization_id, [employee_id])
    if not facts:
        return None
    return presence(facts[0], now, timedelta(minutes=settings.idle_minutes))


async def activity_rejections(
    ctx: ServiceContext, caller: Caller, *, first: int = 50, after: Cursor | None = None
) -> Page[ActivityRejection]:
    """Rejected heartbeats, newest first (admins)."""
    caller.require(Permission.ORG_MANAGE)
    async with ctx.uow() as uow:

        async def fetch(cursor: Cursor | None, limit: int) -> list[ActivityRejection]:
            return await uow.activity.rejections(caller.organization_id, after=cursor, limit=limit)

        return await read_page(fetch, first=first, after=after)


@dataclass(frozen=True, slots=True)
class Watch:
    """Whom a live subscription follows: a department's people, a set of employees, or
    (neither) the whole organization."""

    department_id: UUID | None = None
    employee_ids: frozenset[UUID] | None = None

    def covers(self, employee_id: UUID | None, department_id: UUID | None) -> bool:
        """Whether a change about this employee (of this department) is followed."""
        if self.department_id is not None:
            return department_id == self.department_id
        if self.employee_ids is not None:
            return employee_id in self.employee_ids
        return True


async def watch_people(
    ctx: ServiceContext,
    caller: Caller,
    *,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
) -> Watch:
    """What the caller may follow live: one employee (themselves or one they reach), a
    department they reach, or (neither) everyone they reach — the reach of ``timerUpdated``."""
    async with ctx.uow() as uow:
        if employee_id is not None:
            return Watch(
                employee_ids=frozenset({await readable_employee(uow, caller, employee_id)})
            )
        reached = await reached_employees(uow, caller, department_id)
    if department_id is not None:
        return Watch(department_id=department_id)
    return Watch(employee_ids=None if reached is None else frozenset(reached))


async def timer_activity_now(ctx: ServiceContext, organization_id: UUID, timer_id: UUID) -> float:
    """A timer's activity seconds now (for live pushes, after reach was checked)."""
    async with ctx.uow() as uow:
        return await uow.activity.timer_activity(organization_id, timer_id, ctx.clock.now())
