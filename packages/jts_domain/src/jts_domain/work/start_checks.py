"""The checks a timer start makes, as a pure function of what was read for it.

PRODUCT.md orders them: an open attendance (ATTENDANCE_REQUIRED), a rostered shift covering
now from ``shift_lead_minutes`` before its start to its end (NO_ACTIVE_SHIFT), the caller is
the assignee (NOT_ASSIGNEE), no other non-stopped timer of the employee
(TIMER_ALREADY_RUNNING — the store's partial unique index guards the same against races).
A holder of ``timer.override`` giving a reason passes the first two even when they fail;
only the failed ones are reported as skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import (
    OrganizationSettings,
    Permission,
    RosterEntry,
    ShiftTemplate,
    StartCheck,
    Task,
)
from jts_domain.model.caller import Caller
from jts_domain.shifts import ShiftWindow, business_date, shift_window
from jts_domain.work.text_input import optional_text


@dataclass(frozen=True, slots=True)
class RosteredShift:
    """A roster entry with its shift template and the shift's UTC window."""

    entry: RosterEntry
    template: ShiftTemplate
    window: ShiftWindow

    @classmethod
    def of(cls, entry: RosterEntry, template: ShiftTemplate, timezone: str) -> RosteredShift:
        """The shift of a roster entry, its window read in the organization's timezone."""
        window = shift_window(entry.business_date, template.start_time, template.end_time, timezone)
        return cls(entry=entry, template=template, window=window)


def covering(
    shifts: Sequence[RosteredShift], instant: datetime, lead: timedelta = timedelta(0)
) -> RosteredShift | None:
    """The shift whose window, widened by ``lead`` before its start, holds the instant.

    A shift whose own window holds the instant wins over one reached only through its
    lead; the end is inclusive. ``shifts`` are the candidates (yesterday's, today's and
    tomorrow's), in that order of preference.
    """
    for widen in (timedelta(0), lead):
        for shift in shifts:
            if shift.window.contains(instant, lead=widen):
                return shift
    return None


@dataclass(frozen=True, slots=True)
class StartConditions:
    """What a start is checked against, read in the start's own transaction: whether the
    employee is clocked in, their candidate roster shifts around the instant, and their
    non-stopped timer on any task."""

    clocked_in: bool
    shifts: tuple[RosteredShift, ...]
    running_timer_id: UUID | None


@dataclass(frozen=True, slots=True)
class StartClearance:
    """What the start checks decided: the checks an override skipped (with who and why),
    and the business date the new timer's time counts toward."""

    employee_id: UUID
    skipped: frozenset[StartCheck]
    business_date: date
    override_reason: str | None = None


def clear_start(
    conditions: StartConditions,
    caller: Caller,
    task: Task,
    *,
    settings: OrganizationSettings,
    at: datetime,
    override_reason: str | None,
) -> StartClearance:
    """Run the start checks in PRODUCT.md's order; the clearance, or the first failure.

    The business date is the date of the shift covering the start (with the lead, so a
    start just before a shift counts toward it), else the local date of the start (an
    overridden start outside any shift): a 22:00-06:00 shift's time all counts toward the
    date it starts on.
    """
    reason = optional_text(override_reason, "override_reason")
    if reason is not None:
        caller.require(Permission.TIMER_OVERRIDE)
    employee_id = caller.employee_id
    if employee_id is None:
        raise not_assignee(task)
    skipped: set[StartCheck] = set()
    if not conditions.clocked_in:
        _fail_unless(reason, ErrorCode.ATTENDANCE_REQUIRED, "clock in before starting work")
        skipped.add(StartCheck.ATTENDANCE)
    lead = timedelta(minutes=settings.shift_lead_minutes)
    shift = covering(conditions.shifts, at, lead)
    if shift is None:
        _fail_unless(reason, ErrorCode.NO_ACTIVE_SHIFT, "no rostered shift covers this time")
        skipped.add(StartCheck.SHIFT)
    require_assignee(caller, task)
    if conditions.running_timer_id is not None:
        raise DomainError(
            ErrorCode.TIMER_ALREADY_RUNNING,
            "another timer of this employee is not stopped",
            {"employee_id": str(employee_id)},
        )
    day = shift.entry.business_date if shift is not None else business_date(at, settings.timezone)
    return StartClearance(
        employee_id=employee_id,
        skipped=frozenset(skipped),
        business_date=day,
        override_reason=reason if skipped else None,
    )


def _fail_unless(override_reason: str | None, code: ErrorCode, message: str) -> None:
    if override_reason is None:
        raise DomainError(code, message)


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
