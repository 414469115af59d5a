"""Task use cases: create, read, and every trigger of the task lifecycle.

Each trigger is one unit of work over the task-and-timer aggregate
(:class:`~jts_domain.work.aggregate.TaskWork`): load it, check who may act, call one
method, save, commit. Who may do what (PRODUCT.md): ``task.assign`` assigns and cancels,
``task.review`` approves, rejects and reopens (both within the departments a manager
manages), the assignee accepts, declines, starts, pauses, resumes, submits and completes
(NOT_ASSIGNEE otherwise), and ``hold`` is open to the assignee or an assigner.

Checks come in this order: the input is valid (VALIDATION_ERROR), the task exists
(NOT_FOUND), the trigger is allowed from the task's status (INVALID_TRANSITION), the
caller may act (FORBIDDEN / NOT_ASSIGNEE; for ``start`` and ``resume`` after the
attendance and shift checks, as PRODUCT.md orders the timer start checks).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.ids import new_id
from jts_domain.model import (
    Employee,
    Environment,
    JobCategory,
    Permission,
    StatusChange,
    Task,
    TaskPriority,
    TaskStatus,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach, require_task_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.listings import task_reach
from jts_domain.services.working import working
from jts_domain.shifts import require_aware
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.recording import save_work
from jts_domain.work.start_checks import not_assignee, require_assignee
from jts_domain.work.text_input import required_text

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_ESTIMATED_MINUTES = 7 * 24 * 60


async def create_task(
    ctx: ServiceContext,
    caller: Caller,
    *,
    title: str,
    description: str = "",
    priority: TaskPriority = TaskPriority.MEDIUM,
    assignee_id: UUID | None = None,
    department_id: UUID | None = None,
    store_id: UUID | None = None,
    job_category: JobCategory | None = None,
    environment: Environment | None = None,
    planned_date: date | None = None,
    due_at: datetime | None = None,
    sla_deadline: datetime | None = None,
    estimated_minutes: int = 0,
    requires_review: bool = False,
    project_id: UUID | None = None,
) -> Task:
    """Create a task: PENDING, or ASSIGNED when created with an assignee.

    Anyone with ``task.create`` may create a task for nobody or for themselves; naming
    another assignee needs ``task.assign`` over them. The assignee must be an active
    employee of the organization. Without a department the task takes the assignee's.
    """
    caller.require(Permission.TASK_CREATE)
    title = required_text(title, "title", MAX_TITLE_LENGTH)
    check_task_fields(description, estimated_minutes, due_at, sla_deadline)
    async with ctx.uow() as uow:
        org_id = caller.organization_id
        assignee = None if assignee_id is None else await _active(uow, caller, assignee_id)
        if department_id is not None:
            await uow.departments.get(org_id, department_id)
        if store_id is not None:
            await uow.stores.get(org_id, store_id)
        if project_id is not None:
            await uow.activity.get_project(org_id, project_id)
        now = ctx.clock.now()
        task = Task(
            id=new_id(),
            organization_id=org_id,
            title=title,
            description=description,
            priority=priority,
            status=TaskStatus.PENDING if assignee is None else TaskStatus.ASSIGNED,
            assignee_id=None if assignee is None else assignee.id,
            department_id=department_id or (None if assignee is None else assignee.department_id),
            store_id=store_id,
            job_category=job_category,
            environment=environment,
            planned_date=planned_date,
            due_at=due_at,
            sla_deadline=sla_deadline,
            estimated_minutes=estimated_minutes,
            requires_review=requires_review,
            created_by=caller.employee_id,
            created_at=now,
            status_changed_at=now,
            project_id=project_id,
        )
        await save_work(uow, TaskWork.create(task, caller.actor))
        await uow.commit()
    return task


def check_task_fields(
    description: str,
    estimated_minutes: int,
    due_at: datetime | None,
    sla_deadline: datetime | None,
) -> None:
    """VALIDATION_ERROR for a description too long, an estimate out of range, or a naive
    due time or SLA deadline."""
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise invalid(
            f"description is longer than {MAX_DESCRIPTION_LENGTH} characters", field="description"
        )
    if isinstance(estimated_minutes, bool) or not isinstance(estimated_minutes, int):
        raise invalid("estimated_minutes must be a whole number", field="estimated_minutes")
    if not 0 <= estimated_minutes <= MAX_ESTIMATED_MINUTES:
        raise invalid(
            f"estimated_minutes must be between 0 and {MAX_ESTIMATED_MINUTES}",
            field="estimated_minutes",
            estimated_minutes=estimated_minutes,
        )
    if due_at is not None:
        require_aware(due_at, "due_at")
    if sla_deadline is not None:
        require_aware(sla_deadline, "sla_deadline")


async def _active(uow: UnitOfWork, caller: Caller, employee_id: UUID) -> Employee:
    """An active employee the caller may give work to (themselves, or one they reach)."""
    employee = await require_employee_reach(
        uow, caller, employee_id, Permission.TASK_ASSIGN, allow_self=True
    )
    if not employee.active:
        raise invalid("the assignee is not an active employee", assignee_id=str(employee_id))
    return employee


async def _visible_task(uow: UnitOfWork, caller: Caller, task_id: UUID) -> Task:
    """A task of the caller's organization (NOT_FOUND otherwise) within their reach
    (:func:`~jts_domain.services.listings.task_reach`; FORBIDDEN otherwise)."""
    task = await uow.tasks.get(caller.organization_id, task_id)
    reach = await task_reach(uow, caller)
    if reach is not None and not reach.covers(task):
        raise DomainError(ErrorCode.FORBIDDEN, "this task is outside the caller's reach")
    return task


async def get_task(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Task:
    """A task the caller may see: an admin any of the organization's, a manager those of
    their departments, without a department or their own, an employee their own."""
    async with ctx.uow() as uow:
        return await _visible_task(uow, caller, task_id)


async def task_history(ctx: ServiceContext, caller: Caller, task_id: UUID) -> list[StatusChange]:
    """The status changes of a task the caller may see, oldest first (creation included)."""
    async with ctx.uow() as uow:
        await _visible_task(uow, caller, task_id)
        return await uow.tasks.history(caller.organization_id, task_id)


async def assign_task(
    ctx: ServiceContext, caller: Caller, task_id: UUID, employee_id: UUID
) -> Task:
    """Give the task to an employee (``task.assign`` over both); refused while timed.

    "Not while a timer is active" is the lifecycle's: a task has an active timer only
    while IN_PROGRESS or PAUSED, and ``assign`` is INVALID_TRANSITION from both.
    """
    async with working(ctx, caller, task_id, "assign") as w:
        await require_task_reach(w.uow, caller, w.work.task, Permission.TASK_ASSIGN)
        assignee = await _active(w.uow, caller, employee_id)
        note = f"assigned to {assignee.name}"
        w.work.assign(assignee.id, assignee.department_id, actor=caller.actor, at=w.at, note=note)
    return w.work.task


async def accept_task(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Task:
    """The assignee accepts an ASSIGNED task."""
    async with working(ctx, caller, task_id, "accept") as w:
        require_assignee(caller, w.work.task)
        w.work.accept(actor=caller.actor, at=w.at)
    return w.work.task


async def decline_task(ctx: ServiceContext, caller: Caller, task_id: UUID, note: str) -> Task:
    """The assignee declines an ASSIGNED task with a note; it goes back to PENDING, unassigned."""
    text = required_text(note, "note")
    async with working(ctx, caller, task_id, "decline") as w:
        require_assignee(caller, w.work.task)
        w.work.decline(actor=caller.actor, at=w.at, note=text)
    return w.work.task


async def start_task(
    ctx: ServiceContext, caller: Caller, task_id: UUID, *, override_reason: str | None = None
) -> Task:
    """The assignee starts an ASSIGNED or ACCEPTED task: a timer starts (with its checks)."""
    async with working(ctx, caller, task_id, "start") as w:
        w.work.start(w.clear_start(override_reason), actor=caller.actor, at=w.at)
    return w.work.task


async def pause_task(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Task:
    """The assignee pauses an IN_PROGRESS task; its timer pauses."""
    async with working(ctx, caller, task_id, "pause") as w:
        require_assignee(caller, w.work.task)
        w.work.pause(actor=caller.actor, at=w.at)
    return w.work.task


async def resume_task(
    ctx: ServiceContext, caller: Caller, task_id: UUID, *, override_reason: str | None = None
) -> Task:
    """The assignee resumes a PAUSED task (its timer runs again) or an ON_HOLD one (a new
    timer starts, with the start checks)."""
    async with working(ctx, caller, task_id, "resume") as w:
        clearance = None
        if w.work.needs_new_timer:
            clearance = w.clear_start(override_reason)
        else:
            require_assignee(caller, w.work.task)
        w.work.resume(clearance, actor=caller.actor, at=w.at)
    return w.work.task


async def hold_task(ctx: ServiceContext, caller: Caller, task_id: UUID, reason: str) -> Task:
    """Put a working task ON_HOLD with a reason (the assignee or an assigner); the timer stops."""
    text = required_text(reason, "reason")
    async with working(ctx, caller, task_id, "hold") as w:
        if caller.employee_id is None or caller.employee_id != w.work.task.assignee_id:
            if not caller.can(Permission.TASK_ASSIGN):
                raise not_assignee(w.work.task)
            await require_task_reach(w.uow, caller, w.work.task, Permission.TASK_ASSIGN)
        w.work.hold(actor=caller.actor, at=w.at, note=text)
    return w.work.task


async def submit_task(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Task:
    """The assignee hands in a task that requires review; the timer stops."""
    async with working(ctx, caller, task_id, "submit") as w:
        require_assignee(caller, w.work.task)
        w.work.submit(actor=caller.actor, at=w.at)
    return w.work.task


async def complete_task(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Task:
    """The assignee completes a task that needs no review; the timer stops."""
    async with working(ctx, caller, task_id, "complete") as w:
        require_assignee(caller, w.work.task)
        w.work.complete(actor=caller.actor, at=w.at)
    return w.work.task


async def approve_task(ctx: ServiceContext, caller: Caller, task_id: UUID, quality: int) -> Task:
    """A reviewer approves a task PENDING_REVIEW with a quality rating from 1 to 5."""
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 5:
        raise invalid("quality must be a whole number from 1 to 5", quality=str(quality))
    async with working(ctx, caller, task_id, "approve") as w:
        await require_task_reach(w.uow, caller, w.work.task, Permission.TASK_REVIEW)
        w.work.approve(quality, actor=caller.actor, at=w.at)
    return w.work.task


async def reject_task(ctx: ServiceContext, caller: Caller, task_id: UUID, note: str) -> Task:
    """A reviewer rejects a task PENDING_REVIEW with a note."""
    text = required_text(note, "note")
    async with working(ctx, caller, task_id, "reject") as w:
        await require_task_reach(w.uow, caller, w.work.task, Permission.TASK_REVIEW)
        w.work.reject(actor=caller.actor, at=w.at, note=text)
    return w.work.task


async def reopen_task(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Task:
    """A reviewer reopens a REJECTED task: ASSIGNED to the same assignee again."""
    async with working(ctx, caller, task_id, "reopen") as w:
        await require_task_reach(w.uow, caller, w.work.task, Permission.TASK_REVIEW)
        w.work.reopen(actor=caller.actor, at=w.at)
    return w.work.task


async def cancel_task(ctx: ServiceContext, caller: Caller, task_id: UUID, reason: str) -> Task:
    """Cancel an open task with a reason (``task.assign``); any timer of it stops."""
    text = required_text(reason, "reason")
    async with working(ctx, caller, task_id, "cancel") as w:
        await require_task_reach(w.uow, caller, w.work.task, Permission.TASK_ASSIGN)
        w.work.cancel(actor=caller.actor, at=w.at, note=text)
    return w.work.task
