"""Scheduled jobs: what is due, the execution log, statistics, pause, resume and trigger.

The worker asks :func:`due_runs` what to queue and records each run with
:func:`start_run` and :func:`finish_run`; the admin API lists, pages, pauses, resumes
and triggers. Decisions where PRODUCT.md is silent:

* Reading needs ``scheduled_job.read`` (admins, managers); pausing, resuming and
  triggering need ``scheduled_job.execute`` (admins). Employees get FORBIDDEN.
* A slot is due once its instant has passed; it runs once (one execution row per
  organization, job and slot). When several slots of a job are due at once — the worker
  was down — only the latest runs, marked CATCH_UP when it fell before the asking
  worker started, so a missed run is caught up once. The first slot an organization can
  have is the first after it was created.
* Pause stops the schedule only: a paused job queues no slot, and the slots that fell
  while it was paused are not caught up on resume. A manual trigger still runs (it is
  an explicit request of someone allowed to run jobs). A paused job has no next run.
* ``calculate_daily_scores`` runs at 23:00 for the local date, and also when a shift
  ends: the end of every shift template of the organization is a slot of its own, for
  the business date that shift belongs to (an overnight shift's date is the one it starts
  on). Templates nobody is rostered on still count (the run then has little to score).
* Statistics cover finished runs; the success rate is in percent with two decimals,
  durations in seconds with three.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID, uuid5

from jts_domain import schedule, shifts
from jts_domain.errors import invalid
from jts_domain.model import (
    JobControl,
    JobExecution,
    JobTrigger,
    Organization,
    Permission,
    ShiftTemplate,
)
from jts_domain.ports import JobQueue, UnitOfWork
from jts_domain.schedule import JOBS, JobName
from jts_domain.services.context import Caller, ServiceContext

HISTORY_KEEP_DAYS = 90
MAX_PAGE_SIZE = 100
_RUN_NAMESPACE = UUID("6a1d4f2e-3c59-4b8e-9f0a-7d2e1c4b5a60")
_SHIFT_END_LOOKBACK = timedelta(days=1)


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
class ExecutionPage:
    """A page of the execution log, newest first, with its connection cursor."""

    executions: tuple[JobExecution, ...]
    cursors: tuple[str, ...]
    has_next_page: bool
    end_cursor: str | None


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


@dataclass(frozen=True, slots=True, kw_only=True)
class DueRun:
    """A slot the worker should run now; ``business_dates`` are the dates it works on
    (the slot's local date, or the dates of the shifts that ended at it)."""

    organization_id: UUID
    job: JobName
    slot: datetime
    trigger: JobTrigger
    execution_id: UUID
    business_dates: tuple[date, ...]


def job_name(value: str | JobName) -> JobName:
    """The job called ``value``; VALIDATION_ERROR for a name that is not a job."""
    try:
        return JobName(value)
    except ValueError:
        raise invalid(f"unknown job {value!r}", job=str(value)) from None


def execution_id_for(organization_id: UUID, job: JobName, slot: datetime) -> UUID:
    """The id of the run of a slot: the same in every worker, so a slot is one run."""
    return uuid5(_RUN_NAMESPACE, f"{organization_id}/{job.value}/{slot.isoformat()}")


def _view(
    organization: Organization,
    job: JobName,
    control: JobControl | None,
    last: JobExecution | None,
    now: datetime,
) -> ScheduledJob:
    definition = JOBS[job]
    tz = organization.settings.timezone
    paused = control is not None and control.paused
    return ScheduledJob(
        name=job,
        schedule=definition.schedule.describe(),
        description=definition.description,
        timezone=tz,
        next_run_at=None if paused else schedule.next_slot(definition.schedule, tz, now),
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
    now = ctx.clock.now()
    return [_view(organization, job, controls.get(job), last.get(job), now) for job in JOBS]


def _cursor(execution: JobExecution) -> str:
    raw = f"{execution.started_at.isoformat()}|{execution.id}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def _parse_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        started, _, execution_id = base64.urlsafe_b64decode(cursor).decode().partition("|")
        return shifts.require_aware(datetime.fromisoformat(started)), UUID(execution_id)
    except (ValueError, binascii.Error):
        raise invalid("this cursor is not one this list gave", after=cursor) from None


async def job_executions(
    ctx: ServiceContext,
    caller: Caller,
    job: str | JobName | None = None,
    first: int = 20,
    after: str | None = None,
) -> ExecutionPage:
    """A page of the execution log (one job's, or every job's), newest first.

    ``first`` is 1–100; ``after`` is the ``end_cursor`` of the previous page.
    """
    caller.require(Permission.SCHEDULED_JOB_READ)
    name = None if job is None else job_name(job)
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise invalid(f"first must be between 1 and {MAX_PAGE_SIZE}", first=first)
    position = None if after is None else _parse_cursor(after)
    async with ctx.uow() as uow:
        rows = await uow.job_executions.page(
            caller.organization_id, name, after=position, limit=first + 1
        )
    page = rows[:first]
    cursors = tuple(_cursor(e) for e in page)
    return ExecutionPage(
        executions=tuple(page),
        cursors=cursors,
        has_next_page=len(rows) > first,
        end_cursor=cursors[-1] if cursors else None,
    )


def _seconds(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


async def job_statistics(
    ctx: ServiceContext, caller: Caller, *, since: datetime | None = None
) -> list[JobStatistics]:
    """Per job (all eight, in the table's order): finished runs since ``since`` (all by
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
        last = (await uow.job_executions.last_per_job(org_id)).get(name)
        await uow.commit()
    return _view(organization, name, control, last, now)


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
    async with ctx.uow() as uow:
        await uow.organizations.get(caller.organization_id)
    execution_id = await queue.enqueue(name, caller.organization_id, caller.employee_id)
    return TriggeredRun(
        execution_id=execution_id,
        job=name,
        organization_id=caller.organization_id,
        requested_by=caller.employee_id,
        requested_at=ctx.clock.now(),
    )


def _shift_ends(
    templates: list[ShiftTemplate], timezone: str, after: datetime, until: datetime
) -> dict[datetime, set[date]]:
    """The instants in ``(after, until]`` at which a shift template's shift ends, each
    with the business dates of the shifts ending then."""
    ends: dict[datetime, set[date]] = {}
    first = shifts.business_date(after, timezone) - timedelta(days=1)
    last = shifts.business_date(until, timezone)
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        for t in templates:
            end = shifts.shift_window(day, t.start_time, t.end_time, timezone).end
            if after < end <= until:
                ends.setdefault(end, set()).add(day)
    return ends


async def _slots_of(
    uow: UnitOfWork, organization: Organization, job: JobName, since: datetime, now: datetime
) -> dict[datetime, set[date]]:
    """Every due slot of the job in ``(since, now]`` that matters: the latest scheduled
    one, and for the scores also the shift ends — each with the dates it works on."""
    tz = organization.settings.timezone
    definition = JOBS[job]
    slots: dict[datetime, set[date]] = {}
    latest = schedule.latest_slot(definition.schedule, tz, since, now)
    if latest is not None:
        slots[latest] = {shifts.business_date(latest, tz)}
    if job is JobName.CALCULATE_DAILY_SCORES:
        templates = await uow.shift_templates.list_all(organization.id)
        window_start = max(since, now - _SHIFT_END_LOOKBACK)
        for end, days in _shift_ends(templates, tz, window_start, now).items():
            slots.setdefault(end, set()).update(days)
    return slots


async def due_runs(
    ctx: ServiceContext, caller: Caller, *, worker_started_at: datetime
) -> list[DueRun]:
    """The runs the caller's organization is due now: for each job that is not paused,
    its latest slot since its last recorded one (see the module docstring)."""
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    org_id, now = caller.organization_id, ctx.clock.now()
    runs: list[DueRun] = []
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(org_id)
        controls = await uow.job_controls.list_all(org_id)
        last = await uow.job_executions.last_slots(org_id)
        for job in JOBS:
            control = controls.get(job)
            if control is not None and control.paused:
                continue
            since = max(organization.created_at, last.get(job, organization.created_at))
            if control is not None:
                since = max(since, control.changed_at)
            slots = await _slots_of(uow, organization, job, since, now)
            if not slots:
                continue
            slot = max(slots)
            trigger = JobTrigger.CATCH_UP if slot < worker_started_at else JobTrigger.SCHEDULE
            runs.append(
                DueRun(
                    organization_id=org_id,
                    job=job,
                    slot=slot,
                    trigger=trigger,
                    execution_id=execution_id_for(org_id, job, slot),
                    business_dates=tuple(sorted(slots[slot])),
                )
            )
    return runs


async def start_run(
    ctx: ServiceContext,
    caller: Caller,
    *,
    job: JobName,
    execution_id: UUID,
    trigger: JobTrigger,
    slot: datetime | None = None,
    requested_by: UUID | None = None,
) -> JobExecution | None:
    """Record that a run starts; None when it must not run.

    A scheduled run (SCHEDULE or CATCH_UP) does not run while its job is paused. A run
    whose row already finished, or whose slot another run holds, does not run again; an
    unfinished one (a retry) is taken up with one more attempt.
    """
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    org_id = caller.organization_id
    async with ctx.uow() as uow:
        if trigger is not JobTrigger.MANUAL:
            control = (await uow.job_controls.list_all(org_id)).get(job)
            if control is not None and control.paused:
                return None
        execution = JobExecution(
            id=execution_id,
            organization_id=org_id,
            job=job,
            slot=slot,
            trigger=trigger,
            started_at=ctx.clock.now(),
            requested_by=requested_by,
        )
        started = await uow.job_executions.start(execution)
        await uow.commit()
    return started


async def record_attempt_error(
    ctx: ServiceContext, caller: Caller, execution: JobExecution, error: str
) -> None:
    """Keep the error of an attempt that will be retried; the run stays unfinished."""
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    async with ctx.uow() as uow:
        await uow.job_executions.record_attempt_error(caller.organization_id, execution.id, error)
        await uow.commit()
    execution.error = error


async def finish_run(
    ctx: ServiceContext,
    caller: Caller,
    execution: JobExecution,
    *,
    success: bool,
    message: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> JobExecution:
    """Record how a run ended: success, a one-line message, its result data and, on
    failure, the error trace."""
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    execution.finished_at = max(ctx.clock.now(), execution.started_at)
    execution.success = success
    execution.message = message
    execution.result = dict(result or {})
    execution.error = error
    async with ctx.uow() as uow:
        await uow.job_executions.finish(execution)
        await uow.commit()
    return execution


async def cleanup_job_history(
    ctx: ServiceContext, caller: Caller, *, keep_days: int = HISTORY_KEEP_DAYS
) -> int:
    """Delete the organization's execution rows started more than ``keep_days`` ago."""
    caller.require(Permission.SCHEDULED_JOB_EXECUTE)
    if keep_days < 1:
        raise invalid("keep at least one day of history", keep_days=keep_days)
    before = ctx.clock.now() - timedelta(days=keep_days)
    async with ctx.uow() as uow:
        deleted = await uow.job_executions.delete_started_before(caller.organization_id, before)
        await uow.commit()
    return deleted


async def run_dates(
    ctx: ServiceContext, caller: Caller, business_dates: tuple[date, ...] = ()
) -> tuple[date, ...]:
    """The business dates a run works on: those of its slot, or today's (in the
    organization's timezone) for a manual run."""
    if business_dates:
        return business_dates
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(caller.organization_id)
    return (shifts.business_date(ctx.clock.now(), organization.settings.timezone),)


async def scheduled_organizations(ctx: ServiceContext) -> list[UUID]:
    """Every organization the scheduler plans runs for (the worker's one read across
    tenants: each organization's runs are then planned with its own system caller)."""
    async with ctx.uow() as uow:
        return [organization.id for organization in await uow.organizations.list_all()]
