"""The roster over a range of dates, and taking an entry off it.

Decisions where PRODUCT.md is silent:

* A range spans at most :data:`MAX_ROSTER_DAYS` days (a frontend shows weeks or a
  month), running forward.
* Reach: with ``employeeId``, that employee's entries (their own for anyone, others'
  within ``roster.manage`` reach); with ``departmentId``, that department's (which a
  manager must manage); with neither, the whole organization for admins, the managed
  departments' employees for managers, and one's own for everyone else. A department's
  entries are those of its current employees.
* An entry whose employee clocked in that date cannot be removed (the shift happened).
  An ABSENT attendance row the nightly job made for it becomes OFF: the employee is no
  longer rostered that day.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.model import AttendanceStatus, Permission, RosterEntry
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach, require_employee_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.listings import managed_departments

MAX_ROSTER_DAYS = 62


def check_roster_range(date_from: date, date_to: date) -> None:
    """VALIDATION_ERROR unless the range runs forward over at most 62 days."""
    if not timedelta(0) <= date_to - date_from < timedelta(days=MAX_ROSTER_DAYS):
        raise invalid(
            f"the range must run forward and span at most {MAX_ROSTER_DAYS} days", field="to"
        )


async def _team_entries(
    uow: UnitOfWork, caller: Caller, date_from: date, date_to: date
) -> list[RosterEntry]:
    """The entries a caller without a filter sees (see the module docstring)."""
    org = caller.organization_id
    entries = await uow.setup.roster_between(org, date_from, date_to)
    if caller.can(Permission.ORG_MANAGE):
        return entries
    mine = {caller.employee_id}
    if caller.can(Permission.ROSTER_MANAGE):
        for department_id in await managed_departments(uow, caller):
            staff = await uow.employees.list_active(org, department_id=department_id)
            mine.update(e.id for e in staff)
    return [e for e in entries if e.employee_id in mine]


async def roster(
    ctx: ServiceContext,
    caller: Caller,
    *,
    date_from: date,
    date_to: date,
    department_id: UUID | None = None,
    employee_id: UUID | None = None,
) -> list[RosterEntry]:
    """Roster entries between the dates (inclusive), by date then employee."""
    check_roster_range(date_from, date_to)
    org = caller.organization_id
    async with ctx.uow() as uow:
        if employee_id is not None:
            await require_employee_reach(
                uow, caller, employee_id, Permission.ROSTER_MANAGE, allow_self=True
            )
        if department_id is not None:
            await require_department_reach(uow, caller, department_id, Permission.ROSTER_MANAGE)
        if employee_id is None and department_id is None:
            return await _team_entries(uow, caller, date_from, date_to)
        return await uow.setup.roster_between(
            org, date_from, date_to, department_id=department_id, employee_id=employee_id
        )


async def remove_roster_entry(ctx: ServiceContext, caller: Caller, entry_id: UUID) -> RosterEntry:
    """Take an entry off the roster (``roster.manage`` over its employee)."""
    caller.require(Permission.ROSTER_MANAGE)
    org = caller.organization_id
    async with ctx.uow() as uow:
        entry = await uow.setup.lock_roster_entry(org, entry_id)
        await require_employee_reach(uow, caller, entry.employee_id, Permission.ROSTER_MANAGE)
        attendance = await uow.attendance.find(org, entry.employee_id, entry.business_date)
        if attendance is not None and attendance.clock_in_at is not None:
            raise invalid("the employee clocked in on this date: the shift happened", field="id")
        await uow.setup.remove_roster_entry(entry)
        summary = f"employee {entry.employee_id} off the roster on {entry.business_date}"
        if attendance is not None and attendance.status is AttendanceStatus.ABSENT:
            attendance.status = AttendanceStatus.OFF
            await uow.attendance.update(attendance)
            summary += "; attendance ABSENT → OFF"
        await record_change(
            uow,
            org,
            caller.actor,
            ctx.clock.now(),
            action="roster.remove",
            entity_type="roster",
            entity_id=entry.id,
            summary=summary,
        )
        await uow.commit()
    return entry
