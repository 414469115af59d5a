"""Timer steps inside a unit of work: the start checks, state changes, stops and events.

The use cases in :mod:`~jts_domain.services.work` combine these with task moves, so a
timer never changes without its task following (and the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.lifecycle import timer_transition
from jts_domain.model import (
    DomainEvent,
    EventName,
    OrganizationSettings,
    Permission,
    StartCheck,
    StopReason,
    Task,
    Timer,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller
from jts_domain.services.shift_lookup import covering_shift, timer_business_date
from jts_domain.services.task_moves import not_assignee, optional_text, require_assignee
from jts_domain.timeline import durations, switch_interval


@dataclass(frozen=True, slots=True)
class StartClearance:
    """What the start checks decided: the checks an override skipped, and the business
    date the new timer's time counts toward."""

    skipped: frozenset[StartCheck]
    business_date: date


async def start_checks(
    uow: UnitOfWork,
    caller: Caller,
    task: Task,
    *,
    settings: OrganizationSettings,
    now: datetime,
    override_reason: str | None,
) -> StartClearance:
    """Run the start checks in PRODUCT.md's order; return the checks an override skipped
    and the timer's business date (:func:`~jts_domain.services.shift_lookup.timer_business_date`).

    Attendance (ATTENDANCE_REQUIRED), a shift covering now from ``shift_lead_minutes``
    before its start (NO_ACTIVE_SHIFT), the assignee (NOT_ASSIGNEE), no other active
    timer (TIMER_ALREADY_RUNNING). A holder of ``timer.override`` giving a reason passes
    the first two even when they fail; only the failed ones are reported as skipped.
    """
    override = _may_override(caller, override_reason)
    employee_id = caller.employee_id
    if employee_id is None:
        raise not_assignee(task)
    org_id = caller.organization_id
    skipped: set[StartCheck] = set()
    if await uow.attendance.find_open(org_id, employee_id) is None:
        _fail_unless(override, ErrorCode.ATTENDANCE_REQUIRED, "clock in before starting work")
        skipped.add(StartCheck.ATTENDANCE)
    lead = timedelta(minutes=settings.shift_lead_minutes)
    shift = await covering_shift(uow, org_id, employee_id, now, settings.timezone, lead=lead)
    if shift is None:
        _fail_unless(override, ErrorCode.NO_ACTIVE_SHIFT, "no rostered shift covers this time")
        skipped.add(StartCheck.SHIFT)
    require_assignee(caller, task)
    if await uow.timers.find_active(org_id, employee_id) is not None:
        raise DomainError(
            ErrorCode.TIMER_ALREADY_RUNNING,
            "another timer of this employee is not stopped",
            {"employee_id": str(employee_id)},
        )
    day = timer_business_date(shift, now, settings.timezone)
    return StartClearance(skipped=frozenset(skipped), business_date=day)


def _may_override(caller: Caller, override_reason: str | None) -> bool:
    reason = optional_text(override_reason, "override_reason")
    if reason is None:
        return False
    caller.require(Permission.TIMER_OVERRIDE)
    return True


def _fail_unless(override: bool, code: ErrorCode, message: str) -> None:
    if not override:
        raise DomainError(code, message)


async def open_timer(
    uow: UnitOfWork,
    caller: Caller,
    task: Task,
    at: datetime,
    *,
    clearance: StartClearance,
    override_reason: str | None,
) -> Timer:
    """Create a RUNNING timer for the caller on the task (the store guards one per person),
    counting toward the business date the start checks decided."""
    employee_id = require_assignee(caller, task)
    state = timer_transition(None, "start")
    skipped = clearance.skipped
    timer = Timer(
        id=new_id(),
        organization_id=task.organization_id,
        employee_id=employee_id,
        task_id=task.id,
        state=state,
        started_at=at,
        business_date=clearance.business_date,
        intervals=switch_interval([], state, at),
        skipped_checks=skipped,
        override_by=employee_id if skipped else None,
        override_reason=optional_text(override_reason, "override_reason") if skipped else None,
    )
    await uow.timers.add(timer)
    uow.emit(timer_event(EventName.TIMER_STATE_CHANGED, timer, at))
    summary = f"timer on task {task.id}"
    if skipped:
        checks = ", ".join(sorted(c.value for c in skipped))
        summary += f"; override of {checks}: {timer.override_reason}"
    await record_change(
        uow,
        task.organization_id,
        caller.actor,
        at,
        action="timer.start",
        entity_type="timer",
        entity_id=timer.id,
        summary=summary,
    )
    return timer


async def change_timer(uow: UnitOfWork, timer: Timer, trigger: str, at: datetime) -> Timer:
    """Apply pause, resume, start_break or end_break (not stop) and publish the change."""
    state = timer_transition(timer.state, trigger)
    timer.intervals = switch_interval(timer.intervals, state, at)
    timer.state = state
    await uow.timers.update(timer)
    uow.emit(timer_event(EventName.TIMER_STATE_CHANGED, timer, at))
    return timer


async def stop_timer_at(
    uow: UnitOfWork, timer: Timer, at: datetime, reason: StopReason, *, auto: bool
) -> Timer:
    """Stop the timer at ``at`` (which may be in the past: a shift's end) with a reason."""
    state = timer_transition(timer.state, "stop")
    timer.intervals = switch_interval(timer.intervals, state, at)
    timer.state = state
    timer.stopped_at = at
    timer.stop_reason = reason
    timer.auto_stopped = auto
    await uow.timers.update(timer)
    uow.emit(timer_event(EventName.TIMER_STATE_CHANGED, timer, at))
    uow.emit(timer_event(EventName.TIMER_STOPPED, timer, at))
    return timer


def timer_event(name: EventName, timer: Timer, at: datetime) -> DomainEvent:
    """The event announcing a timer's state at ``at``."""
    return DomainEvent(
        name=name,
        organization_id=timer.organization_id,
        occurred_at=at,
        payload={
            "timer_id": str(timer.id),
            "employee_id": str(timer.employee_id),
            "task_id": str(timer.task_id),
            "state": timer.state.value,
            "active_seconds": durations(timer.intervals, at).active.total_seconds(),
            "stop_reason": None if timer.stop_reason is None else timer.stop_reason.value,
            "auto_stopped": timer.auto_stopped,
            "at": at.isoformat(),
        },
    )


async def task_timer(uow: UnitOfWork, task: Task) -> Timer | None:
    """The task's non-stopped timer, if any."""
    timers = await uow.timers.list_for_task(task.organization_id, task.id)
    return next((t for t in timers if t.is_active), None)


async def refresh_actual_seconds(uow: UnitOfWork, task: Task, changed: Timer, at: datetime) -> None:
    """Recompute the task's actual time from all its timers (``changed`` as given)."""
    timers: dict[UUID, Timer] = {
        t.id: t for t in await uow.timers.list_for_task(task.organization_id, task.id)
    }
    timers[changed.id] = changed
    task.actual_seconds = sum(
        durations(t.intervals, t.stopped_at or at).active.total_seconds() for t in timers.values()
    )
