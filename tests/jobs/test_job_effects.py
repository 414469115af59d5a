"""Each job's effect, checked in the data after a real worker ran it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from jts_domain.clock import ManualClock
from jts_domain.model import AttendanceStatus, JobTrigger, StopReason, TimerState
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from jts_domain.services.job_runs import finish_run, start_run
from jts_domain.services.scheduled_jobs import trigger_job
from jts_jobs.worker import JobsRuntime
from tests.jobs.conftest import executions, tick_and_drain
from tests.services.builders import STORE_LATITUDE, STORE_LONGITUDE, World, rostered_employee
from tests.services.task_records import store_tasks, task_record


async def test_auto_stop_stops_a_timer_at_its_shift_end(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """A 09:00–18:00 shift; the timer is still running at 18:17: stopped at 18:00."""
    carol = await rostered_employee(ctx, world, time(9, 0), time(18, 0), world.today)
    clock.advance(minutes=5)
    await attendance_service.clock_in(
        ctx, world.caller(carol), latitude=STORE_LATITUDE, longitude=STORE_LONGITUDE
    )
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Count stock", assignee_id=carol.id
    )
    await task_service.start_task(ctx, world.caller(carol), task.id)
    clock.set(datetime(2026, 3, 2, 12, 47, tzinfo=UTC))  # 18:17 IST

    await tick_and_drain(runtime, world.org.id)

    async with ctx.uow() as uow:
        [timer] = await uow.timers.list_for_task(world.org.id, task.id)
    assert timer.state is TimerState.STOPPED
    assert timer.stopped_at == datetime(2026, 3, 2, 12, 30, tzinfo=UTC)  # 18:00 IST
    assert timer.stop_reason is StopReason.SHIFT_END
    [run] = await executions(ctx, world.org.id, JobName.AUTO_STOP_TIMERS)
    assert run.slot == datetime(2026, 3, 2, 12, 45, tzinfo=UTC)
    assert (run.success, run.result["stopped"]) == (True, [str(timer.id)])


async def test_the_sla_monitor_alerts_once_per_status(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Deadline 10:30 IST, 120 minutes left at 09:00: AT_RISK at the 10:00 run, BREACHED
    at 11:00, still BREACHED at 12:00 — two alerts in three runs."""
    now = clock.now()
    task = task_record(
        world,
        now,
        assignee=world.alice,
        estimated_minutes=120,
        sla_deadline=now + timedelta(minutes=90),
    )
    await store_tasks(ctx, task)
    for _ in range(3):
        clock.advance(hours=1)
        await tick_and_drain(runtime, world.org.id)

    async with ctx.uow() as uow:
        alerts = await uow.alerts.recent(world.org.id)
    assert sorted(a.sla_status.value for a in alerts) == ["AT_RISK", "BREACHED"]
    runs = await executions(ctx, world.org.id, JobName.SLA_MONITOR)
    assert [r.result["alerts"] for r in runs] == [1, 1, 0]
    assert all(r.success for r in runs)


async def test_daily_attendance_rows_for_the_slots_date(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 3, 2, 19, 1, tzinfo=UTC))  # 00:31 IST on 3 March

    await tick_and_drain(runtime, world.org.id)

    async with ctx.uow() as uow:
        rows = await uow.attendance.list_for_date(world.org.id, date(2026, 3, 3))
    assert len(rows) == 4
    assert {r.status for r in rows} == {AttendanceStatus.OFF}  # nobody is rostered on 3 March
    [run] = await executions(ctx, world.org.id, JobName.CREATE_DAILY_ATTENDANCE)
    assert run.result == {"created": {"2026-03-03": 4}}


async def test_scores_are_calculated_when_a_shift_ends(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 3, 2, 11, 32, tzinfo=UTC))  # 17:02 IST, the shift ended at 17:00

    await tick_and_drain(runtime, world.org.id)

    [run] = await executions(ctx, world.org.id, JobName.CALCULATE_DAILY_SCORES)
    assert run.slot == datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    assert run.success
    async with ctx.uow() as uow:
        scores = await uow.scores.list_range(
            world.org.id, [world.alice.id, world.bob.id], world.today, world.today
        )
    assert [s.employee_id for s in scores] == sorted([world.alice.id, world.bob.id])


async def test_planners_isolate_one_bad_employee(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Bob's roster entry points at a shift of another organization (bad data): his
    planner fails, Alice's is still generated, and the run records the failure."""
    from tests.services.builders import build_world

    other = await build_world(ctx)
    async with ctx.uow() as uow:
        entry = await uow.roster.find(world.org.id, world.bob.id, world.today)
        assert entry is not None
        entry.shift_template_id = other.shift.id
        await uow.roster.update(entry)
        await uow.commit()
    await trigger_job(
        ctx, world.caller(world.admin), "generate_daily_planners", runtime.job_queue()
    )

    await runtime.drain()

    [run] = await executions(ctx, world.org.id, JobName.GENERATE_DAILY_PLANNERS)
    assert run.success is False
    assert run.result["2026-03-02"]["rostered"] == 2
    assert run.result["2026-03-02"]["generated"] == 1
    assert list(run.result["failures"]) == [str(world.bob.id)]
    assert run.error is not None
    assert "NOT_FOUND" in run.error
    assert "1 items failed" in (run.message or "")


async def test_cleanup_drops_executions_older_than_90_days(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    old = await start_run(
        ctx,
        world.system,
        job=JobName.SLA_MONITOR,
        execution_id=world.org.id,
        trigger=JobTrigger.MANUAL,
    )
    assert old is not None
    await finish_run(ctx, world.system, old, success=True, message="old")
    clock.set(datetime(2026, 6, 1, 2, 0, tzinfo=UTC))  # 07:30 IST on 1 June, after 02:00

    await tick_and_drain(runtime, world.org.id)

    [cleanup] = await executions(ctx, world.org.id, JobName.CLEANUP_JOB_HISTORY)
    assert cleanup.slot == datetime(2026, 5, 31, 20, 30, tzinfo=UTC)  # 1 June 02:00 IST
    assert cleanup.result == {"deleted": 1}
    assert old.id not in {e.id for e in await executions(ctx, world.org.id)}


async def test_a_manual_trigger_runs_with_who_asked(
    runtime: JobsRuntime, ctx: ServiceContext, world: World
) -> None:
    triggered = await trigger_job(
        ctx, world.caller(world.admin), "refresh_pending_summaries", runtime.job_queue()
    )

    await runtime.drain()

    [run] = await executions(ctx, world.org.id, JobName.REFRESH_PENDING_SUMMARIES)
    assert (run.id, run.trigger, run.slot, run.requested_by) == (
        triggered.execution_id,
        JobTrigger.MANUAL,
        None,
        world.admin.id,
    )
    assert run.result == {"employees": 4, "levels": {"LOW": 4}}
