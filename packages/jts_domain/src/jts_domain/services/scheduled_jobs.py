"""Scheduled jobs for the admin API: list, history, statistics, pause, resume, trigger.

The worker's side — what is due, recording runs — is :mod:`job_runs`. Decisions where
PRODUCT.md is silent:

* Reading needs ``scheduled_job.read`` (admins, managers); pausing, resuming and
  triggering need ``scheduled_job.execute`` (admins). Employees get FORBIDDEN.
* Pause stops the schedule only: a paused job queues no slot, and the slots that fell
  while it was paused are not caught up on resume. A manual trigger still runs (it is
  an explicit request of someone allowed to run jobs). A paused job has no next run.
* The scores' next run is the next 23:00 or the next end of a shift template's shift,
  whichever comes first.
* History is newest first (by start, then id) with opaque cursors; ``first`` is 1–100.
* Statistics cover finished runs; the success rate is in percent with two decimals,
  durations in seconds with three.
* Pauses, resumes and triggers are audited (``scheduled_job.pause``, ``.resume``,
  ``.trigger``; the entity is the job's run for a trigger, none for the switches). A
  trigger is queued inside its unit of work and its entry committed after, so a queue
  that refuses leaves no entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from jts_domain import schedule, shifts
from jts_domain.errors import invalid
from jts_domain.model import (
    JobControl,
    JobExecution,
    Organization,
    Permission,
    ShiftTemplate,
)
from jts_domain.ports import JobQueue
from jts_domain.schedule import JOBS, JobName
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.job_runs import next_shift_end
from jts_domain.services.paging import Cursor, Page, read_page


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduledJob:
    """A job as an organization sees it: schedule, timezone, next run and last run."""

    name: JobName
    schedule: str
    description: str
    timezone: str
    next_run_at: datetime | None
    paused: bool
    paused_by: UUID | None
    paused_at: datetime | None
    last_execution: JobExecution | None


@dataclass(frozen=True, slots=True, kw_only=True)
class JobStatistics:
    """A job's finished runs: how many, how many succeeded, and how long they took."""

    job: JobName
    runs: int
    succeeded: int
    failed: int
    success_rate: Decimal | None
    mean_seconds: Decimal | None
    p95_seconds: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TriggeredRun:
    """A manual run that was queued: the id its execution row will have."""

    execution_id: UUID
    job: JobName
    organization_id: UUID
    requested_by: UUID | None
    requested_at: datetime


def job_name(value: str | JobName) -> JobName:
    """The job called ``value``; VALIDATION_ERROR for a name that is not a job."""
    try:
        return JobName(value)
    except ValueError:
        raise invalid(f"unknown job {value!r}", job=str(value)) from None


def _next_run(
    job: JobName, organization: Organization, templates: list[ShiftTemplate], now: datetime
) -> datetime:
    """The job's next slot; for the scores, the next shift end when that comes first."""
    tz = organization.settings.timezone
    slot = schedule.next_slot(JOBS[job].schedule, tz, now)
    if job is JobName.CALCULATE_DAILY_SCORES:
        shift_end = next_shift_end(templates, tz, now)
        if shift_end is not None:
            slot = min(slot, shift_end)
    return slot


def _view(
    organization: Organization,
    job: JobName,
    control: JobControl | None,
    last: JobExecution | None,
    next_run: datetime,
) -> ScheduledJob:
    definition = JOBS[job]
    tz = organization.settings.timezone
    paused = control is not None and control.paused
    return ScheduledJob(
        name=job,
        schedule=definition.schedule.describe(),
        description=definition.description,
        timezone=tz,
        next_run_at=None if paused else next_run,
        paused=paused,
        paused_by=control.changed_by if control is not None and paused else None,
        paused_at=control.changed_at if control is not None and paused else None,
        last_execution=last,
    )


async def scheduled_jobs(ctx: ServiceContext, caller: Caller) -> list[ScheduledJob]:
    """Every job with its schedule, the organization's timezone, next run, pause and last run."""
    caller.require(Permission.SCHEDULED_JOB_READ)
    org_id = caller.organization_id
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(org_id)
        controls = await uow.job_controls.list_all(org_id)
        last = await uow.job_executions.last_per_job(org_id)
        templates = await uow.shift_templates.list_all(org_id)
    now = ctx.clock.now()
    return [
        _view(
            organization,
            job,
            controls.get(job),
            last.get(job),
            _next_run(job, organization, templates, now),
        )
        for job in JOBS
    ]


