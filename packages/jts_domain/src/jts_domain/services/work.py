"""Work on a task: the task and its timer move together, and only here.

The task use cases (start, pause, resume, hold, submit, complete, cancel) and the timer
use cases (start, pause, resume, stop, clock-out and shift-end auto-stops) all call these
functions, so both sides keep one invariant: a task is IN_PROGRESS while its timer runs
or is on a break, PAUSED while its timer is paused, and has no active timer otherwise.
A timer stopped from the timer side (by its user, at clock-out, at shift end or by an
admin) puts its task ON_HOLD, from where ``resume`` starts a new timer.
"""

from __future__ import annotations

from datetime import datetime

from jts_domain.model import Actor, OrganizationSettings, StopReason, Task, TaskStatus, Timer
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller
from jts_domain.services.task_moves import check_move, move_task, require_assignee
from jts_domain.services.timer_steps import (
    change_timer,
    open_timer,
    refresh_actual_seconds,
    start_checks,
    stop_timer_at,
    task_timer,
)

#: Statuses in which a task has (or should have) an active timer.
WORKING_STATUSES = frozenset({TaskStatus.IN_PROGRESS, TaskStatus.PAUSED})


async def start_work(
    uow: UnitOfWork,
    caller: Caller,
    task: Task,
    settings: OrganizationSettings,
    now: datetime,
    *,
    trigger: str = "start",
    override_reason: str | None = None,
) -> Timer:
    """``start`` (or ``resume`` without a timer): the start checks, a new timer, the move."""
    check_move(task, trigger)
    clearance = await start_checks(
        uow, caller, task, settings=settings, now=now, override_reason=override_reason
    )
    timer = await open_timer(
        uow, caller, task, now, clearance=clearance, override_reason=override_reason
    )
    await move_task(uow, task, trigger, actor=caller.actor, at=now)
    return timer


async def resume_work(
    uow: UnitOfWork,
    caller: Caller,
    task: Task,
    settings: OrganizationSettings,
    now: datetime,
    *,
    override_reason: str | None = None,
) -> Timer:
    """``resume``: the paused timer runs again, or a new one starts (from ON_HOLD)."""
    check_move(task, "resume")
    timer = await task_timer(uow, task)
    if timer is None:
        return await start_work(
            uow, caller, task, settings, now, trigger="resume", override_reason=override_reason
        )
    require_assignee(caller, task)
    timer = await change_timer(uow, timer, "resume", now)
    await move_task(uow, task, "resume", actor=caller.actor, at=now)
    return timer


async def pause_work(uow: UnitOfWork, caller: Caller, task: Task, now: datetime) -> Timer | None:
    """``pause``: the task's timer pauses with it."""
    check_move(task, "pause")
    require_assignee(caller, task)
    timer = await task_timer(uow, task)
    if timer is not None:
        timer = await change_timer(uow, timer, "pause", now)
    await move_task(uow, task, "pause", actor=caller.actor, at=now)
    return timer


async def stop_work(
    uow: UnitOfWork,
    task: Task,
    trigger: str,
    *,
    actor: Actor,
    at: datetime,
    note: str | None = None,
    reason: StopReason = StopReason.TASK,
    auto: bool = False,
) -> Timer | None:
    """``hold``, ``submit``, ``complete`` or ``cancel``: the timer stops, the task moves.

    The task's actual time is recomputed from all its timers before it is saved.
    """
    check_move(task, trigger)
    timer = await task_timer(uow, task)
    if timer is not None:
        timer = await _stop_and_measure(uow, task, timer, at, reason, auto=auto)
    await move_task(uow, task, trigger, actor=actor, at=at, note=note)
    return timer


async def halt_timer(
    uow: UnitOfWork,
    timer: Timer,
    *,
    actor: Actor,
    at: datetime,
    reason: StopReason,
    auto: bool,
) -> Timer:
    """Stop a timer from the timer side; a working task goes ON_HOLD with the reason."""
    task = await uow.tasks.get(timer.organization_id, timer.task_id)
    working = task.status in WORKING_STATUSES
    if working:
        check_move(task, "hold")
    stopped = await _stop_and_measure(uow, task, timer, at, reason, auto=auto)
    if working:
        note = f"timer stopped ({reason.value})"
        await move_task(uow, task, "hold", actor=actor, at=at, note=note)
    else:
        await uow.tasks.update(task)
    return stopped


async def _stop_and_measure(
    uow: UnitOfWork, task: Task, timer: Timer, at: datetime, reason: StopReason, *, auto: bool
) -> Timer:
    stopped = await stop_timer_at(uow, timer, at, reason, auto=auto)
    await refresh_actual_seconds(uow, task, stopped, at)
    return stopped
