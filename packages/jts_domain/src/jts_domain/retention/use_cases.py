"""``apply_retention``: remove what an organization keeps no longer, in batches.

Decisions where PRODUCT.md is silent (the day rule is in :mod:`jts_domain.retention.rules`):

* A **finished task** is COMPLETED or CANCELLED; it goes with everything it owns: its
  timers and their intervals, its status history and its alerts (SLA alerts name the task,
  IDLE alerts its timer). Daily scores, attendance, the audit log, the outbox and activity
  (heartbeats and daily activity summaries, kept by activity retention) stay.
* A **timer** goes once its business date passes the timer cutoff and its task is
  finished. A timer of a task still open is kept: the task's actual minutes are recomputed
  from all its timers on its next stop, and would otherwise shrink. A task's stored actual
  minutes are not touched when its old timers go.
* Each batch (at most ``batch_size`` tasks, then timers) is one transaction, so a long
  backlog never holds one long transaction; a run that stops half-way leaves whole batches
  done and the next run finishes the rest.
* Recalculating a daily score of a day whose timers are gone gives that day no timer
  time: scores are kept as they were calculated, not recalculated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from jts_domain import shifts
from jts_domain.errors import invalid
from jts_domain.model import Permission
from jts_domain.ports import UnitOfWork
from jts_domain.retention.rules import Removed, cutoff
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext

RETENTION_BATCH_SIZE = 1_000


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionResult:
    """What a run removed, the cutoffs it used (first dates kept) and its batches."""

    task_cutoff: date
    timer_cutoff: date
    removed: Removed
    batches: int


Find = Callable[[UnitOfWork], Awaitable[list[UUID]]]
Remove = Callable[[UnitOfWork, list[UUID]], Awaitable[Removed]]


async def _in_batches(ctx: ServiceContext, find: Find, remove: Remove) -> tuple[Removed, int]:
    """Find and remove, one transaction a batch, until nothing is found."""
    removed, batches = Removed(), 0
    while True:
        async with ctx.uow() as uow:
            ids = await find(uow)
            if not ids:
                return removed, batches
            removed += await remove(uow, ids)
            await uow.commit()
        batches += 1


async def apply_retention(
    ctx: ServiceContext, caller: Caller, *, batch_size: int = RETENTION_BATCH_SIZE
) -> RetentionResult:
    """Remove the organization's expired finished tasks, then its expired timers
    (``org.manage``; the scheduled job's system caller holds it). A run that removed
    anything leaves one audit entry with the counts."""
    caller.require(Permission.ORG_MANAGE)
    if batch_size < 1:
        raise invalid("batch_size must be at least 1", batch_size=batch_size)
    org = caller.organization_id
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(org)).settings
    tz = settings.timezone
    today = shifts.business_date(ctx.clock.now(), tz)
    task_cutoff = cutoff(today, settings.task_retention_days)
    timer_cutoff = cutoff(today, settings.timer_retention_days)
    tasks, task_batches = await _in_batches(
        ctx,
        lambda uow: uow.retention.expired_tasks(org, task_cutoff, tz, limit=batch_size),
        lambda uow, ids: uow.retention.remove_tasks(org, ids),
    )
    timers, timer_batches = await _in_batches(
        ctx,
        lambda uow: uow.retention.expired_timers(org, timer_cutoff, limit=batch_size),
        lambda uow, ids: uow.retention.remove_timers(org, ids),
    )
    result = RetentionResult(
        task_cutoff=task_cutoff,
        timer_cutoff=timer_cutoff,
        removed=tasks + timers,
        batches=task_batches + timer_batches,
    )
    if result.batches:
        await _audit(ctx, caller, result)
    return result


async def _audit(ctx: ServiceContext, caller: Caller, result: RetentionResult) -> None:
    removed = result.removed
    summary = (
        f"{removed.tasks} tasks finished before {result.task_cutoff} and "
        f"{removed.timers} timers dated before {result.timer_cutoff} removed "
        f"({removed.intervals} intervals, {removed.history} history rows, "
        f"{removed.alerts} alerts)"
    )
    async with ctx.uow() as uow:
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            ctx.clock.now(),
            action="retention.apply",
            entity_type="organization",
            entity_id=caller.organization_id,
            summary=summary,
        )
        await uow.commit()
