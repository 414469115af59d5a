"""The first status history row of a task made by the system (roster template tasks).

Transitions append theirs through :func:`jts_domain.services.task_moves.move_task`.
"""

from __future__ import annotations

from jts_domain.ids import new_id
from jts_domain.model import Actor, StatusChange, Task
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change


async def record_creation(uow: UnitOfWork, task: Task, actor: Actor) -> StatusChange:
    """Append the first history row of a new task (from nothing to its initial status)."""
    change = StatusChange(
        id=new_id(),
        organization_id=task.organization_id,
        task_id=task.id,
        from_status=None,
        to_status=task.status,
        at=task.created_at,
        actor=actor,
        note=None,
        seconds_in_previous=0.0,
    )
    await uow.tasks.add_history(change)
    await record_change(
        uow,
        task.organization_id,
        actor,
        task.created_at,
        action="task.create",
        entity_type="task",
        entity_id=task.id,
        summary=f"{task.title!r} created {task.status.value}"
        + (f", assignee {task.assignee_id}" if task.assignee_id is not None else ""),
    )
    return change
