"""The activity jobs run by a real worker: detect_idle, check_overtime, summarize_activity
(the day before, after local midnight) and maintain_activity_partitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from jts_domain.activity.ingest import upload_activity
from jts_domain.clock import ManualClock
from jts_domain.model import AlertKind
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services import timers as timer_service
from jts_jobs.worker import JobsRuntime
from tests.jobs.conftest import executions, tick_and_drain
from tests.services.activity_steps import beat, start_working
from tests.services.builders import World


async def test_the_activity_jobs_in_a_day(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    start = clock.now()
    await start_working(ctx, world)
    alice = world.caller(world.alice)
    await upload_activity(ctx, alice, [beat(start, 60)])
    clock.set(start + timedelta(minutes=10))  # 09:10 IST: idle since 09:01
    await tick_and_drain(runtime, world.org.id)
    async with ctx.uow() as uow:
        alerts = await uow.alerts.recent(world.org.id)
    assert [(a.kind, a.idle_since) for a in alerts] == [
        (AlertKind.IDLE, start + timedelta(minutes=1))
    ]
    [idle_run] = await executions(ctx, world.org.id, JobName.DETECT_IDLE)
    assert (idle_run.success, idle_run.result["alerts"]) == (True, 1)

    await timer_service.stop_timer(ctx, alice)
    clock.set(datetime(2026, 3, 2, 18, 45, tzinfo=UTC))  # 00:15 IST on 3 March
    await tick_and_drain(runtime, world.org.id)
    [summary_run] = await executions(ctx, world.org.id, JobName.SUMMARIZE_ACTIVITY)
    assert summary_run.slot == datetime(2026, 3, 2, 18, 40, tzinfo=UTC)  # 00:10 IST
    assert (summary_run.success, summary_run.result) == (True, {"2026-03-02": 1})
    [overtime_run] = await executions(ctx, world.org.id, JobName.CHECK_OVERTIME)
    assert (overtime_run.success, overtime_run.result["alerts"]) == (True, 0)

    clock.set(datetime(2026, 3, 2, 19, 31, tzinfo=UTC))  # 01:01 IST
    await tick_and_drain(runtime, world.org.id)
    [storage_run] = await executions(ctx, world.org.id, JobName.MAINTAIN_ACTIVITY_PARTITIONS)
    assert storage_run.success
    async with ctx.uow() as uow:
        months = set(await uow.activity.storage_months())
    assert {date(2026, m, 1) for m in (3, 4, 5, 6)} <= months
