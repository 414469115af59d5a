"""Moving a task through its lifecycle inside a unit of work, and who may move it.

Shared by the task, timer and attendance use cases: every status change of a task goes
through :func:`move_task`, so the history row, the version check and the
``task.completed`` event are written the same way whoever causes the change.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.ids import new_id
from jts_domain.lifecycle import task_transition
from jts_domain.model import (
    Actor,
    DomainEvent,
    EventName,
    Permission,
    StatusChange,
    Task,
    TaskStatus,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import manages_department
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller

#: The longest free-text note (decline, hold, reject, cancel, override reasons).
MAX_NOTE_LENGTH = 2000


def check_move(task: Task, trigger: str) -> TaskStatus:
    """The status ``trigger`` would lead the task to; INVALID_TRANSITION if it may not."""
    return task_transition(task.status, trigger, requires_review=task.requires_review)


async def move_task(
    uow: UnitOfWork,
    task: Task,
    trigger: str,
    *,
    actor: Actor,
    at: datetime,
    note: str | None = None,
) -> StatusChange:
    """Apply a trigger: new status, a history row, the update, and ``task.completed``.

    ``at`` is clamped to the task's last status change, so history never runs backwards.
    The update raises CONFLICT when the task was changed concurrently.
    """
    target = check_move(task, trigger)
    at = max(at, task.status_changed_at)
    change = StatusChange(
        id=new_id(),
        organization_id=task.organization_id,
        task_id=task.id,
        from_status=task.status,
        to_status=target,
        at=at,
        actor=actor,
        note=note,
        seconds_in_previous=(at - task.status_changed_at).total_seconds(),
    )
    task.status = target
    task.status_changed_at = at
    if target is TaskStatus.COMPLETED:
        task.completed_at = at
    await uow.tasks.update(task)
    await uow.tasks.add_history(change)
    await record_change(
        uow,
        task.organization_id,
        actor,
        at,
        action=f"task.{trigger}",
        entity_type="task",
        entity_id=task.id,
        summary=_move_summary(change, task),
    )
    if target is TaskStatus.COMPLETED:
        uow.emit(_completed_event(task, at))
    return change


def _move_summary(change: StatusChange, task: Task) -> str:
    """``from → to``, then whom the task is now assigned to and the note, when any."""
    before = "none" if change.from_status is None else change.from_status.value
    parts = [f"{before} → {change.to_status.value}"]
    if change.to_status is TaskStatus.ASSIGNED and task.assignee_id is not None:
        parts.append(f"assignee {task.assignee_id}")
    if change.note:
        parts.append(change.note)
    return "; ".join(parts)


def _completed_event(task: Task, at: datetime) -> DomainEvent:
    return DomainEvent(
        name=EventName.TASK_COMPLETED,
        organization_id=task.organization_id,
        occurred_at=at,
        payload={
            "task_id": str(task.id),
            "assignee_id": None if task.assignee_id is None else str(task.assignee_id),
            "department_id": None if task.department_id is None else str(task.department_id),
            "completed_at": at.isoformat(),
            "due_at": None if task.due_at is None else task.due_at.isoformat(),
            "estimated_minutes": task.estimated_minutes,
            "actual_seconds": task.actual_seconds,
            "quality_rating": task.quality_rating,
        },
    )


def require_assignee(caller: Caller, task: Task) -> UUID:
    """The caller's employee id if they are the task's assignee; NOT_ASSIGNEE otherwise."""
    if caller.employee_id is None or caller.employee_id != task.assignee_id:
        raise not_assignee(task)
    return caller.employee_id


def not_assignee(task: Task) -> DomainError:
    """The NOT_ASSIGNEE error for a task."""
    return DomainError(
        ErrorCode.NOT_ASSIGNEE, "only the task's assignee may do this", {"task_id": str(task.id)}
    )


async def require_task_reach(
    uow: UnitOfWork, caller: Caller, task: Task, permission: Permission
) -> None:
    """FORBIDDEN unless the caller holds the permission and reaches the task's department.

    A task without a department is reached by every holder of the permission.
    """
    caller.require(permission)
    if task.department_id is not None and not await manages_department(
        uow, caller, task.department_id
    ):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "this task's department is not managed by the caller",
            {"permission": permission.value},
        )


def required_text(value: str, field: str, max_length: int = MAX_NOTE_LENGTH) -> str:
    """The stripped text; VALIDATION_ERROR when blank or too long."""
    text = value.strip()
    if not text:
        raise invalid(f"{field} must not be blank", field=field)
    if len(text) > max_length:
        raise invalid(f"{field} is longer than {max_length} characters", field=field)
    return text


def optional_text(value: str | None, field: str, max_length: int = MAX_NOTE_LENGTH) -> str | None:
    """None stays None; anything else must be non-blank text (see :func:`required_text`)."""
    return None if value is None else required_text(value, field, max_length)
