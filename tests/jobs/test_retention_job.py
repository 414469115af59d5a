"""apply_retention in the worker: its monthly slot, and an execution log that says how
many records went."""

from __future__ import annotations

from datetime import UTC, datetime

from jts_domain.clock import ManualClock
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_jobs.worker import JobsRuntime
from tests.jobs.conftest import executions, tick_and_drain
from tests.services.builders import World
from tests.services.test_retention import old_records


async def test_retention_runs_on_the_first_at_03_00_and_counts_what_went(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """On 1 April 2026 tasks finished before 1 April 2025 go (the three finished ones,
    with their three timers, nine intervals, three history rows and two alerts); the
    open task and its old timer stay."""
    old = await old_records(ctx, world)
    clock.set(datetime(2026, 3, 31, 21, 30, tzinfo=UTC))  # 03:00 IST on 1 April
    await tick_and_drain(runtime, world.org.id)
    [run] = await executions(ctx, world.org.id, JobName.APPLY_RETENTION)
    assert run.slot == clock.now()
    assert (run.success, run.message) == (True, "3 tasks and 3 timers removed")
    assert run.result == {
        "task_cutoff": "2025-04-01",
        "timer_cutoff": "2025-09-30",
        "tasks": 3,
        "timers": 3,
        "intervals": 9,
        "history": 3,
        "alerts": 2,
        "batches": 1,
    }
    async with ctx.uow() as uow:
        assert [t.id for t in await uow.timers.list_for_task(world.org.id, old.open.id)] == [
            old.timers["old_of_open"].id
        ]
