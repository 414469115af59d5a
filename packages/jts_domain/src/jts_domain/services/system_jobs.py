"""System-wide jobs — the operator's, not an organization's: what is due, and each run's
row in the operator's execution log.

Decisions where PRODUCT.md is silent:

* A system job (:data:`jts_domain.schedule.SYSTEM_JOBS`, today the nightly backup) runs
  once for the whole installation, on its schedule read in the operator's timezone (a
  worker setting), never per organization.
* Its runs are kept in an execution log of their own (``system_job_runs``), which no
  organization's query reads: no tenant lists, triggers, pauses or sees them (and so
  never sees a server path). The worker and ``jts backup`` write it; operators read it
  with :func:`system_job_history`.
* As for tenants' jobs, a slot runs once (one row per job and slot, with an id derived
  from them) and, after downtime, only the latest missed slot runs (CATCH_UP). A job
  that never ran has its first slot after the worker started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from jts_domain import schedule
from jts_domain.model import JobTrigger, SystemJobRun
from jts_domain.schedule import SYSTEM_JOBS, SystemJobName
from jts_domain.services.context import ServiceContext
from jts_domain.shifts import zone

_SYSTEM_RUN_NAMESPACE = UUID("0d3a5c1e-7b24-4f8e-a6d9-3e1f2b4c5d70")


@dataclass(frozen=True, slots=True, kw_only=True)
class DueSystemRun:
    """A slot of a system job the worker should run now."""

    job: SystemJobName
    slot: datetime
    trigger: JobTrigger
    run_id: UUID


def system_run_id(job: SystemJobName, slot: datetime) -> UUID:
    """The id of the run of a slot: the same in every worker, so a slot is one run."""
    return uuid5(_SYSTEM_RUN_NAMESPACE, f"{job.value}/{slot.isoformat()}")


async def due_system_runs(
    ctx: ServiceContext, *, timezone: str, worker_started_at: datetime
) -> list[DueSystemRun]:
    """The system runs due now: each job's latest slot since its last recorded one (or,
    for a job that never ran, since the worker started)."""
    zone(timezone)  # VALIDATION_ERROR for a zone that does not exist
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        last = await uow.system_job_runs.last_slots()
    runs = []
    for job, definition in SYSTEM_JOBS.items():
        since = last.get(job, worker_started_at)
        slot = schedule.latest_slot(definition.schedule, timezone, since, now)
        if slot is None:
            continue
        trigger = JobTrigger.CATCH_UP if slot < worker_started_at else JobTrigger.SCHEDULE
        runs.append(
            DueSystemRun(job=job, slot=slot, trigger=trigger, run_id=system_run_id(job, slot))
        )
    return runs


async def start_system_run(
    ctx: ServiceContext,
    *,
    job: SystemJobName,
    run_id: UUID,
    trigger: JobTrigger,
    slot: datetime | None = None,
) -> SystemJobRun | None:
    """Record that a run starts; None when that run finished already or another run
    holds its slot (an unfinished one, a retry, is taken up with one more attempt)."""
    run = SystemJobRun(id=run_id, job=job, slot=slot, trigger=trigger, started_at=ctx.clock.now())
    async with ctx.uow() as uow:
        started = await uow.system_job_runs.start(run)
        await uow.commit()
    return started


async def finish_system_run(
    ctx: ServiceContext,
    run: SystemJobRun,
    *,
    success: bool,
    message: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> SystemJobRun:
    """Record how a system run ended."""
    run.finished_at = max(ctx.clock.now(), run.started_at)
    run.success, run.message, run.error = success, message, error
    run.result = dict(result or {})
    async with ctx.uow() as uow:
        await uow.system_job_runs.finish(run)
        await uow.commit()
    return run


async def system_job_history(
    ctx: ServiceContext, job: SystemJobName, limit: int = 20
) -> list[SystemJobRun]:
    """The job's latest runs, newest first (for operators: not exposed to any tenant)."""
    async with ctx.uow() as uow:
        return await uow.system_job_runs.recent(job, limit)
