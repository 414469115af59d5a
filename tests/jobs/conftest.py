"""Job tests: a real worker runtime (saq on the run's PostgreSQL) driven by a manual clock.

Each test gets a saq queue of its own name, so tests never run each other's jobs, and
ticks the scheduler for its own organizations only. Nothing depends on wall time except
saq's retry delay, which is kept short.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from saq.job import Job, Status

from jts_domain.clock import ManualClock
from jts_domain.model import JobExecution
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_jobs.queue import RunRequest
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from tests.services.builders import World, build_world
from tests.services.conftest import START

#: How long a test waits for a worker to reach a state: generous, since only a broken
#: worker (or a stalled machine) gets near it; conditions are polled, never slept on.
WAIT_SECONDS = 60.0


@pytest.fixture
def clock() -> ManualClock:
    """09:00 IST on Monday 2 March 2026, moved only by the test."""
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> WorkerSettings:
    """A queue of the test's own, short retry delays, backups in a temporary folder."""
    return WorkerSettings(
        queue_name=f"test_{uuid4().hex[:10]}",
        concurrency=4,
        pool_size=5,
        job_retries=3,
        job_retry_delay_s=0.05,
        job_retry_backoff_max_s=0.2,
        backups_dir=tmp_path / "backups",
        shutdown_grace_period_s=1,
    )


@pytest.fixture
async def runtime(
    database_url: str, settings: WorkerSettings, clock: ManualClock
) -> AsyncIterator[JobsRuntime]:
    """A worker runtime that started at the clock's start."""
    opened = await JobsRuntime.open(settings, clock=clock, database_url=database_url)
    yield opened
    await opened.close()


@pytest.fixture
def ctx(runtime: JobsRuntime) -> ServiceContext:
    """The worker's service context (PostgreSQL, the manual clock)."""
    return runtime.ctx


@pytest.fixture
async def world(ctx: ServiceContext) -> World:
    """A fresh organization in Asia/Kolkata, created at the clock's start."""
    return await build_world(ctx)


async def tick_and_drain(runtime: JobsRuntime, *organizations: UUID) -> list[RunRequest]:
    """One scheduler tick for the organizations, then run everything it queued."""
    queued = await runtime.scheduler.tick(organizations)
    await runtime.drain()
    return queued


async def first_attempt_failed(runtime: JobsRuntime, saq_key: str) -> Job:
    """Wait until the saq job's first attempt failed and a retry is queued; the job."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job = await runtime.queue.job(saq_key)
        if job is not None and job.attempts >= 1 and job.status is Status.QUEUED:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("the first attempt never failed")


async def executions(
    ctx: ServiceContext, organization_id: UUID, job: JobName | None = None
) -> list[JobExecution]:
    """The organization's execution log (of one job), oldest first."""
    async with ctx.uow() as uow:
        rows = await uow.job_executions.page(organization_id, job, limit=1000)
    return rows[::-1]
