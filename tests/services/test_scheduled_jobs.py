"""Scheduled jobs: what is due, the execution log, statistics, pause, resume and trigger.

The world's organization is in Asia/Kolkata and was created at 09:00 IST (03:30 UTC) on
Monday 2 March 2026; its shift runs 09:00–17:00.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.memory import RecordingJobQueue
from jts_domain.model import JobTrigger
from jts_domain.schedule import JobName
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.audit import audit_log
from jts_domain.services.job_runs import (
    cleanup_job_history,
    due_runs,
    execution_id_for,
    finish_run,
    local_now,
    record_attempt_error,
    start_run,
)
from jts_domain.services.scheduled_jobs import (
    job_executions,
    job_statistics,
    pause_job,
    resume_job,
    scheduled_jobs,
    trigger_job,
)
from tests.services.builders import World
from tests.services.conftest import START


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _run(ctx: ServiceContext, world: World, clock: ManualClock, job: JobName, **kw) -> None:
    """A manual run of ``job`` taking ``seconds``, ending with ``success``."""
    seconds, success = kw.pop("seconds", 1), kw.pop("success", True)
    started = await start_run(
        ctx,
        world.system,
        job=job,
        execution_id=execution_id_for(world.org.id, job, clock.now()),
        trigger=JobTrigger.MANUAL,
    )
    assert started is not None
    clock.advance(seconds=seconds)
    await finish_run(ctx, world.system, started, success=success, message="done")


async def test_the_list_shows_each_job_in_the_organizations_timezone(
    ctx: ServiceContext, world: World
) -> None:
    jobs = {j.name: j for j in await scheduled_jobs(ctx, world.caller(world.manager))}

    assert set(jobs) == set(JobName)
    attendance = jobs[JobName.CREATE_DAILY_ATTENDANCE]
    assert (attendance.schedule, attendance.timezone) == ("daily at 00:30", "Asia/Kolkata")
    assert attendance.next_run_at == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 00:30 IST
    assert jobs[JobName.SLA_MONITOR].next_run_at == datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
    # The scores run next when the 09:00–17:00 shift ends, before 23:00.
    assert jobs[JobName.CALCULATE_DAILY_SCORES].next_run_at == datetime(
        2026, 3, 2, 11, 30, tzinfo=UTC
    )
    assert jobs[JobName.CLEANUP_JOB_HISTORY].next_run_at == datetime(
        2026, 3, 31, 20, 30, tzinfo=UTC
    )
    assert not any(j.paused or j.last_execution for j in jobs.values())


async def test_employees_are_forbidden_and_managers_only_read(
    ctx: ServiceContext, world: World
) -> None:
    alice, manager = world.caller(world.alice), world.caller(world.manager)
    queue = RecordingJobQueue()
    assert await _code(scheduled_jobs(ctx, alice)) is ErrorCode.FORBIDDEN
    assert await _code(job_executions(ctx, alice)) is ErrorCode.FORBIDDEN
    assert await _code(job_statistics(ctx, alice)) is ErrorCode.FORBIDDEN
    assert await _code(pause_job(ctx, manager, "sla_monitor")) is ErrorCode.FORBIDDEN
    assert await _code(trigger_job(ctx, manager, "sla_monitor", queue)) is ErrorCode.FORBIDDEN
    assert queue.queued == []


async def test_a_trigger_queues_a_manual_run_even_when_paused(
    ctx: ServiceContext, world: World
) -> None:
    admin, queue = world.caller(world.admin), RecordingJobQueue()
    await pause_job(ctx, admin, JobName.SLA_MONITOR)

    triggered = await trigger_job(ctx, admin, "sla_monitor", queue)

    [queued] = queue.queued
    assert (queued.job, queued.organization_id, queued.requested_by) == (
        JobName.SLA_MONITOR,
        world.org.id,
        world.admin.id,
    )
    assert triggered.execution_id == queued.execution_id
    assert await _code(trigger_job(ctx, admin, "make_coffee", queue)) is ErrorCode.VALIDATION_ERROR


async def test_nothing_is_due_before_the_first_slot_after_creation(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    assert await due_runs(ctx, world.system, worker_started_at=clock.now()) == []
    clock.advance(minutes=5)

    runs = await due_runs(ctx, world.system, worker_started_at=world.org.created_at)

    every_five = {
        JobName.AUTO_STOP_TIMERS,
        JobName.REFRESH_PENDING_SUMMARIES,
        JobName.JTD_AGENT,
    }
    assert {r.job for r in runs} == {*every_five, JobName.DETECT_IDLE}
    assert {r.slot for r in runs if r.job in every_five} == {clock.now()}
    # every 2 minutes: the latest slot, 09:04
    idle = [r.slot for r in runs if r.job is JobName.DETECT_IDLE]
    assert idle == [clock.now() - timedelta(minutes=1)]
    assert {r.trigger for r in runs} == {JobTrigger.SCHEDULE}


async def test_after_downtime_each_job_is_caught_up_once_at_its_latest_slot(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    clock.advance(days=40, minutes=3)  # 11 April 09:03 IST: no slot is due right now
    started = clock.now()

    runs = {r.job: r for r in await due_runs(ctx, world.system, worker_started_at=started)}

    assert set(runs) == set(JobName)
    assert {r.trigger for r in runs.values()} == {JobTrigger.CATCH_UP}
    assert runs[JobName.CREATE_DAILY_ATTENDANCE].slot == datetime(2026, 4, 10, 19, 0, tzinfo=UTC)
    assert runs[JobName.CLEANUP_JOB_HISTORY].slot == datetime(2026, 3, 31, 20, 30, tzinfo=UTC)
    assert runs[JobName.AUTO_STOP_TIMERS].slot == datetime(2026, 4, 11, 3, 30, tzinfo=UTC)
    assert runs[JobName.CREATE_DAILY_ATTENDANCE].business_dates == (date(2026, 4, 11),)
    # Once recorded, a slot is not due again.
    for run in runs.values():
        await start_run(
            ctx,
            world.system,
            job=run.job,
            execution_id=run.execution_id,
            trigger=run.trigger,
            slot=run.slot,
        )
    assert await due_runs(ctx, world.system, worker_started_at=started) == []


async def test_a_slot_runs_once_and_an_unfinished_run_is_taken_up_again(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    job, slot = JobName.SLA_MONITOR, clock.now()
    run_id = execution_id_for(world.org.id, job, slot)
    kw = {"job": job, "trigger": JobTrigger.SCHEDULE, "slot": slot}

    first = await start_run(ctx, world.system, execution_id=run_id, **kw)
    again = await start_run(ctx, world.system, execution_id=run_id, **kw)
    another_id_same_slot = await start_run(ctx, world.system, execution_id=new_id(), **kw)
    assert first is not None
    assert again is not None
    assert (first.attempts, again.attempts) == (1, 2)
    assert another_id_same_slot is None
    clock.advance(seconds=3)
    await finish_run(ctx, world.system, again, success=True, message="ok", result={"n": 1})

    assert await start_run(ctx, world.system, execution_id=run_id, **kw) is None
    page = await job_executions(ctx, world.caller(world.admin), job)
    [row] = page.items
    assert (row.success, row.message, row.result, row.duration) == (
        True,
        "ok",
        {"n": 1},
        timedelta(seconds=3),
    )


async def test_history_pages_newest_first_with_a_cursor(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    admin = world.caller(world.admin)
    for job in (JobName.SLA_MONITOR, JobName.SLA_MONITOR, JobName.CLEANUP_JOB_HISTORY):
        await _run(ctx, world, clock, job)

    first = await job_executions(ctx, admin, first=2)
    last = first.items[-1]
    rest = await job_executions(ctx, admin, first=2, after=(last.started_at, last.id))
    only_sla = await job_executions(ctx, admin, "sla_monitor")

    assert [e.job for e in first.items] == [JobName.CLEANUP_JOB_HISTORY, JobName.SLA_MONITOR]
    assert first.has_next
    assert not rest.has_next
    assert [e.job for e in rest.items] == [JobName.SLA_MONITOR]
    assert len(only_sla.items) == 2
    assert await _code(job_executions(ctx, admin, first=0)) is ErrorCode.VALIDATION_ERROR
    latest = {j.name: j for j in await scheduled_jobs(ctx, admin)}
    assert latest[JobName.CLEANUP_JOB_HISTORY].last_execution == first.items[0]


async def test_statistics_give_success_rate_mean_and_p95(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    for seconds, success in ((1, True), (2, True), (10, False)):
        await _run(ctx, world, clock, JobName.SLA_MONITOR, seconds=seconds, success=success)

    stats = {s.job: s for s in await job_statistics(ctx, world.caller(world.manager))}

    sla = stats[JobName.SLA_MONITOR]
    assert (sla.runs, sla.succeeded, sla.failed) == (3, 2, 1)
    assert sla.success_rate == Decimal("66.67")
    assert sla.mean_seconds == Decimal("4.333")
    assert sla.p95_seconds == Decimal("9.200")  # 2 + 0.9 × (10 − 2)
    assert stats[JobName.CLEANUP_JOB_HISTORY].runs == 0
    assert stats[JobName.CLEANUP_JOB_HISTORY].success_rate is None
    since = START + timedelta(seconds=1)  # after the first run started
    later = {s.job: s for s in await job_statistics(ctx, world.system, since=since)}
    assert (later[JobName.SLA_MONITOR].runs, later[JobName.SLA_MONITOR].succeeded) == (2, 1)


async def test_a_failed_attempt_keeps_its_error_until_a_retry_finishes(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    slot = clock.now()
    kw = {
        "job": JobName.SLA_MONITOR,
        "execution_id": execution_id_for(world.org.id, JobName.SLA_MONITOR, slot),
        "trigger": JobTrigger.SCHEDULE,
        "slot": slot,
    }
    first = await start_run(ctx, world.system, **kw)
    assert first is not None
    await record_attempt_error(ctx, world.system, first, "Traceback: connection lost")
    clock.advance(seconds=30)

    retry = await start_run(ctx, world.system, **kw)

    assert retry is not None
    assert (retry.attempts, retry.started_at, retry.error) == (
        2,
        clock.now(),
        "Traceback: connection lost",
    )
    assert retry.finished_at is None
    done = await finish_run(ctx, world.system, retry, success=True, message="ok")
    [row] = (await job_executions(ctx, world.caller(world.admin))).items
    assert row == done
    assert (row.error, row.attempts) == (None, 2)


async def test_pause_stops_the_schedule_until_resume_without_catching_up(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    admin = world.caller(world.admin)
    paused = await pause_job(ctx, admin, "auto_stop_timers")
    assert (paused.paused, paused.paused_by, paused.next_run_at) == (True, world.admin.id, None)

    clock.advance(minutes=30)
    due = {r.job for r in await due_runs(ctx, world.system, worker_started_at=clock.now())}
    assert JobName.AUTO_STOP_TIMERS not in due
    assert JobName.REFRESH_PENDING_SUMMARIES in due

    resumed = await resume_job(ctx, admin, JobName.AUTO_STOP_TIMERS)
    assert not resumed.paused
    assert JobName.AUTO_STOP_TIMERS not in {
        r.job for r in await due_runs(ctx, world.system, worker_started_at=clock.now())
    }
    clock.advance(minutes=5)
    [run] = [
        r
        for r in await due_runs(ctx, world.system, worker_started_at=clock.now())
        if r.job is JobName.AUTO_STOP_TIMERS
    ]
    assert run.slot == clock.now()


async def test_a_scheduled_run_of_a_paused_job_does_not_start(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await pause_job(ctx, world.caller(world.admin), "sla_monitor")
    slot = clock.now()
    run_id = execution_id_for(world.org.id, JobName.SLA_MONITOR, slot)
    kw = {"job": JobName.SLA_MONITOR, "execution_id": run_id, "slot": slot}

    assert await start_run(ctx, world.system, trigger=JobTrigger.SCHEDULE, **kw) is None
    assert await start_run(ctx, world.system, trigger=JobTrigger.MANUAL, **kw) is not None


async def test_the_scores_are_due_when_a_shift_ends(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    clock.advance(hours=8, minutes=2)  # 17:02 IST; the 09:00–17:00 shift ended at 11:30 UTC

    runs = {r.job: r for r in await due_runs(ctx, world.system, worker_started_at=clock.now())}

    scores = runs[JobName.CALCULATE_DAILY_SCORES]
    assert scores.slot == datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    assert scores.business_dates == (world.today,)


async def test_a_late_start_scores_yesterday_and_today_in_one_run(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """No worker from 09:00 on 2 March to 17:02 on 3 March: the missed 23:00 run of
    2 March and the 17:00 shift end of 3 March become one run over both dates."""
    clock.advance(days=1, hours=8, minutes=2)

    runs = {r.job: r for r in await due_runs(ctx, world.system, worker_started_at=clock.now())}

    scores = runs[JobName.CALCULATE_DAILY_SCORES]
    assert scores.slot == datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
    assert scores.business_dates == (world.today, date(2026, 3, 3))
    assert scores.trigger is JobTrigger.CATCH_UP


async def test_local_now_is_in_the_organizations_timezone(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    local = await local_now(ctx, world.system)
    assert local == clock.now()
    assert (local.hour, local.minute, local.utcoffset()) == (9, 0, timedelta(hours=5, minutes=30))


async def test_cleanup_drops_runs_older_than_90_days(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _run(ctx, world, clock, JobName.SLA_MONITOR)
    clock.advance(days=85)
    await _run(ctx, world, clock, JobName.CLEANUP_JOB_HISTORY)
    clock.advance(days=10)

    deleted = await cleanup_job_history(ctx, world.system)

    page = await job_executions(ctx, world.caller(world.admin))
    assert deleted == 1
    assert [e.job for e in page.items] == [JobName.CLEANUP_JOB_HISTORY]
    assert await cleanup_job_history(ctx, Caller.system(world.org.id)) == 0
    alice = world.caller(world.alice)
    assert await _code(cleanup_job_history(ctx, alice)) is ErrorCode.FORBIDDEN


class _BrokenQueue:
    """A queue whose broker is down: every enqueue fails."""

    async def enqueue(self, job: JobName, organization_id: object, requested_by: object) -> object:
        msg = "the queue is unreachable"
        raise ConnectionError(msg)


async def test_pauses_resumes_and_triggers_are_audited_with_their_actor(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    admin, queue = world.caller(world.admin), RecordingJobQueue()
    await pause_job(ctx, admin, "sla_monitor")
    clock.advance(minutes=1)
    await resume_job(ctx, admin, "sla_monitor")
    clock.advance(minutes=1)
    triggered = await trigger_job(ctx, admin, "cleanup_job_history", queue)

    page = await audit_log(ctx, admin)

    assert [(e.action, e.entity_type, e.entity_id, e.summary) for e in page.items] == [
        (
            "scheduled_job.trigger",
            "job_execution",
            triggered.execution_id,
            "cleanup_job_history triggered manually",
        ),
        ("scheduled_job.resume", "scheduled_job", None, "sla_monitor resumed"),
        ("scheduled_job.pause", "scheduled_job", None, "sla_monitor paused"),
    ]
    assert {e.actor.id for e in page.items} == {world.admin.id}
    assert [e.at for e in page.items] == [
        START + timedelta(minutes=2),
        START + timedelta(minutes=1),
        START,
    ]


async def test_a_refused_or_failed_trigger_or_pause_leaves_no_entry(
    ctx: ServiceContext, world: World
) -> None:
    admin, manager = world.caller(world.admin), world.caller(world.manager)
    queue = RecordingJobQueue()

    assert await _code(trigger_job(ctx, manager, "sla_monitor", queue)) is ErrorCode.FORBIDDEN
    assert await _code(pause_job(ctx, manager, "sla_monitor")) is ErrorCode.FORBIDDEN
    assert await _code(trigger_job(ctx, admin, "make_coffee", queue)) is ErrorCode.VALIDATION_ERROR
    assert await _code(resume_job(ctx, admin, "make_coffee")) is ErrorCode.VALIDATION_ERROR
    with pytest.raises(ConnectionError):
        await trigger_job(ctx, admin, "sla_monitor", _BrokenQueue())  # type: ignore[arg-type]

    assert (await audit_log(ctx, admin)).items == ()
    assert queue.queued == []
