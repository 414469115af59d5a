"""Pending summaries: stored by the 5-minute job, read by ``workload`` and ``teamWorkload``.

A summary counts an employee's open tasks by priority, the overdue ones (due before
now), and those due today / this week (Monday to Sunday) / this month in the
organization's timezone, and levels pending, urgent and overdue against the
organization's workload thresholds (the overall level is the highest).

Decisions where PRODUCT.md is silent:

* The job computes every active employee's counts in one statement and stores them in
  one more (an upsert), so a run costs the same few statements whatever the staff.
* ``workload`` answers the stored summary; for an employee the job has not summarized
  yet (a new employee, or before the first run) it computes the summary on demand, the
  same way, without storing it. ``computedAt`` says when a summary was taken, so a
  frontend can tell its age (at most one job interval for the active staff).
* A stored summary keeps the thresholds it was levelled with until the next run.
* Reading someone else's workload needs ``score.read_team`` or ``task.assign`` within
  the caller's reach; ``teamWorkload`` needs ``score.read_team`` over the department and
  lists its active employees by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from jts_domain.model import Organization, Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach, require_employee_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.workload import PendingSummary, due_windows, summarize_pending


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingRefresh:
    """What one run of the job stored."""

    computed_at: datetime
    summaries: tuple[PendingSummary, ...]


async def _computed(
    uow: UnitOfWork,
    organization: Organization,
    now: datetime,
    employee_ids: Sequence[UUID] | None = None,
) -> list[PendingSummary]:
    windows = due_windows(now, organization.settings.timezone)
    counts = await uow.pending_summaries.count(organization.id, windows, employee_ids=employee_ids)
    thresholds = organization.settings.workload
    return [summarize_pending(organization.id, c, thresholds, now) for c in counts]


async def refresh_pending_summaries(ctx: ServiceContext, organization_id: UUID) -> PendingRefresh:
    """The 5-minute job: compute and store every active employee's pending summary."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(organization_id)
        summaries = await _computed(uow, organization, now)
        await uow.pending_summaries.upsert_many(summaries)
        await uow.commit()
    return PendingRefresh(computed_at=now, summaries=tuple(summaries))


async def _summaries_of(
    ctx: ServiceContext, uow: UnitOfWork, organization_id: UUID, employee_ids: Sequence[UUID]
) -> list[PendingSummary]:
    """The stored summaries of the employees, those missing computed now, in their order."""
    found = await uow.pending_summaries.find_many(organization_id, employee_ids)
    missing = [e for e in employee_ids if e not in found]
    if missing:
        organization = await uow.organizations.get(organization_id)
        for summary in await _computed(uow, organization, ctx.clock.now(), missing):
            found[summary.employee_id] = summary
    return [found[e] for e in employee_ids]


async def workload(ctx: ServiceContext, caller: Caller, *, employee_id: UUID) -> PendingSummary:
    """An employee's pending summary (own, or within reach): the stored one, else one
    computed now."""
    async with ctx.uow() as uow:
        await require_employee_reach(
            uow,
            caller,
            employee_id,
            Permission.SCORE_READ_TEAM,
            Permission.TASK_ASSIGN,
            allow_self=True,
        )
        [summary] = await _summaries_of(ctx, uow, caller.organization_id, [employee_id])
    return summary


async def team_workload(
    ctx: ServiceContext, caller: Caller, *, department_id: UUID
) -> list[PendingSummary]:
    """The pending summaries of a department's active employees, by employee id."""
    org = caller.organization_id
    async with ctx.uow() as uow:
        await require_department_reach(uow, caller, department_id, Permission.SCORE_READ_TEAM)
        staff = await uow.employees.list_active(org, department_id=department_id)
        return await _summaries_of(ctx, uow, org, [e.id for e in staff])
