"""Timer use cases: start, pause, resume, breaks, stop, and reading timers.

A timer always belongs to a task, and the two move together
(:mod:`~jts_domain.services.work`): starting a timer starts (or resumes) its task,
pausing or resuming it pauses or resumes the task, a break leaves the task IN_PROGRESS,
and stopping it puts the task ON_HOLD. The timer use cases act on the caller's own
current timer unless a timer id is given; only a holder of ``timer.override`` reaching
the timer's employee may stop someone else's timer (reason ADMIN).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.lifecycle import timer_transition
from jts_domain.model import Permission, StopReason, TaskStatus, Timer
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.timer_steps import change_timer
from jts_domain.services.work import halt_timer, pause_work, resume_work, start_work

MAX_PAGE = 200


async def start_timer(
    ctx: ServiceContext, caller: Caller, task_id: UUID, *, override_reason: str | None = None
) -> Timer:
    """Start work on a task: ``start`` from ASSIGNED or ACCEPTED, ``resume`` from PAUSED
    or ON_HOLD, with the start checks (attendance, shift, assignee, no other timer)."""
    async with ctx.uow() as uow:
        task = await uow.tasks.get(caller.organization_id, task_id)
        settings = (await uow.organizations.get(caller.organization_id)).settings
        now = ctx.clock.now()
        if task.status in {TaskStatus.PAUSED, TaskStatus.ON_HOLD}:
            timer = await resume_work(
                uow, caller, task, settings, now, override_reason=override_reason
            )
        else:
            timer = await start_work(
                uow, caller, task, settings, now, override_reason=override_reason
            )
        await uow.commit()
    return timer


async def pause_timer(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """Pause the caller's running timer (or one on a break); its task becomes PAUSED."""
    async with ctx.uow() as uow:
        timer = await _own_timer(uow, caller, timer_id)
        timer_transition(timer.state, "pause")
        task = await uow.tasks.get(caller.organization_id, timer.task_id)
        await pause_work(uow, caller, task, ctx.clock.now())
        timer = await uow.timers.get(caller.organization_id, timer.id)
        await uow.commit()
    return timer


async def resume_timer(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """Resume the caller's paused timer; its task is IN_PROGRESS again."""
    async with ctx.uow() as uow:
        timer = await _own_timer(uow, caller, timer_id)
        timer_transition(timer.state, "resume")
        task = await uow.tasks.get(caller.organization_id, timer.task_id)
        settings = (await uow.organizations.get(caller.organization_id)).settings
        timer = await resume_work(uow, caller, task, settings, ctx.clock.now())
        await uow.commit()
    return timer


async def start_break(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """Put the caller's running timer on a break (the task stays IN_PROGRESS)."""
    return await _timer_only(ctx, caller, timer_id, "start_break")


async def end_break(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """End the break: the caller's timer runs again."""
    return await _timer_only(ctx, caller, timer_id, "end_break")


async def _timer_only(
    ctx: ServiceContext, caller: Caller, timer_id: UUID | None, trigger: str
) -> Timer:
    async with ctx.uow() as uow:
        timer = await _own_timer(uow, caller, timer_id)
        now = ctx.clock.now()
        timer = await change_timer(uow, timer, trigger, now)
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            now,
            action=f"timer.{trigger}",
            entity_type="timer",
            entity_id=timer.id,
            summary=f"timer {timer.state.value}",
        )
        await uow.commit()
    return timer


async def stop_timer(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """Stop a timer; its task goes ON_HOLD and its actual time is recomputed.

    The caller's own timer stops with reason MANUAL. Another employee's timer may be
    stopped by a holder of ``timer.override`` who reaches them: reason ADMIN, recorded
    as an automatic stop.
    """
    async with ctx.uow() as uow:
        if timer_id is None:
            timer = await _own_timer(uow, caller, None)
        else:
            timer = await uow.timers.get(caller.organization_id, timer_id)
        own = timer.employee_id == caller.employee_id
        if not own:
            await require_employee_reach(uow, caller, timer.employee_id, Permission.TIMER_OVERRIDE)
        timer_transition(timer.state, "stop")
        timer = await halt_timer(
            uow,
            timer,
            actor=caller.actor,
            at=ctx.clock.now(),
            reason=StopReason.MANUAL if own else StopReason.ADMIN,
            auto=not own,
        )
        await uow.commit()
    return timer


async def current_timer(
    ctx: ServiceContext, caller: Caller, employee_id: UUID | None = None
) -> Timer | None:
    """The employee's non-stopped timer (the caller's own by default), or None."""
    async with ctx.uow() as uow:
        employee = await _readable_employee(uow, caller, employee_id)
        return await uow.timers.find_active(caller.organization_id, employee)


async def watched_employee(
    ctx: ServiceContext, caller: Caller, employee_id: UUID | None = None
) -> UUID:
    """The employee whose timer changes the caller may follow live: themselves by
    default, or one they reach (the same reach as :func:`current_timer`)."""
    async with ctx.uow() as uow:
        return await _readable_employee(uow, caller, employee_id)


async def timer_history(
    ctx: ServiceContext,
    caller: Caller,
    employee_id: UUID | None = None,
    *,
    after: tuple[datetime, UUID] | None = None,
    limit: int = 50,
) -> list[Timer]:
    """The employee's timers, newest first, a page at a time (cursor: started_at, id)."""
    if not 1 <= limit <= MAX_PAGE:
        raise invalid(f"limit must be between 1 and {MAX_PAGE}", limit=limit)
    async with ctx.uow() as uow:
        employee = await _readable_employee(uow, caller, employee_id)
        return await uow.timers.list_for_employee(
            caller.organization_id, employee, after=after, limit=limit
        )


async def _readable_employee(uow: UnitOfWork, caller: Caller, employee_id: UUID | None) -> UUID:
    """The employee whose timers the caller may read: themselves, or one they manage."""
    target = employee_id or caller.employee_id
    if target is None:
        raise invalid("employee_id is required for a caller that is not an employee")
    employee = await require_employee_reach(
        uow, caller, target, Permission.TIMER_OVERRIDE, Permission.SCORE_READ_TEAM, allow_self=True
    )
    return employee.id


async def _own_timer(uow: UnitOfWork, caller: Caller, timer_id: UUID | None) -> Timer:
    """The caller's timer: the given one, or their current one (NOT_FOUND if none)."""
    if caller.employee_id is None:
        raise invalid("only an employee has timers of their own")
    if timer_id is None:
        timer = await uow.timers.find_active(caller.organization_id, caller.employee_id)
        if timer is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no current timer", {"id": None})
        return timer
    timer = await uow.timers.get(caller.organization_id, timer_id)
    if timer.employee_id != caller.employee_id:
        raise DomainError(
            ErrorCode.NOT_ASSIGNEE, "this timer is someone else's", {"timer_id": str(timer_id)}
        )
    return timer
