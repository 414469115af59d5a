"""A worker killed mid-run: another worker runs the job again soon, with its effects once.

Two real ``jts worker`` processes on a database of the test's own. The run (the daily
attendance rows) blocks on a lock the test holds on the attendance table; worker A has
taken it and is waiting; A is SIGKILLed. Its heartbeat stops, B's sweep finds the job
stuck and queues it again, B runs it. A's transaction never committed, so the rows are
written once, by B, and the execution log shows one run of two attempts.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import UUID

import asyncpg
import pytest
from saq.job import Status

from jts_domain.clock import SystemClock
from jts_domain.model import JobExecution
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services.scheduled_jobs import pause_job, trigger_job
from jts_jobs import JobsRuntime, SaqJobQueue, WorkerSettings
from jts_jobs.heartbeat import SWEEP_ABORT_WAIT_S
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.conftest import create_database, drop_database, migrate
from tests.jobs.conftest import WAIT_SECONDS
from tests.services.builders import World, build_world

JTS = str(Path(sys.executable).parent / "jts")
#: Fast crash detection for the test: stuck after 3 s without a beat, swept every second.
FAST_DETECTION = {
    "JTS_JOB_HEARTBEAT_S": "3",
    "JTS_SWEEP_INTERVAL_S": "1",
    "JTS_JOB_RETRY_DELAY_S": "0.2",
    "JTS_TICK_SECONDS": "3600",
    "JTS_CONCURRENCY": "2",
}
BLOCKED_ON_ATTENDANCE = """
SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE c.relname = 'attendance' AND NOT l.granted"""


@pytest.fixture
def crash_database(server_url: str) -> Iterator[str]:
    """A database of this test's own: its workers tick every organization there is."""
    url = create_database(server_url, "jts_crash")
    migrate(url)
    yield url
    drop_database(server_url, url)


@pytest.fixture
async def live_ctx(crash_database: str) -> AsyncIterator[ServiceContext]:
    """Services on that database with the system clock (the workers' clock)."""
    engine = create_engine(crash_database, pool_size=2)
    yield ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=SystemClock())
    await engine.dispose()


class Worker:
    """``jts worker`` in the background, its output in a file."""

    def __init__(self, database_url: str, log: Path, backups: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JTS_")}
        env.update(FAST_DETECTION, JTS_DATABASE_URL=database_url, JTS_BACKUPS_DIR=str(backups))
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 -- our own command, fixed arguments
                [JTS, "worker"], stdout=output, stderr=subprocess.STDOUT, env=env
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


async def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if await condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def _execution(ctx: ServiceContext, world: World, run_id: UUID) -> JobExecution | None:
    async with ctx.uow() as uow:
        runs = await uow.job_executions.page(world.org.id, JobName.CREATE_DAILY_ATTENDANCE)
    return next((r for r in runs if r.id == run_id), None)


async def test_a_run_on_a_killed_worker_is_finished_once_by_another(
    crash_database: str, live_ctx: ServiceContext, tmp_path: Path
) -> None:
    world = await build_world(live_ctx)
    admin = world.caller(world.admin)
    for job in JobName:  # only the run the test triggers, no scheduled one
        await pause_job(live_ctx, admin, job)
    holder = await asyncpg.connect(crash_database)
    workers: list[Worker] = []
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE attendance IN SHARE MODE")
        first = Worker(crash_database, tmp_path / "a.log", tmp_path / "backups")
        workers.append(first)
        queue = SaqJobQueue.from_settings(WorkerSettings(), crash_database)
        try:
            triggered = await trigger_job(live_ctx, admin, "create_daily_attendance", queue)
        finally:
            await queue.close()

        async def blocked() -> bool:
            return bool(await holder.fetchval(BLOCKED_ON_ATTENDANCE))

        await _until(blocked, "worker A to block on the attendance table")
        workers.append(Worker(crash_database, tmp_path / "b.log", tmp_path / "backups"))
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
        await transaction.rollback()

        async def finished() -> bool:
            run = await _execution(live_ctx, world, triggered.execution_id)
            return run is not None and run.finished

        await _until(finished, "worker B to finish the run")
    finally:
        await holder.close()
        for worker in workers:
            worker.stop()

    run = await _execution(live_ctx, world, triggered.execution_id)
    assert run is not None
    assert (run.success, run.attempts) == (True, 2), run.error
    async with live_ctx.uow() as uow:
        rows = await uow.attendance.list_for_date(world.org.id, world.today)
    assert len(rows) == 4  # the four employees, once each
    assert run.result == {"created": {world.today.isoformat(): 4}}
    assert first.process.returncode == -signal.SIGKILL
    assert "Sweeping" in (tmp_path / "b.log").read_text()


def test_the_defaults_rerun_a_crashed_run_within_two_minutes() -> None:
    defaults = WorkerSettings()
    worst = (
        defaults.job_heartbeat_s
        + defaults.sweep_interval_s
        + SWEEP_ABORT_WAIT_S
        + defaults.job_retry_delay_s
    )
    assert worst < 120


async def test_a_live_worker_keeps_touching_a_run_that_waits(
    database_url: str, settings: WorkerSettings, tmp_path: Path
) -> None:
    """A run blocked far longer than its heartbeat is not taken for dead: its worker
    touches it every third of the heartbeat while it waits."""
    beating = settings.model_copy(update={"job_heartbeat_s": 1})
    runtime = await JobsRuntime.open(beating, clock=SystemClock(), database_url=database_url)
    holder = await asyncpg.connect(database_url)
    try:
        world = await build_world(runtime.ctx)
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE attendance IN SHARE MODE")
        triggered = await trigger_job(
            runtime.ctx,
            world.caller(world.admin),
            "create_daily_attendance",
            runtime.job_queue(),
        )
        key = f"jts:create_daily_attendance:{world.org.id}:manual:{triggered.execution_id}"
        draining = asyncio.create_task(runtime.drain())

        async def touched_while_waiting() -> bool:
            job = await runtime.queue.job(key)
            return (
                job is not None
                and job.status is Status.ACTIVE
                and job.touched - job.started >= 3_000  # milliseconds: three beats
            )

        await _until(touched_while_waiting, "the waiting run to be touched")
        job = await runtime.queue.job(key)
        assert job is not None
        assert job.attempts == 1  # never swept
        await transaction.rollback()
        await draining
    finally:
        await holder.close()
        await runtime.close()
