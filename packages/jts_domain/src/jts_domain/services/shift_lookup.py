"""Finding an employee's rostered shift: for a business date, or covering an instant."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.ports import UnitOfWork
from jts_domain.shifts import business_date
from jts_domain.work.start_checks import RosteredShift, covering

__all__ = ["RosteredShift", "covering_shift", "rostered_shift", "shift_of_instant"]

_DAY = timedelta(days=1)


async def rostered_shift(
    uow: UnitOfWork, organization_id: UUID, employee_id: UUID, day: date, timezone: str
) -> RosteredShift | None:
    """The employee's shift on a business date, or None when not rostered."""
    entry = await uow.roster.find(organization_id, employee_id, day)
    if entry is None:
        return None
    template = await uow.shift_templates.get(organization_id, entry.shift_template_id)
    return RosteredShift.of(entry, template, timezone)


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
    return covering([shift for shift in found if shift is not None], instant, lead)


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
