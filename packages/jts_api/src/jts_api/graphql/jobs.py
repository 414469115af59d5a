"""Scheduled jobs: ``scheduledJobs``, ``jobExecutions``, ``jobStatistics``, and
``triggerJob``, ``pauseJob``, ``resumeJob``. Jobs are named as in the worker
(``sla_monitor``, ``nightly_backup``…); an unknown name is a VALIDATION_ERROR."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.types.jobs import (
    JobExecutionConnection,
    JobStatisticsType,
    ScheduledJobType,
    TriggeredRun,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_domain.schedule import JobName
from jts_domain.services import scheduled_jobs

DEFAULT_PAGE_SIZE = 20


class JobQueueMissingError(RuntimeError):
    """This API was started without a job queue, so it cannot run jobs on request."""


class _NoJobQueue:
    """The queue of an API started without one: a permitted trigger is a server fault
    (the use case checks the caller first, so others still get FORBIDDEN)."""

    async def enqueue(self, job: JobName, organization_id: UUID, requested_by: UUID | None) -> UUID:
        msg = "this API was started without a job queue (create_app(job_queue=...))"
        raise JobQueueMissingError(msg)


@strawberry.type
class Query:
    @typed.field(description="Every job: schedule, timezone, next run, pause, last run.")
    async def scheduled_jobs(self, info: Info) -> list[ScheduledJobType]:
        ctx = info.context
        jobs = await scheduled_jobs.scheduled_jobs(ctx.services, ctx.require_caller())
        return [ScheduledJobType.of(job) for job in jobs]

    @typed.field(description="The execution log (of one job, or all), newest first.")
    async def job_executions(
        self,
        info: Info,
        job: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> JobExecutionConnection:
        ctx = info.context
        page = await scheduled_jobs.job_executions(
            ctx.services, ctx.require_caller(), job, first=first, after=decode_cursor(after)
        )
        return JobExecutionConnection.of(page)

    @typed.field(
        description="Finished runs per job (one job's when named) since an instant (all by"
        " default): success rate, mean and 95th-percentile duration."
    )
    async def job_statistics(
        self, info: Info, job: str | None = None, since: datetime | None = None
    ) -> list[JobStatisticsType]:
        ctx = info.context
        wanted = None if job is None else scheduled_jobs.job_name(job)
        stats = await scheduled_jobs.job_statistics(ctx.services, ctx.require_caller(), since=since)
        return [JobStatisticsType.of(s) for s in stats if wanted is None or s.job is wanted]


@strawberry.type
class Mutation:
    @typed.mutation(description="Queue a run of the job now (even when paused).")
    async def trigger_job(self, info: Info, job: str) -> TriggeredRun:
        ctx = info.context
        queue = ctx.runtime.job_queue or _NoJobQueue()
        run = await scheduled_jobs.trigger_job(ctx.services, ctx.require_caller(), job, queue)
        return TriggeredRun.of(run)

    @typed.mutation(description="Stop the job's schedule (manual runs still run).")
    async def pause_job(self, info: Info, job: str) -> ScheduledJobType:
        ctx = info.context
        paused = await scheduled_jobs.pause_job(ctx.services, ctx.require_caller(), job)
        return ScheduledJobType.of(paused)

    @typed.mutation(description="Start the job's schedule again from its next slot.")
    async def resume_job(self, info: Info, job: str) -> ScheduledJobType:
        ctx = info.context
        resumed = await scheduled_jobs.resume_job(ctx.services, ctx.require_caller(), job)
        return ScheduledJobType.of(resumed)
