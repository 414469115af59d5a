"""``JobsRuntime.drain`` — what every job test waits on — returns only when the queue
holds nothing unfinished: no job queued (a retry not due yet included) and none active.

A drain that stops after the queue *looks* idle for a moment (saq's burst mode: every
waiting worker task timed out once) returns early in two ways: a retry scheduled past
that moment is left behind, and jobs saq fetched for waiters that had just timed out
stay claimed in memory, never run. Tests then read an execution log without the run.
"""

from __future__ import annotations

import asyncio

from saq.job import Status

from jts_domain.clock import ManualClock
from jts_domain.schedule import JobName
from jts_domain.services.scheduled_jobs import trigger_job
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from jts_store.advisory_locks import JOB_RUN_KEYSPACE, lock_key, try_advisory_lock
from tests.jobs.conftest import executions, first_attempt_failed
from tests.services.builders import build_world


async def test_a_drain_waits_for_a_retry_that_is_not_due_yet(
    database_url: str, settings: WorkerSettings, clock: ManualClock
) -> None:
    """The first attempt meets a busy job lock and is retried 3 s later: the drain
    still returns only after the retry ran."""
    slow_retry = settings.model_copy(
        update={"job_retry_delay_s": 3.0, "job_retry_backoff_max_s": 3.0}
    )
    runtime = await JobsRuntime.open(slow_retry, clock=clock, database_url=database_url)
    try:
        world = await build_world(runtime.ctx)
        key = lock_key(f"{world.org.id}/{JobName.SLA_MONITOR.value}")
        async with try_advisory_lock(runtime.engine, JOB_RUN_KEYSPACE, key) as taken:
            assert taken
            triggered = await trigger_job(
                runtime.ctx, world.caller(world.admin), "sla_monitor", runtime.job_queue()
            )
            saq_key = f"jts:sla_monitor:{world.org.id}:manual:{triggered.execution_id}"
            draining = asyncio.create_task(runtime.drain())
            await first_attempt_failed(runtime, saq_key)
        await draining

        job = await runtime.queue.job(saq_key)
        assert job is not None
        assert (job.status, job.attempts) == (Status.COMPLETE, 2)
        [run] = await executions(runtime.ctx, world.org.id, JobName.SLA_MONITOR)
        assert (run.id, run.success) == (triggered.execution_id, True)
        assert await runtime.unfinished_jobs() == 0
    finally:
        await runtime.close()
