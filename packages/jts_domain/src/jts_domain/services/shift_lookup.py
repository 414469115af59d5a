"""Finding an employee's rostered shift: for a business date, or covering an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.model import RosterEntry, ShiftTemplate
from jts_domain.ports import UnitOfWork
from jts_domain.shifts import ShiftWindow, business_date, shift_window

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RosteredShift:
    """A roster entry with its shift template and the shift's UTC window."""

    entry: RosterEntry
    template: ShiftTemplate
    window: ShiftWindow


async def rostered_shift(
    uow: UnitOfWork, organization_id: UUID, employee_id: UUID, day: date, timezone: str
) -> RosteredShift | None:
    """The employee's shift on a business date, or None when not rostered."""
    entry = await uow.roster.find(organization_id, employee_id, day)
    if entry is None:
        return None
    template = await uow.shift_templates.get(organization_id, entry.shift_template_id)
    window = shift_window(day, template.start_time, template.end_time, timezone)
    return RosteredShift(entry=entry, template=template, window=window)


async def covering_shift(
    uow: UnitOfWork,
    organization_id: UUID,
    employee_id: UUID,
    instant: datetime,
    timezone: str,
    *,
    lead: timedelta = timedelta(0),
) -> RosteredShift | None:
    """The shift whose window, widened by ``lead`` before its start, holds the instant.

    The candidates are today's shift, yesterday's (an overnight one still running) and,
    with a lead, tomorrow's (one starting just after midnight). A shift whose own window
    holds the instant wins over one reached only through its lead; the end is inclusive.
    """
    today = business_date(instant, timezone)
    days = (today, today - _DAY, today + _DAY) if lead else (today, today - _DAY)
    found = [await rostered_shift(uow, organization_id, employee_id, d, timezone) for d in days]
    rostered = [shift for shift in found if shift is not None]
    for widen in (timedelta(0), lead):
        for shift in rostered:
            if shift.window.contains(instant, lead=widen):
                return shift
    return None


async def shift_of_instant(
    uow: UnitOfWork,
    organization_id: UUID,
    employee_id: UUID,
    instant: datetime,
    timezone: str,
    *,
    lead: timedelta = timedelta(0),
) -> RosteredShift | None:
    """The shift an instant belongs to: one whose window (with ``lead``) holds it, else
    that date's shift.

    Ties a clock-in or a timer start to a shift even when it happened outside the window
    (an early or late clock-in, an overridden start).
    """
    covering = await covering_shift(uow, organization_id, employee_id, instant, timezone, lead=lead)
    if covering is not None:
        return covering
    day = business_date(instant, timezone)
    return await rostered_shift(uow, organization_id, employee_id, day, timezone)


def timer_business_date(shift: RosteredShift | None, started_at: datetime, timezone: str) -> date:
    """The business date a timer's time counts toward, decided when it starts.

    The date of the shift covering the start (found with the start lead, so a start just
    before a shift counts toward that shift), else the local date of the start (an
    overridden start outside any shift). A 22:00-06:00 shift's time all counts toward the
    date it starts on, as PRODUCT.md dates a shift that crosses midnight.
    """
    if shift is not None:
        return shift.entry.business_date
    return business_date(started_at, timezone)
