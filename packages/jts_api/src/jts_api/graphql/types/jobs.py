"""Scheduled jobs for admins: the list, the execution log, statistics, manual runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import JobTrigger
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.paging import PageInfo, encode_cursor, page_info
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model
from jts_domain.model import JobExecution
from jts_domain.services import scheduled_jobs
from jts_domain.services.paging import Page


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)


@strawberry.type(name="JobExecution")
class JobExecutionType:
    """One run of a job: its execution log row (``finishedAt`` null while it runs)."""

    id: strawberry.ID
    job: str
    trigger: JobTrigger
    slot: datetime | None = strawberry.field(description="The scheduled instant it stands for.")
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    success: bool | None
    message: str | None
    error: str | None = strawberry.field(description="The error trace of a failed run.")
    result: JSON
    attempts: int
    requested_by_id: strawberry.ID | None
    requested_by_uuid: strawberry.Private[UUID | None]

    @typed.field(description="Who triggered a manual run.")
    async def requested_by(self, info: Info) -> EmployeeType | None:
        if self.requested_by_uuid is None:
            return None
        employee = await info.context.loaders.employees.load(self.requested_by_uuid)
        return None if employee is None else EmployeeType.of(employee)

    @classmethod
    def of(cls, run: model.JobExecution) -> JobExecutionType:
        """The GraphQL shape of an execution log row."""
        duration = run.duration
        return cls(
            id=to_id(run.id),
            job=run.job.value,
            trigger=run.trigger,
            slot=run.slot,
            started_at=run.started_at,
            finished_at=run.finished_at,
            duration_seconds=None if duration is None else duration.total_seconds(),
            success=run.success,
            message=run.message,
            error=run.error,
            result=JSON(run.result),
            attempts=run.attempts,
            requested_by_id=to_optional_id(run.requested_by),
            requested_by_uuid=run.requested_by,
        )


@strawberry.type
class JobExecutionEdge:
    node: JobExecutionType
    cursor: str


@strawberry.type
class JobExecutionConnection:
    """A page of the execution log, newest first."""

    edges: list[JobExecutionEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[JobExecution]) -> JobExecutionConnection:
        """The connection of a page of the execution log."""
        cursors = [encode_cursor(run.started_at, run.id) for run in page.items]
        return cls(
            edges=[
                JobExecutionEdge(node=JobExecutionType.of(run), cursor=cursor)
                for run, cursor in zip(page.items, cursors, strict=True)
            ],
            page_info=page_info(cursors, page.has_next),
        )


@strawberry.type(name="ScheduledJob")
class ScheduledJobType:
    """A job as the caller's organization sees it (a paused job has no next run)."""

    name: str
    schedule: str
    description: str
    timezone: str
    next_run_at: datetime | None
    paused: bool
    paused_by_id: strawberry.ID | None
    paused_at: datetime | None
    last_execution: JobExecutionType | None

    @classmethod
    def of(cls, job: scheduled_jobs.ScheduledJob) -> ScheduledJobType:
        """The GraphQL shape of a scheduled job."""
        last = job.last_execution
        return cls(
            name=job.name.value,
            schedule=job.schedule,
            description=job.description,
            timezone=job.timezone,
            next_run_at=job.next_run_at,
            paused=job.paused,
            paused_by_id=to_optional_id(job.paused_by),
            paused_at=job.paused_at,
            last_execution=None if last is None else JobExecutionType.of(last),
        )


@strawberry.type(name="JobStatistics")
class JobStatisticsType:
    """A job's finished runs: success rate in percent, durations in seconds."""

    job: str
    runs: int
    succeeded: int
    failed: int
    success_rate: float | None
    mean_seconds: float | None
    p95_seconds: float | None

    @classmethod
    def of(cls, stats: scheduled_jobs.JobStatistics) -> JobStatisticsType:
        """The GraphQL shape of a job's statistics."""
        return cls(
            job=stats.job.value,
            runs=stats.runs,
            succeeded=stats.succeeded,
            failed=stats.failed,
            success_rate=_seconds(stats.success_rate),
            mean_seconds=_seconds(stats.mean_seconds),
            p95_seconds=_seconds(stats.p95_seconds),
        )


@strawberry.type
class TriggeredRun:
    """A manual run that was queued; ``executionId`` is the id its log row will have."""

    execution_id: strawberry.ID
    job: str
    requested_at: datetime

    @classmethod
    def of(cls, run: scheduled_jobs.TriggeredRun) -> TriggeredRun:
        """The GraphQL shape of a queued manual run."""
        return cls(
            execution_id=to_id(run.execution_id), job=run.job.value, requested_at=run.requested_at
        )
