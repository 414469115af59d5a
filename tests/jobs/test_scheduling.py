"""The worker's guarantees: a slot runs once across workers, retries, catch-up after
downtime, pause and resume, and each organization's own local time."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from saq.job import Status

from jts_domain.clock import ManualClock
from jts_domain.model import JobTrigger, OrganizationSettings
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services.scheduled_jobs import pause_job, resume_job, trigger_job
from jts_jobs.queue import enqueue_run
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from jts_store.advisory_locks import JOB_RUN_KEYSPACE, lock_key, try_advisory_lock
from tests.jobs.conftest import executions, first_attempt_failed, tick_and_drain
from tests.services.builders import World, build_world


async def _pause_all_but(ctx: ServiceContext, world: World, keep: JobName) -> None:
    for job in JobName:
        if job is not keep:
            await pause_job(ctx, world.caller(world.admin), job)


async def test_two_workers_started_at_once_run_a_slot_exactly_once(  # noqa: PLR0917 -- fixtures
    runtime: JobsRuntime,
    ctx: ServiceContext,
    world: World,
    clock: ManualClock,
    database_url: str,
    settings: WorkerSettings,
) -> None:
    await _pause_all_but(ctx, world, JobName.CREATE_DAILY_ATTENDANCE)
    clock.set(datetime(2026, 3, 2, 19, 1, tzinfo=UTC))  # 00:31 IST on 3 March
    other = await JobsRuntime.open(settings, clock=clock, database_url=database_url)
    try:
        ticks = await asyncio.gather(
            runtime.scheduler.tick([world.org.id]), other.scheduler.tick([world.org.id])
        )
        # A duplicate queued under another saq key (as after saq forgot the first one).
        [queued] = [run for tick in ticks for run in tick]
        await enqueue_run(other.queue, settings, replace(queued, trigger=JobTrigger.CATCH_UP))
        other_key = f"jts:{queued.job.value}:{queued.organization_id}:{queued.slot}"
        assert other_key != queued.key()
        await asyncio.gather(runtime.drain(), other.drain())
    finally:
        await other.close()

    [run] = await executions(ctx, world.org.id, JobName.CREATE_DAILY_ATTENDANCE)
    assert run.slot == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    assert (run.success, run.attempts) == (True, 1)
    assert run.result == {"created": {"2026-03-03": 4}}


async def test_a_transient_failure_is_retried_then_succeeds(
    database_url: str, settings: WorkerSettings, clock: ManualClock
) -> None:
    """The job's lock is held elsewhere at the first attempt (a busy run): the attempt
    fails, saq retries after the backoff delay, the lock is free by then, the run succeeds."""
    # saq keeps whole seconds: a 2 s delay is at least 1 s, time to free the lock.
    slow_retry = settings.model_copy(
        update={"job_retry_delay_s": 2.0, "job_retry_backoff_max_s": 8.0}
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
            failed = await first_attempt_failed(runtime, saq_key)
            assert "JobBusyError" in (failed.error or "")
        await draining
        job = await runtime.queue.job(saq_key)
        assert job is not None
        assert (job.status, job.attempts) == (Status.COMPLETE, 2)
        [run] = await executions(runtime.ctx, world.org.id, JobName.SLA_MONITOR)
        assert (run.id, run.success) == (triggered.execution_id, True)
    finally:
        await runtime.close()


async def test_missed_runs_are_caught_up_once_after_downtime(  # noqa: PLR0917 -- fixtures
    runtime: JobsRuntime,
    ctx: ServiceContext,
    world: World,
    clock: ManualClock,
    database_url: str,
    settings: WorkerSettings,
) -> None:
    clock.advance(
        days=2, hours=3, minutes=3
    )  # no worker was up for two days (12:03 IST: no slot is due right now)
    restarted = await JobsRuntime.open(settings, clock=clock, database_url=database_url)
    try:
        first = await tick_and_drain(restarted, world.org.id)
        second = await tick_and_drain(restarted, world.org.id)
    finally:
        await restarted.close()

    # Every job but the monthly ones (next due on 1 April) missed a slot.
    missed = sorted(set(JobName) - {JobName.CLEANUP_JOB_HISTORY, JobName.APPLY_RETENTION})
    assert sorted(r.job for r in first) == missed
    assert {r.trigger for r in first} == {JobTrigger.CATCH_UP}
    assert second == []
    runs = await executions(ctx, world.org.id)
    assert sorted(r.job for r in runs) == missed  # each job once
    assert {r.trigger for r in runs} == {JobTrigger.CATCH_UP}
    attendance = next(r for r in runs if r.job is JobName.CREATE_DAILY_ATTENDANCE)
    assert attendance.result == {"created": {"2026-03-04": 4}}  # only the latest missed day


async def test_pause_stops_scheduled_runs_until_resume(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    admin = world.caller(world.admin)
    await pause_job(ctx, admin, JobName.SLA_MONITOR)
    clock.advance(hours=1, minutes=1)
    paused = await tick_and_drain(runtime, world.org.id)
    await resume_job(ctx, admin, JobName.SLA_MONITOR)
    clock.advance(hours=1)
    resumed = await tick_and_drain(runtime, world.org.id)

    assert JobName.SLA_MONITOR not in {r.job for r in paused}
    assert JobName.AUTO_STOP_TIMERS in {r.job for r in paused}
    [run] = await executions(ctx, world.org.id, JobName.SLA_MONITOR)
    assert run.slot == datetime(2026, 3, 2, 5, 30, tzinfo=UTC)  # 11:00 IST, after resume
    assert [r.job for r in resumed if r.job is JobName.SLA_MONITOR] == [JobName.SLA_MONITOR]


async def test_each_organization_runs_at_its_own_local_0030_across_dst(
    runtime: JobsRuntime, ctx: ServiceContext, clock: ManualClock
) -> None:
    """Kolkata (no DST) and New York (DST from 02:00 on 8 March 2026)."""
    kolkata = await build_world(ctx)
    new_york = await build_world(ctx, OrganizationSettings(timezone="America/New_York"))
    for world in (kolkata, new_york):
        await _pause_all_but(ctx, world, JobName.CREATE_DAILY_ATTENDANCE)
    for instant in (
        datetime(2026, 3, 7, 19, 1, tzinfo=UTC),  # 00:31 IST, 8 March
        datetime(2026, 3, 8, 5, 31, tzinfo=UTC),  # 00:31 EST, 8 March
        datetime(2026, 3, 8, 19, 1, tzinfo=UTC),  # 00:31 IST, 9 March
        datetime(2026, 3, 9, 4, 31, tzinfo=UTC),  # 00:31 EDT, 9 March
    ):
        clock.set(instant)
        await tick_and_drain(runtime, kolkata.org.id, new_york.org.id)

    for world, zone, utc_hours in (
        (kolkata, "Asia/Kolkata", [19, 19]),
        (new_york, "America/New_York", [5, 4]),
    ):
        runs = await executions(ctx, world.org.id, JobName.CREATE_DAILY_ATTENDANCE)
        last_two = [r.slot for r in runs][-2:]
        assert all(s is not None for s in last_two)
        local = [s.astimezone(ZoneInfo(zone)) for s in last_two if s is not None]
        assert [t.time() for t in local] == [time(0, 30), time(0, 30)]
        assert [t.day for t in local] == [8, 9]
        assert [s.hour for s in last_two if s is not None] == utc_hours
        assert all(r.success for r in runs)
