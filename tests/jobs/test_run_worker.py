"""``run_worker`` — what ``jts worker`` runs — ticks at once, runs what is due, and stops."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from click.testing import CliRunner

from jts_cli.main import cli
from jts_domain.clock import ManualClock
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services.scheduled_jobs import trigger_job
from jts_jobs import JobsRuntime, SaqJobQueue, WorkerSettings, run_worker
from tests.jobs.conftest import WAIT_SECONDS, executions
from tests.services.builders import World


async def test_the_worker_runs_due_slots_and_stops_when_told(
    ctx: ServiceContext,
    world: World,
    clock: ManualClock,
    settings: WorkerSettings,
    database_url: str,
) -> None:
    clock.advance(minutes=6)
    stop = asyncio.Event()
    configured = settings.model_copy(update={"database_url": database_url, "tick_seconds": 0.2})
    worker = asyncio.create_task(run_worker(configured, clock=clock, stop=stop))
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            runs = await executions(ctx, world.org.id, JobName.REFRESH_PENDING_SUMMARIES)
            if runs and runs[0].finished:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)

    [run] = runs
    assert run.success
    assert run.slot == world.org.created_at + timedelta(minutes=5)


async def test_a_queue_built_from_settings_triggers_a_run(
    runtime: JobsRuntime,
    ctx: ServiceContext,
    world: World,
    settings: WorkerSettings,
    database_url: str,
) -> None:
    """What the composition root gives the API: a ``JobQueue`` from the settings alone."""
    queue = SaqJobQueue.from_settings(settings, database_url)
    try:
        triggered = await trigger_job(ctx, world.caller(world.admin), "sla_monitor", queue)
    finally:
        await queue.close()

    await runtime.drain()

    [run] = await executions(ctx, world.org.id, JobName.SLA_MONITOR)
    assert (run.id, run.success, run.requested_by) == (triggered.execution_id, True, world.admin.id)


def test_the_cli_has_a_worker_command() -> None:
    result = CliRunner().invoke(cli, ["worker", "--help"])
    assert result.exit_code == 0
    assert "Run the job worker" in result.output