async def job_executions(
    ctx: ServiceContext,
    caller: Caller,
    job: str | JobName | None = None,
    first: int = 20,
    after: Cursor | None = None,
) -> Page[JobExecution]:
    """A page of the execution log (one job's, or every job's), newest first by
    ``(started_at, id)``; ``first`` is 1–100, ``after`` the last row's key."""
    caller.require(Permission.SCHEDULED_JOB_READ)
    name = None if job is None else job_name(job)
    async with ctx.uow() as uow:

        async def fetch(cursor: Cursor | None, limit: int) -> list[JobExecution]:
            return await uow.job_executions.page(
                caller.organization_id, name, after=cursor, limit=limit
            )

        return await read_page(fetch, first=first, after=after)


def _seconds(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


async def job_statistics(
    ctx: ServiceContext, caller: Caller, *, since: datetime | None = None
) -> list[JobStatistics]:
    """Per job (every job, in the table's order): finished runs since ``since`` (all by
    default), success rate in percent, mean and 95th-percentile duration in seconds."""
    caller.require(Permission.SCHEDULED_JOB_READ)
    if since is not None:
        shifts.require_aware(since, "since")
    async with ctx.uow() as uow:
        totals = {t.job: t for t in await uow.job_executions.totals(caller.organization_id, since)}
    result = []
    for job in JOBS:
        t = totals.get(job)
        runs, succeeded = (t.runs, t.succeeded) if t is not None else (0, 0)
        rate = None
        if runs:
            rate = (Decimal(100 * succeeded) / runs).quantize(Decimal("0.01"), ROUND_HALF_UP)
        result.append(
            JobStatistics(
                job=job,
                runs=runs,
                succeeded=succeeded,
                failed=runs - succeeded,
                success_rate=rate,
                mean_seconds=_seconds(t.mean_seconds if t else None),
                p95_seconds=_seconds(t.p95_seconds if t else None),
            )
        )
    return result


async def _set_paused(
    ctx: ServiceContext, caller: Caller, job: str | JobName, paused: bool
) -> ScheduledJob:
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    name = job_name(job)
    org_id, now = caller.organization_id, ctx.clock.now()
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(org_id)
        control = JobControl(
            organization_id=org_id,
            job=name,
            paused=paused,
            changed_by=caller.employee_id,
            changed_at=now,
        )
        await uow.job_controls.save(control)
        await record_change(
            uow,
            org_id,
            caller.actor,
            now,
            action=f"scheduled_job.{'pause' if paused else 'resume'}",
            entity_type="scheduled_job",
            entity_id=None,
            summary=f"{name.value} {'paused' if paused else 'resumed'}",
        )
        last = (await uow.job_executions.last_per_job(org_id)).get(name)
        templates = await uow.shift_templates.list_all(org_id)
        await uow.commit()
    return _view(organization, name, control, last, _next_run(name, organization, templates, now))


async def pause_job(ctx: ServiceContext, caller: Caller, job: str | JobName) -> ScheduledJob:
    """Stop the job's schedule for the caller's organization (manual triggers still run)."""
    return await _set_paused(ctx, caller, job, paused=True)


async def resume_job(ctx: ServiceContext, caller: Caller, job: str | JobName) -> ScheduledJob:
    """Start the job's schedule again, from the next slot (paused slots are not caught up)."""
    return await _set_paused(ctx, caller, job, paused=False)


async def trigger_job(
    ctx: ServiceContext, caller: Caller, job: str | JobName, queue: JobQueue
) -> TriggeredRun:
    """Queue a run of the job now for the caller's organization (even when paused)."""
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    name = job_name(job)
    org_id, now = caller.organization_id, ctx.clock.now()
    async with ctx.uow() as uow:
        await uow.organizations.get(org_id)
        execution_id = await queue.enqueue(name, org_id, caller.employee_id)
        await record_change(
            uow,
            org_id,
            caller.actor,
            now,
            action="scheduled_job.trigger",
            entity_type="job_execution",
            entity_id=execution_id,
            summary=f"{name.value} triggered manually",
        )
        await uow.commit()
    return TriggeredRun(
        execution_id=execution_id,
        job=name,
        organization_id=org_id,
        requested_by=caller.employee_id,
        requested_at=now,
    )
