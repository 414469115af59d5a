"""``updateTask``: editing a task's fields, guarded by its version.

Decisions where PRODUCT.md is silent:

* Editing needs ``task.assign`` over the task (a manager: tasks of the departments they
  manage, or without one), and over the new department when the edit moves it there.
* Completed and cancelled tasks are closed: their fields are history (scores, SLAs) and
  an edit is a VALIDATION_ERROR.
* The edit names the version it was made from: a task changed since (by anyone, its
  own timer included) answers CONFLICT and nothing is written; of concurrent edits made
  from the same version exactly one wins. An edit that changes nothing writes nothing.
* A new SLA deadline is watched from the SLA monitor's next run (the stored status and
  the alerts already raised stay until then).
* Status, assignee and timers are not fields: the lifecycle's triggers change them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from uuid import UUID

from jts_domain.administration.changes import KEEP, Keep, changed_fields, describe, kept
from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.model import Environment, JobCategory, Permission, Task, TaskPriority
from jts_domain.services.access import require_department_reach, require_task_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.tasks import MAX_TITLE_LENGTH, check_task_fields
from jts_domain.work.text_input import required_text

_FIELDS = (
    "title",
    "description",
    "priority",
    "planned_date",
    "due_at",
    "sla_deadline",
    "estimated_minutes",
    "department_id",
    "store_id",
    "job_category",
    "environment",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskEdit:
    """The fields of a task an edit changes; None clears an optional one."""

    title: str | Keep = KEEP
    description: str | Keep = KEEP
    priority: TaskPriority | Keep = KEEP
    planned_date: date | Keep | None = KEEP
    due_at: datetime | Keep | None = KEEP
    sla_deadline: datetime | Keep | None = KEEP
    estimated_minutes: int | Keep = KEEP
    department_id: UUID | Keep | None = KEEP
    store_id: UUID | Keep | None = KEEP
    job_category: JobCategory | Keep | None = KEEP
    environment: Environment | Keep | None = KEEP


def _cleaned(edit: TaskEdit) -> TaskEdit:
    """The edit with its title stripped and its instants in UTC, its values checked
    (VALIDATION_ERROR)."""
    check_task_fields(
        "" if edit.description is KEEP else edit.description,
        0 if edit.estimated_minutes is KEEP else edit.estimated_minutes,
        None if edit.due_at is KEEP else edit.due_at,
        None if edit.sla_deadline is KEEP else edit.sla_deadline,
    )
    title = edit.title
    if title is not KEEP:
        title = required_text(title, "title", MAX_TITLE_LENGTH)
    return replace(
        edit, title=title, due_at=_utc(edit.due_at), sla_deadline=_utc(edit.sla_deadline)
    )


def _utc(instant: datetime | Keep | None) -> datetime | Keep | None:
    """An instant in UTC, as the store gives it back (and as the audit shows it)."""
    return instant if instant is KEEP or instant is None else instant.astimezone(UTC)


def edited_task(task: Task, edit: TaskEdit) -> Task:
    """The task with a cleaned edit applied (a copy: the task read stays as it was)."""
    return replace(
        task,
        title=kept(edit.title, task.title),
        description=kept(edit.description, task.description),
        priority=kept(edit.priority, task.priority),
        planned_date=kept(edit.planned_date, task.planned_date),
        due_at=kept(edit.due_at, task.due_at),
        sla_deadline=kept(edit.sla_deadline, task.sla_deadline),
        estimated_minutes=kept(edit.estimated_minutes, task.estimated_minutes),
        department_id=kept(edit.department_id, task.department_id),
        store_id=kept(edit.store_id, task.store_id),
        job_category=kept(edit.job_category, task.job_category),
        environment=kept(edit.environment, task.environment),
    )


def _check_version(task: Task, version: int) -> None:
    if task.version != version:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the task was changed by someone else; reload and retry",
            {"id": str(task.id), "version": version, "current_version": task.version},
        )


async def update_task(
    ctx: ServiceContext, caller: Caller, task_id: UUID, version: int, edit: TaskEdit
) -> Task:
    """Edit an open task made from ``version``; audited with each field's old and new
    value."""
    caller.require(Permission.TASK_ASSIGN)
    edit = _cleaned(edit)
    org = caller.organization_id
    async with ctx.uow() as uow:
        before = await uow.tasks.get(org, task_id)
        await require_task_reach(uow, caller, before, Permission.TASK_ASSIGN)
        if not before.is_open:
            raise invalid(f"a {before.status.value} task cannot be edited", field="id")
        _check_version(before, version)
        after = edited_task(before, edit)
        changes = changed_fields(before, after, _FIELDS)
        if not changes:
            return before
        if after.department_id is not None and after.department_id != before.department_id:
            await require_department_reach(uow, caller, after.department_id, Permission.TASK_ASSIGN)
        if after.store_id is not None and after.store_id != before.store_id:
            await uow.stores.get(org, after.store_id)
        await uow.tasks.update(after)
        await record_change(
            uow,
            org,
            caller.actor,
            ctx.clock.now(),
            action="task.update",
            entity_type="task",
            entity_id=after.id,
            summary=f"{before.title!r}: {describe(changes)}",
        )
        await uow.commit()
    return after
