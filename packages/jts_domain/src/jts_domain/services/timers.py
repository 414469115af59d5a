"""Timer use cases: breaks, stop, and reading timers.

A timer always belongs to a task, and the two move together (the task-and-timer
aggregate, :class:`~jts_domain.work.aggregate.TaskWork`): starting, pausing and resuming
go through the task (:mod:`~jts_domain.services.tasks`); a break leaves the task
IN_PROGRESS, and stopping the timer puts the task ON_HOLD. The use cases here act on the
caller's own current timer unless a timer id is given; only a holder of
``timer.override`` reaching the timer's employee may stop someone else's timer (reason
ADMIN).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.lifecycle import timer_transition
from jts_domain.model import Permission, StopReason, Timer
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.working import Working, working_on_timer

MAX_PAGE = 200


async def start_break(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """Put the caller's running timer on a break (the task stays IN_PROGRESS)."""
    async with working_on_timer(ctx, caller, timer_id) as w:
        timer = _own(w, caller, "start_break")
        w.work.start_break(actor=caller.actor, at=w.at)
    return timer


async def end_break(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """End the break: the caller's timer runs again."""
    async with working_on_timer(ctx, caller, timer_id) as w:
        timer = _own(w, caller, "end_break")
        w.work.end_break(actor=caller.actor, at=w.at)
    return timer


async def stop_timer(ctx: ServiceContext, caller: Caller, timer_id: UUID | None = None) -> Timer:
    """Stop a timer; its task goes ON_HOLD and its actual time is recomputed.

    The caller's own timer stops with reason MANUAL. Another employee's timer may be
    stopped by a holder of ``timer.override`` who reaches them: reason ADMIN, recorded
    as an automatic stop.
    """
    async with working_on_timer(ctx, caller, timer_id) as w:
        timer = _asked(w)
        own = timer.employee_id == caller.employee_id
        if not own:
            await require_employee_reach(
                w.uow, caller, timer.employee_id, Permission.TIMER_OVERRIDE
            )
        timer_transition(timer.state, "stop")
        reason = StopReason.MANUAL if own else StopReason.ADMIN
        change = w.work.stop(reason, actor=caller.actor, at=w.at)
    return change.timer or timer


def _asked(w: Working) -> Timer:
    """The timer the use case is about: the one named, else the current one."""
    timer = w.loaded.asked or w.work.timer
    if timer is None:  # pragma: no cover - a loaded current timer is never None
        raise DomainError(ErrorCode.NOT_FOUND, "no current timer", {"id": None})
    return timer


def _own(w: Working, caller: Caller, trigger: str) -> Timer:
    """The caller's own timer (NOT_ASSIGNEE for someone else's), checked for the trigger."""
    if caller.employee_id is None:
        raise invalid("only an employee has timers of their own")
    timer = _asked(w)
    if timer.employee_id != caller.employee_id:
        raise DomainError(
            ErrorCode.NOT_ASSIGNEE, "this timer is someone else's", {"timer_id": str(timer.id)}
        )
    timer_transition(timer.state, trigger)
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
