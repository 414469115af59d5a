"""Task records written straight through the ports, for tests of planning, scores and SLAs.

They stand for tasks that earlier use cases left behind (created, assigned, completed),
so those tests can start from a known state without replaying every step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jts_domain.ids import new_id
from jts_domain.model import Employee, Task, TaskStatus
from jts_domain.services import ServiceContext
from tests.services.builders import World


def task_record(
    world: World, at: datetime, *, assignee: Employee | None = None, **fields: Any
) -> Task:
    """A task of the world's department and store; ASSIGNED when it has an assignee."""
    values: dict[str, Any] = {
        "title": f"Task {new_id().hex[:6]}",
        "department_id": world.department.id,
        "status": TaskStatus.ASSIGNED if assignee else TaskStatus.PENDING,
        "assignee_id": assignee.id if assignee else None,
        "created_at": at,
        "status_changed_at": at,
        **fields,
    }
    return Task(id=new_id(), organization_id=world.org.id, **values)


async def store_tasks(ctx: ServiceContext, *tasks: Task) -> None:
    """Add the tasks in one unit of work."""
    async with ctx.uow() as uow:
        for task in tasks:
            await uow.tasks.add(task)
        await uow.commit()


async def reload(ctx: ServiceContext, task: Task) -> Task:
    """The task as stored now."""
    async with ctx.uow() as uow:
        return await uow.tasks.get(task.organization_id, task.id)
