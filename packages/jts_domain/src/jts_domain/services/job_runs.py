"""Scheduled jobs for the worker: what is due, and each run's execution row.

Decisions where PRODUCT.md is silent:

* A slot is due once its instant has passed; it runs once (one execution row per
  organization, job and slot, with an id derived from them). When several slots of a job
  are due at once — the worker was down — only the latest runs, marked CATCH_UP when it
  fell before the asking worker started, so a missed run is caught up once. The first
  slot an organization can have is the first after it was created, and after a resume
  the first after the resume.
* ``calculate_daily_scores`` runs at 23:00 for the local date, and also when a shift
  ends: the end of every shift template of the organization is a slot of its own, for
  the business date that shift belongs to (an overnight shift's date is the one it starts
  on). Templates nobody is rostered on still count (the run then has little to score).
  When its 23:00 slot and shift ends are due together (after downtime), the one run
  scores every date among them, so yesterday is not left unscored by today's shift end.
* A scheduled run of a paused job does not start; a manual one does.
* Execution rows are kept 90 days (:func:`cleanup_job_history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from jts_domain import schedule, shifts
from jts_domain.errors import invalid
from jts_domain.model import JobExecution, JobTrigger, Organization, Permission, ShiftTemplate
from jts_domain.ports import UnitOfWork
from jts_domain.schedule import JOBS, JobName
from jts_domain.services.context import Caller, ServiceContext

HISTORY_KEEP_DAYS = 90
_RUN_NAMESPACE = UUID("6a1d4f2e-3c59-4b8e-9f0a-7d2e1c4b5a60")
_SHIFT_END_LOOKBACK = timedelta(days=1)


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


def execution_id_for(organization_id: UUID, job: JobName, slot: datetime) -> UUID:
    """The id of the run of a slot: the same in every worker, so a slot is one run."""
    return uuid5(_RUN_NAMESPACE, f"{organization_id}/{job.value}/{slot.isoformat()}")


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


def next_shift_end(
    templates: list[ShiftTemplate], timezone: str, after: datetime
) -> datetime | None:
    """The first instant after ``after`` at which a shift template's shift ends."""
    ends = _shift_ends(templates, timezone, after, after + timedelta(days=2))
    return min(ends, default=None)


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
                    business_dates=tuple(sorted(set().union(*slots.values()))),
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


async def local_now(ctx: ServiceContext, caller: Caller) -> datetime:
    """The current instant in the caller's organization's timezone (to name things after
    the local date, as the nightly backup's archive)."""
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(caller.organization_id)
    return ctx.clock.now().astimezone(shifts.zone(organization.settings.timezone))


async def scheduled_organizations(ctx: ServiceContext) -> list[UUID]:
    """Every organization the scheduler plans runs for (the worker's one read across
    tenants: each organization's runs are then planned with its own system caller)."""
    async with ctx.uow() as uow:
        return [organization.id for organization in await uow.organizations.list_all()]
