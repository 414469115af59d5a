"""Lists that grow: tasks and alerts, a page at a time, within the caller's reach.

Admins (``org.manage``) see the whole organization; managers the tasks of the departments
they manage, tasks without a department (as :func:`~jts_domain.services.access.
require_task_reach` allows them) and their own; employees their own. Ids named in a
filter must exist in the caller's organization (NOT_FOUND otherwise); a filter outside the
caller's reach simply finds nothing.
"""

from __future__ import annotations

from uuid import UUID

from jts_domain.model import Alert, Permission, Task
from jts_domain.ports import TaskFilter, TaskReach, UnitOfWork
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.paging import Cursor, Page, read_page


async def managed_departments(uow: UnitOfWork, caller: Caller) -> frozenset[UUID]:
    """The departments whose manager the caller is."""
    if caller.employee_id is None:
        return frozenset()
    departments = await uow.departments.list_all(caller.organization_id)
    return frozenset(d.id for d in departments if d.manager_id == caller.employee_id)


async def task_reach(uow: UnitOfWork, caller: Caller) -> TaskReach | None:
    """The tasks the caller may list; None for the whole organization."""
    if caller.can(Permission.ORG_MANAGE):
        return None
    team = caller.can(Permission.TASK_ASSIGN)
    return TaskReach(
        department_ids=await managed_departments(uow, caller) if team else frozenset(),
        departmentless=team,
        employee_id=caller.employee_id,
    )


async def list_tasks(
    ctx: ServiceContext,
    caller: Caller,
    task_filter: TaskFilter,
    *,
    first: int = 50,
    after: Cursor | None = None,
) -> Page[Task]:
    """Tasks matching the filter within the caller's reach, oldest first by
    ``(created_at, id)``."""
    async with ctx.uow() as uow:
        org = caller.organization_id
        if task_filter.department_id is not None:
            await uow.departments.get(org, task_filter.department_id)
        if task_filter.assignee_id is not None:
            await uow.employees.get(org, task_filter.assignee_id)
        scoped = TaskFilter(
            assignee_id=task_filter.assignee_id,
            department_id=task_filter.department_id,
            statuses=task_filter.statuses,
            planned_date=task_filter.planned_date,
            reach=await task_reach(uow, caller),
        )

        async def fetch(cursor: Cursor | None, limit: int) -> list[Task]:
            return await uow.tasks.search(org, scoped, after=cursor, limit=limit)

        return await read_page(fetch, first=first, after=after)


async def list_alerts(
    ctx: ServiceContext, caller: Caller, *, first: int = 50, after: Cursor | None = None
) -> Page[Alert]:
    """Alerts newest first: all of them for admins, a manager's team's and their own for
    managers, their own for employees."""
    async with ctx.uow() as uow:
        org = caller.organization_id
        employee_ids: frozenset[UUID] | None = None
        if not caller.can(Permission.ORG_MANAGE):
            own = {caller.employee_id} if caller.employee_id is not None else set()
            team: set[UUID] = set()
            if caller.can(Permission.SCORE_READ_TEAM):
                for department_id in await managed_departments(uow, caller):
                    staff = await uow.employees.list_active(org, department_id=department_id)
                    team.update(e.id for e in staff)
            employee_ids = frozenset(own | team)

        async def fetch(cursor: Cursor | None, limit: int) -> list[Alert]:
            return await uow.alerts.recent(
                org, employee_ids=employee_ids, after=cursor, limit=limit
            )

        return await read_page(fetch, first=first, after=after)
