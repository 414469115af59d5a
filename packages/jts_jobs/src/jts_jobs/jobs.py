"""The organizations' jobs: each calls one domain service and says what it did.

(The operator's system-wide jobs, the nightly backup, are :mod:`jts_jobs.system_runs`.)

A job gets the service context and the run (organization, dates, clock) and returns a
:class:`JobOutcome`: a one-line message, a JSON result, and the items that failed (a
run with failed items still finishes the others; it is recorded as unsuccessful).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import structlog

from jts_domain.activity.storage import maintain_activity_partitions
from jts_domain.activity.summaries import summarize_activity
from jts_domain.activity.watch import check_overtime, detect_idle
from jts_domain.administration.pending import refresh_pending_summaries
from jts_domain.jtd.agent import run_agent
from jts_domain.retention.use_cases import apply_retention
from jts_domain.roster_sync.model import Secret
from jts_domain.roster_sync.use_cases import sync_roster
from jts_domain.schedule import JobName
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.attendance import auto_stop_timers, create_daily_attendance
from jts_domain.services.job_runs import cleanup_job_history, run_dates
from jts_domain.services.monitoring import sla_monitor
from jts_domain.services.planning import generate_daily_planners
from jts_domain.services.scores import calculate_daily_scores
from jts_jobs.roster_source import HttpRosterSource

log = structlog.get_logger("jts_jobs")


@dataclass(frozen=True, slots=True, kw_only=True)
class JobOutcome:
    """What a run did: a message, a JSON result and the failed items (id → error)."""

    message: str
    result: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRun:
    """What a job function is given."""

    ctx: ServiceContext
    organization_id: UUID
    business_dates: tuple[date, ...]
    database_url: str
    #: How long the roster source may take to answer, and the pause between batches.
    roster_timeout_s: float = 30.0
    roster_pause_s: float = 1.0

    @property
    def caller(self) -> Caller:
        """The system caller of the organization."""
        return Caller.system(self.organization_id, "scheduler")

    async def dates(self) -> tuple[date, ...]:
        """The run's business dates: its slot's, or today's for a manual run."""
        return await run_dates(self.ctx, self.caller, self.business_dates)


async def _attendance(run: JobRun) -> JobOutcome:
    created = {
        d.isoformat(): await create_daily_attendance(run.ctx, run.caller, d)
        for d in await run.dates()
    }
    return JobOutcome(
        message=f"{sum(created.values())} attendance rows created", result={"created": created}
    )


async def _planners(run: JobRun) -> JobOutcome:
    result: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for day in await run.dates():
        planned = await generate_daily_planners(run.ctx, run.organization_id, day)
        result[day.isoformat()] = {
            "rostered": planned.rostered,
            "generated": planned.generated,
            "tasks_created": planned.tasks_created,
        }
        failures.update({str(f.employee_id): f"{f.code}: {f.message}" for f in planned.failures})
    total = sum(r["generated"] for r in result.values())
    return JobOutcome(message=f"{total} planners generated", result=result, failures=failures)


async def _sla(run: JobRun) -> JobOutcome:
    seen = await sla_monitor(run.ctx, run.organization_id)
    result = {
        "checked": seen.checked,
        "changed": seen.changed,
        "statuses": {status.value: n for status, n in seen.statuses.items()},
        "alerts": len(seen.alerts),
        "notified_assignees": len(seen.notifications),
    }
    return JobOutcome(
        message=f"{seen.checked} tasks checked, {len(seen.alerts)} alerts", result=result
    )


async def _auto_stop(run: JobRun) -> JobOutcome:
    done = await auto_stop_timers(run.ctx, run.caller)
    stopped = [str(t.id) for t in done.stopped]
    failures = {str(timer_id): error for timer_id, error in done.failed.items()}
    return JobOutcome(
        message=f"{len(stopped)} timers stopped", result={"stopped": stopped}, failures=failures
    )


async def _summaries(run: JobRun) -> JobOutcome:
    refreshed = await refresh_pending_summaries(run.ctx, run.organization_id)
    levels = Counter(s.assessment.level.value for s in refreshed.summaries)
    return JobOutcome(
        message=f"{len(refreshed.summaries)} pending summaries stored",
        result={"employees": len(refreshed.summaries), "levels": dict(sorted(levels.items()))},
    )


async def _scores(run: JobRun) -> JobOutcome:
    result: dict[str, Any] = {}
    for day in await run.dates():
        scored = await calculate_daily_scores(run.ctx, run.caller, business_date=day)
        result[day.isoformat()] = {"scored": scored.scored, "unscored": scored.unscored}
    total = sum(r["scored"] for r in result.values())
    return JobOutcome(message=f"{total} daily scores calculated", result=result)


async def _cleanup(run: JobRun) -> JobOutcome:
    deleted = await cleanup_job_history(run.ctx, run.caller)
    return JobOutcome(message=f"{deleted} old executions deleted", result={"deleted": deleted})


