"""Records by id, many at once: what a list's rows refer to (for the API's DataLoaders).

A list use case decides which rows a caller may see; these look up the employees and
tasks those rows name, in one read each, within the caller's organization only. An id of
another organization (or of nothing) is simply absent from the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from jts_domain.model import Employee, Task
from jts_domain.services.context import Caller, ServiceContext


async def employees_by_id(
    ctx: ServiceContext, caller: Caller, employee_ids: Sequence[UUID]
) -> dict[UUID, Employee]:
    """The caller's organization's employees among ``employee_ids``, keyed by id."""
    async with ctx.uow() as uow:
        found = await uow.employees.get_many(caller.organization_id, employee_ids)
    return {employee.id: employee for employee in found}


async def tasks_by_id(
    ctx: ServiceContext, caller: Caller, task_ids: Sequence[UUID]
) -> dict[UUID, Task]:
    """The caller's organization's tasks among ``task_ids``, keyed by id."""
    async with ctx.uow() as uow:
        found = await uow.tasks.get_many(caller.organization_id, task_ids)
    return {task.id: task for task in found}
