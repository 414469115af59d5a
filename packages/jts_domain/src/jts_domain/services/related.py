"""Records related to ones the caller has already read, fetched many at a time.

The API resolves a list's related records (a task's assignee, its active timer, its
history) through per-request loaders that call these use cases once per batch. The ids
come from records the caller was allowed to read, so the reads are bounded by the
caller's organization only: an id of another organization is simply left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from jts_domain.model import Employee, OrganizationSettings, StatusChange, Task, Timer
from jts_domain.services.context import Caller, ServiceContext


async def employees_by_ids(
    ctx: ServiceContext, caller: Caller, employee_ids: Sequence[UUID]
) -> dict[UUID, Employee]:
    """The caller's organization's employees among the ids, by id."""
    async with ctx.uow() as uow:
        found = await uow.employees.get_many(caller.organization_id, employee_ids)
    return {employee.id: employee for employee in found}


async def tasks_by_ids(
    ctx: ServiceContext, caller: Caller, task_ids: Sequence[UUID]
) -> dict[UUID, Task]:
    """The caller's organization's tasks among the ids, by id (a timer's task)."""
    async with ctx.uow() as uow:
        found = await uow.tasks.get_many(caller.organization_id, task_ids)
    return {task.id: task for task in found}


async def active_timers_for_tasks(
    ctx: ServiceContext, caller: Caller, task_ids: Sequence[UUID]
) -> dict[UUID, Timer]:
    """The non-stopped timer of each task that has one, by task id."""
    async with ctx.uow() as uow:
        return await uow.timers.find_active_for_tasks(caller.organization_id, task_ids)


async def histories_for_tasks(
    ctx: ServiceContext, caller: Caller, task_ids: Sequence[UUID]
) -> dict[UUID, list[StatusChange]]:
    """The status changes of each task, oldest first, by task id."""
    async with ctx.uow() as uow:
        return await uow.tasks.histories(caller.organization_id, task_ids)


async def organization_settings(ctx: ServiceContext, caller: Caller) -> OrganizationSettings:
    """The caller's organization's settings (the SLA warning window, for instance)."""
    async with ctx.uow() as uow:
        return (await uow.organizations.get(caller.organization_id)).settings
