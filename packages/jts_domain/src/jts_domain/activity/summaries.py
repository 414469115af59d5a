"""Daily activity summaries: stored by a job after local midnight, kept right afterwards.

Decisions where PRODUCT.md is silent:

* A summary counts the timers whose business date it is (the date of the shift they
  started in), up to the moment it is computed. One computed while such a timer still
  ran is *unsettled*: every ``summarize_activity`` run recomputes the unsettled days of
  the late-data window as well as the day before, so a night shift's summary settles
  the night after.
* Late heartbeats for a day that has a summary recompute it at once (see
  :mod:`~jts_domain.activity.ingest`). Recomputing is an upsert: the same inputs give the
  same row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.activity.rules import daily_activity
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller, ServiceContext


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryRun:
    """What one ``summarize_activity`` run stored: summaries per business date."""

    summarized: dict[date, int]


async def summarize_activity(
    ctx: ServiceContext, caller: Caller, business_date: date
) -> SummaryRun:
    """Store the summaries of a business date (and of the late window's unsettled days)."""
    now = ctx.clock.now()
    org = caller.organization_id
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(org)).settings
        since = business_date - timedelta(days=settings.activity_late_days)
        dates = {business_date, *await uow.activity.unsettled_dates(org, since)}
        dates = {d for d in dates if d <= business_date}
        figures = await uow.activity.day_figures(org, None, min(dates), max(dates), now)
        summaries = [daily_activity(org, f, now) for f in figures if f.business_date in dates]
        await uow.activity.save_summaries(summaries)
        await uow.commit()
    counts = dict.fromkeys(sorted(dates), 0)
    for summary in summaries:
        counts[summary.business_date] += 1
    return SummaryRun(summarized=counts)


async def refresh_summaries(
    uow: UnitOfWork, organization_id: UUID, days: Iterable[tuple[UUID, date]], now: datetime
) -> None:
    """Recompute the stored summaries of (employee, business date) pairs in this unit of
    work (late data landed on them)."""
    wanted = set(days)
    employees = sorted({employee for employee, _ in wanted})
    dates = [day for _, day in wanted]
    figures = await uow.activity.day_figures(
        organization_id, employees, min(dates), max(dates), now
    )
    await uow.activity.save_summaries(
        [
            daily_activity(organization_id, f, now)
            for f in figures
            if (f.employee_id, f.business_date) in wanted
        ]
    )
