"""Exporting: check an export once (range, department, reach; audited), then stream it.

Decisions where PRODUCT.md is silent:

* The range is of business dates, both ends included, at most 366 days, running forward.
  Timesheets take the timers whose business date is in it, attendance and scores their
  rows of those dates, tasks those whose plan date (:func:`jts_domain.planner.plan_date`)
  is in it.
* Reach is that of the GraphQL reads. Tasks: :func:`jts_domain.services.listings.task_reach`
  (a department filter outside it simply finds nothing, as ``tasks`` does). The kinds
  about employees: ``org.manage`` reaches the whole organization; a holder of the read's
  team permission (timesheets: ``timer.override`` or ``score.read_team``, as
  ``timerHistory``; attendance: ``roster.manage`` or ``score.read_team``; scores:
  ``score.read_team``) reaches the employees of the departments they manage; everybody
  reaches themselves. A department filter outside that reach is FORBIDDEN, as in
  ``performance(departmentId)``. An employee belongs to their current department.
* An export is audited once, when it is checked, before its first row is read
  (``export.<kind>``, with its format, range and department).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.exports.model import EmployeeReach, ExportKind, ExportRow, ExportScope
from jts_domain.model import Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.listings import task_reach

MAX_EXPORT_DAYS = 366
EXPORT_BATCH_SIZE = 2_000

#: The team permissions of the GraphQL read each kind mirrors (any one of them will do).
TEAM_PERMISSIONS: dict[ExportKind, tuple[Permission, ...]] = {
    ExportKind.TIMESHEETS: (Permission.TIMER_OVERRIDE, Permission.SCORE_READ_TEAM),
    ExportKind.ATTENDANCE: (Permission.ROSTER_MANAGE, Permission.SCORE_READ_TEAM),
    ExportKind.SCORES: (Permission.SCORE_READ_TEAM,),
}


def check_export_range(date_from: date, date_to: date) -> None:
    """VALIDATION_ERROR unless the range runs forward and spans at most 366 days."""
    if not 0 <= (date_to - date_from).days < MAX_EXPORT_DAYS:
        raise invalid(
            f"the range must run forward (from ≤ to) and span at most {MAX_EXPORT_DAYS} days",
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
        )


async def _managed_departments(uow: UnitOfWork, caller: Caller) -> frozenset[UUID]:
    if caller.employee_id is None:
        return frozenset()
    departments = await uow.departments.list_all(caller.organization_id)
    return frozenset(d.id for d in departments if d.manager_id == caller.employee_id)


async def _employee_reach(
    uow: UnitOfWork, caller: Caller, kind: ExportKind, department_id: UUID | None
) -> EmployeeReach | None:
    if caller.can(Permission.ORG_MANAGE):
        return None
    permissions = TEAM_PERMISSIONS[kind]
    team = any(caller.can(p) for p in permissions)
    departments = await _managed_departments(uow, caller) if team else frozenset()
    if department_id is not None and department_id not in departments:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "this department is not managed by the caller",
            {"permission": permissions[0].value},
        )
    return EmployeeReach(department_ids=departments, employee_id=caller.employee_id)


async def prepare_export(
    ctx: ServiceContext,
    caller: Caller,
    *,
    kind: ExportKind,
    date_from: date,
    date_to: date,
    department_id: UUID | None = None,
    file_format: str = "csv",
) -> ExportScope:
    """Check an export and record it in the audit log; the scope to stream with
    :func:`export_rows`. Nothing is read or written when a check fails."""
    check_export_range(date_from, date_to)
    org = caller.organization_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(org)
        summary = f"{kind.value}.{file_format} {date_from.isoformat()}..{date_to.isoformat()}"
        if department_id is not None:
            department = await uow.departments.get(org, department_id)
            summary += f", department {department.name}"
        tasks = kind is ExportKind.TASKS
        scope = ExportScope(
            organization_id=org,
            kind=kind,
            date_from=date_from,
            date_to=date_to,
            timezone=organization.settings.timezone,
            at=now,
            department_id=department_id,
            employee_reach=None
            if tasks
            else await _employee_reach(uow, caller, kind, department_id),
            task_reach=await task_reach(uow, caller) if tasks else None,
        )
        await record_change(
            uow, org, caller.actor, now, action=f"export.{kind.value}", entity_type="export",
            entity_id=None, summary=summary,
        )  # fmt: skip
        await uow.commit()
    return scope


async def export_rows(
    ctx: ServiceContext, scope: ExportScope, *, batch_size: int = EXPORT_BATCH_SIZE
) -> AsyncIterator[Sequence[ExportRow]]:
    """The rows of a checked export, a batch at a time, read in one transaction (one
    consistent snapshot of the data on PostgreSQL)."""
    if batch_size < 1:
        raise invalid("batch_size must be at least 1", batch_size=batch_size)
    async with ctx.uow() as uow:
        async for batch in uow.exports.rows(scope, batch_size=batch_size):
            yield batch