async def _idle(run: JobRun) -> JobOutcome:
    seen = await detect_idle(run.ctx, run.organization_id)
    result = {
        "checked": seen.checked,
        "idle": seen.idle,
        "alerts": len(seen.raised),
        "paused": [str(t) for t in seen.paused],
    }
    failures = {str(timer_id): error for timer_id, error in seen.failed.items()}
    return JobOutcome(
        message=f"{seen.idle} idle timers, {len(seen.raised)} alerts, {len(seen.paused)} paused",
        result=result,
        failures=failures,
    )


async def _overtime(run: JobRun) -> JobOutcome:
    seen = await check_overtime(run.ctx, run.organization_id)
    return JobOutcome(
        message=f"{len(seen.raised)} overtime alerts",
        result={"checked": seen.checked, "alerts": len(seen.raised)},
    )


async def _activity_summaries(run: JobRun) -> JobOutcome:
    # The run at 00:10 local summarizes the day before its slot's (or today's) date.
    result: dict[str, Any] = {}
    for day in await run.dates():
        done = await summarize_activity(run.ctx, run.caller, day - timedelta(days=1))
        result.update({d.isoformat(): n for d, n in done.summarized.items()})
    return JobOutcome(message=f"{sum(result.values())} activity summaries", result=result)


async def _activity_storage(run: JobRun) -> JobOutcome:
    done = await maintain_activity_partitions(run.ctx, run.organization_id)
    result = {
        "created": [m.isoformat() for m in done.created],
        "dropped": [m.isoformat() for m in done.dropped],
        "deleted": done.deleted,
    }
    return JobOutcome(
        message=f"{len(done.created)} months made, {len(done.dropped)} dropped",
        result=result,
    )


async def _jtd_agent(run: JobRun) -> JobOutcome:
    done = await run_agent(run.ctx, run.organization_id)
    if not done.enabled:
        return JobOutcome(message="agent mode is off", result={"enabled": False})
    return JobOutcome(
        message=f"{done.jobs_moved} jobs to do moved ({done.moves} moves)",
        result={
            "enabled": True,
            "jobs_moved": done.jobs_moved,
            "moves": done.moves,
            "left_to_others": done.left_to_others,
        },
    )


async def _sync_roster(run: JobRun) -> JobOutcome:
    def client_for(url: str, token: Secret) -> HttpRosterSource:
        return HttpRosterSource(url, token, timeout_s=run.roster_timeout_s)

    report = await sync_roster(run.ctx, run.caller, client_for, pause_seconds=run.roster_pause_s)
    if not report.configured:
        return JobOutcome(message="no roster source is configured", result={"configured": False})
    failures: dict[str, str] = {}
    for row in report.failures:
        kind = row.kind.value.lower() if row.kind else "row"
        log.warning(
            "roster row skipped",
            organization_id=str(run.organization_id),
            kind=kind,
            line=row.line,
            external_id=row.external_id,
            reason=row.reason,
        )
        failures[f"{kind} {row.line} ({row.external_id})"] = row.reason or "failed"
    counts = report.counts
    return JobOutcome(message=counts.describe(), result=counts.as_dict(), failures=failures)


async def _retention(run: JobRun) -> JobOutcome:
    done = await apply_retention(run.ctx, run.caller)
    removed = done.removed
    result = {
        "task_cutoff": done.task_cutoff.isoformat(),
        "timer_cutoff": done.timer_cutoff.isoformat(),
        "tasks": removed.tasks,
        "timers": removed.timers,
        "intervals": removed.intervals,
        "history": removed.history,
        "alerts": removed.alerts,
        "batches": done.batches,
    }
    message = f"{removed.tasks} tasks and {removed.timers} timers removed"
    return JobOutcome(message=message, result=result)


JOB_FUNCTIONS: dict[JobName, Callable[[JobRun], Awaitable[JobOutcome]]] = {
    JobName.CREATE_DAILY_ATTENDANCE: _attendance,
    JobName.GENERATE_DAILY_PLANNERS: _planners,
    JobName.SLA_MONITOR: _sla,
    JobName.AUTO_STOP_TIMERS: _auto_stop,
    JobName.REFRESH_PENDING_SUMMARIES: _summaries,
    JobName.CALCULATE_DAILY_SCORES: _scores,
    JobName.CLEANUP_JOB_HISTORY: _cleanup,
    JobName.DETECT_IDLE: _idle,
    JobName.CHECK_OVERTIME: _overtime,
    JobName.SUMMARIZE_ACTIVITY: _activity_summaries,
    JobName.MAINTAIN_ACTIVITY_PARTITIONS: _activity_storage,
    JobName.JTD_AGENT: _jtd_agent,
    # operations
    JobName.SYNC_ROSTER: _sync_roster,
    JobName.APPLY_RETENTION: _retention,
}
