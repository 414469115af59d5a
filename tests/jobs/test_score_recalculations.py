"""Score recalculations on a real worker: a stopped timer's consumer queues a saq job per
employee and date, coalesced while one waits; a stop during a run gets a run after it."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from saq.job import Status

from jts_domain.clock import ManualClock
from jts_domain.memory import RecordingScoreRecalculations
from jts_domain.model import DailyScore
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.services.outbox_consumers import consume_all
from jts_domain.services.score_recalculation import (
    CONSUMER,
    ScoreRecalculation,
    queue_recalculations,
)
from jts_domain.services.scores import calculate_daily_scores
from jts_jobs.score_recalculations import (
    BUSY_RETRIES,
    BUSY_RETRY_MAX_DELAY_S,
    RecalculationBusyError,
    SaqScoreRecalculations,
    job_key,
)
from jts_jobs.worker import JobsRuntime
from jts_store.advisory_locks import SCORE_RECALCULATION_KEYSPACE, lock_key, try_advisory_lock
from tests.services.builders import World
from tests.services.steps import clock_in

ROUNDS = 6


def _alices(world: World, day: date | None = None) -> ScoreRecalculation:
    return ScoreRecalculation(
        organization_id=world.org.id, employee_id=world.alice.id, business_date=day or world.today
    )


async def _stored(ctx: ServiceContext, world: World) -> DailyScore | None:
    async with ctx.uow() as uow:
        return await uow.scores.find(world.org.id, world.alice.id, world.today)


async def _skip_history(ctx: ServiceContext) -> None:
    """The run's outbox holds other tests' stops: pass over them without queueing."""
    await consume_all(ctx, CONSUMER, queue_recalculations(RecordingScoreRecalculations()))


async def _work_and_stop(ctx: ServiceContext, world: World, clock: ManualClock, n: int) -> None:
    alice = world.caller(world.alice)
    task = await task_service.create_task(
        ctx, alice, title=f"Round {n}", assignee_id=world.alice.id, planned_date=world.today
    )
    await task_service.start_task(ctx, alice, task.id)
    clock.advance(minutes=3)
    await timer_service.stop_timer(ctx, alice)


async def test_a_stopped_timer_gets_its_employees_score_recalculated(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _skip_history(ctx)
    await clock_in(ctx, world, world.alice)
    await _work_and_stop(ctx, world, clock, 1)
    await _work_and_stop(ctx, world, clock, 2)

    done = await runtime.consumers.run_once()
    await runtime.drain()

    assert done[CONSUMER].counts == {"timer_stops": 2, "recalculations": 1, "queued": 1}
    stored = await _stored(ctx, world)
    assert stored is not None
    utilization = next(m for m in stored.metrics if m.name.value == "utilization")
    assert utilization.numerator == 6  # two stops of 3 minutes each, in minutes


async def test_a_request_coalesces_while_one_waits_and_follows_one_that_runs(
    runtime: JobsRuntime, ctx: ServiceContext, world: World
) -> None:
    """Requests while slot a waits coalesce; while a runs, slot b queues; while b runs, a
    queues again (a second later when a finished in the same second)."""
    queue = SaqScoreRecalculations(runtime.queue, runtime.settings)
    wanted = _alices(world)
    a, b = job_key(wanted, "a"), job_key(wanted, "b")

    assert await queue.request(wanted) is True
    assert await queue.request(wanted) is False
    running = await runtime.queue.dequeue()
    assert running is not None
    assert (running.key, running.status) == (a, Status.ACTIVE)
    assert await queue.request(wanted) is True
    assert await queue.request(wanted) is False
    assert [j.status if j else None for j in await runtime.queue.jobs([a, b])] == [
        Status.ACTIVE,
        Status.QUEUED,
    ]
    await runtime.queue.finish(running, Status.COMPLETE)
    following = await runtime.queue.dequeue()
    assert following is not None
    assert following.key == b
    assert await queue.request(wanted) is True
    again = await runtime.queue.job(a)
    assert again is not None
    assert (again.status, again.scheduled > running.scheduled) == (Status.QUEUED, True)
    await runtime.queue.finish(following, Status.COMPLETE)

    await runtime.drain()  # slot a may be due a second from now: drain waits for it

    assert await _stored(ctx, world) is not None
    assert [j.status if j else None for j in await runtime.queue.jobs([a, b])] == [
        Status.COMPLETE,
        Status.COMPLETE,
    ]


async def test_a_busy_run_is_tried_again_within_seconds_however_often_it_was_busy(
    runtime: JobsRuntime, world: World
) -> None:
    """The retries of a run that found the other slot's run in progress back off, but
    never beyond a couple of seconds (saq's own backoff has no cap: the twentieth try
    would come hours later, and a drain waiting for it would time out)."""
    queue = SaqScoreRecalculations(runtime.queue, runtime.settings)
    wanted = _alices(world)
    assert await queue.request(wanted) is True
    (job,) = await runtime.queue.jobs([job_key(wanted, "a")])
    assert job is not None
    for attempts in range(BUSY_RETRIES):
        job.attempts = attempts
        assert job.next_retry_delay() <= BUSY_RETRY_MAX_DELAY_S


async def test_a_run_waits_for_the_other_slots_run(
    runtime: JobsRuntime, ctx: ServiceContext, world: World
) -> None:
    wanted = _alices(world)
    key = lock_key(wanted.key)
    async with try_advisory_lock(runtime.engine, SCORE_RECALCULATION_KEYSPACE, key) as taken:
        assert taken
        arguments = {
            "organization_id": str(wanted.organization_id),
            "employee_id": str(wanted.employee_id),
            "business_date": wanted.business_date.isoformat(),
        }
        with pytest.raises(RecalculationBusyError):
            await runtime.recalculator.run({}, **arguments)
    assert await _stored(ctx, world) is None


async def test_stops_racing_the_worker_never_leave_a_stale_score(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """The consumer loop (polling every 10 ms) and the worker run while Alice stops a
    timer six times, so requests meet runs waiting and in progress; once the last stops
    are consumed and their runs done, the stored score is what a fresh calculation gives,
    and no run failed."""
    await _skip_history(ctx)
    await clock_in(ctx, world, world.alice)
    runtime.consumers.poll_seconds = 0.01
    stop = asyncio.Event()
    worker = runtime.worker(poll_interval=0.01)
    working = asyncio.create_task(worker.start())
    consuming = asyncio.create_task(runtime.consumers.loop(stop))
    try:
        for n in range(ROUNDS):
            await _work_and_stop(ctx, world, clock, n)
            await asyncio.sleep(0)  # let the loops interleave with the stops
    finally:
        stop.set()
        await consuming
        await worker.stop()
        working.cancel()
    await runtime.consumers.run_once()  # stops committed after the loop's last read
    await runtime.drain()

    keys = [job_key(_alices(world), slot) for slot in ("a", "b")]
    finished = [j for j in await runtime.queue.jobs(keys) if j is not None]
    assert finished
    assert {j.status for j in finished} == {Status.COMPLETE}
    stored = await _stored(ctx, world)
    fresh = await calculate_daily_scores(
        ctx, world.system, business_date=world.today, employee_id=world.alice.id
    )
    assert stored is not None
    assert fresh.scores == (stored,)
    utilization = next(m for m in stored.metrics if m.name.value == "utilization")
    assert utilization.numerator == 3 * ROUNDS
