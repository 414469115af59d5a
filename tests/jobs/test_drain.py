"""``JobsRuntime.drain`` — what every job test waits on — returns only when the queue
holds nothing unfinished: no job queued (a retry not due yet included) and none active.

A drain that stops after the queue *looks* idle for a moment (saq's burst mode: every
waiting worker task timed out once) returns early in two ways: a retry scheduled past
that moment is left behind, and jobs saq fetched for waiters that had just timed out
stay claimed in memory, never run. Tests then read an execution log without the run.
A worker stopped in the moment it starts a job must not drop it either.
"""

from __future__ import annotations

import asyncio
from typing import Any

from saq.job import Status

from jts_domain.clock import ManualClock
from jts_domain.schedule import JobName
from jts_domain.services.scheduled_jobs import trigger_job
from jts_domain.services.score_recalculation import ScoreRecalculation
from jts_jobs.saq_worker import JtsWorker
from jts_jobs.score_recalculations import RECALCULATE_FUNCTION, SaqScoreRecalculations, job_key
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from jts_store.advisory_locks import JOB_RUN_KEYSPACE, lock_key, try_advisory_lock
from tests.jobs.conftest import WAIT_SECONDS, executions, first_attempt_failed
from tests.services.builders import World, build_world


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


async def test_a_worker_stopped_while_it_starts_a_job_runs_it_instead_of_dropping_it(
    runtime: JobsRuntime, world: World
) -> None:
    """Between taking a job off the queue and running it, saq's task holds the job
    unseen (it marks it active and runs ``before_process``). A stop then waits for the
    job instead of cancelling the task as idle — which left the job active with no
    worker on it, and the next drain waiting two minutes for a sweep that never came."""
    starting, release = asyncio.Event(), asyncio.Event()

    async def before_process(saq_ctx: dict[str, Any]) -> None:
        del saq_ctx
        starting.set()
        await release.wait()

    worker = JtsWorker(
        runtime.queue,
        functions=[(RECALCULATE_FUNCTION, runtime.recalculator.run)],
        stop_grace_s=WAIT_SECONDS,
        poll_interval=0.01,
        before_process=before_process,
    )
    working = asyncio.create_task(worker.start())
    wanted = ScoreRecalculation(
        organization_id=world.org.id, employee_id=world.alice.id, business_date=world.today
    )
    assert await SaqScoreRecalculations(runtime.queue, runtime.settings).request(wanted)
    async with asyncio.timeout(WAIT_SECONDS):
        await starting.wait()
    stopping = asyncio.create_task(worker.stop())
    await asyncio.sleep(0.2)  # the stop looks at its tasks while the job is held unseen
    assert not stopping.done()
    release.set()
    await stopping
    working.cancel()

    (job,) = await runtime.queue.jobs([job_key(wanted, "a")])
    assert job is not None
    assert job.status is Status.COMPLETE
    assert await runtime.unfinished_jobs() == 0


async def test_a_score_recalculation_is_swept_when_its_worker_dies(
    runtime: JobsRuntime, world: World
) -> None:
    """Recalculations beat like runs do: a run whose worker died is stuck after the
    heartbeat, not after the half-hour timeout."""
    wanted = ScoreRecalculation(
        organization_id=world.org.id, employee_id=world.alice.id, business_date=world.today
    )
    assert await SaqScoreRecalculations(runtime.queue, runtime.settings).request(wanted)
    (job,) = await runtime.queue.jobs([job_key(wanted, "a")])
    assert job is not None
    assert job.heartbeat == runtime.settings.job_heartbeat_s
    assert job.heartbeat < job.timeout
