"""The nightly backup is the operator's one job for the whole installation.

It runs once a night at 23:30 in the operator's timezone (``JTS_OPERATOR_TIMEZONE``),
however many organizations there are, and is recorded in the operator's execution log;
no organization lists it, triggers it, pauses it or sees its runs (and so its paths).

These tests get a database of their own: the operator's log is the installation's, so
other tests' runs would be in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import JobTrigger, OrganizationSettings
from jts_domain.schedule import SystemJobName
from jts_domain.services.scheduled_jobs import (
    job_executions,
    pause_job,
    scheduled_jobs,
    trigger_job,
)
from jts_domain.services.system_jobs import system_job_history
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from tests.conftest import create_database, drop_database, migrate
from tests.services.builders import World, build_world

#: 23:31 UTC on Monday 2 March 2026: a minute after the backup's slot in UTC.
NIGHT = datetime(2026, 3, 2, 23, 31, tzinfo=UTC)


@pytest.fixture(scope="module")
def installation_url(server_url: str) -> Iterator[str]:
    """A database of these tests' own, migrated."""
    url = create_database(server_url, "jts_system_jobs")
    migrate(url)
    yield url
    drop_database(server_url, url)


@pytest.fixture
async def installation(
    installation_url: str, settings: WorkerSettings
) -> AsyncIterator[JobsRuntime]:
    """A worker on the installation, started at 20:00 UTC; its log emptied first."""
    connection = await asyncpg.connect(installation_url)
    try:
        await connection.execute("TRUNCATE system_job_runs")
    finally:
        await connection.close()
    clock = ManualClock(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    runtime = await JobsRuntime.open(settings, clock=clock, database_url=installation_url)
    yield runtime
    await runtime.close()


async def _tenant_backup_rows(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM job_executions WHERE job = 'nightly_backup'"
            )
        )
    finally:
        await connection.close()


async def _archives(settings: WorkerSettings) -> list[str]:
    folder = settings.backups_path()
    found = await asyncio.to_thread(lambda: sorted(p.name for p in folder.glob("*.tar.gz")))
    return list(found)


async def test_no_organization_lists_triggers_pauses_or_reads_the_backup(
    installation: JobsRuntime,
) -> None:
    world = await build_world(installation.ctx)
    admin = world.caller(world.admin)
    ctx = installation.ctx
    assert "nightly_backup" not in {job.name.value for job in await scheduled_jobs(ctx, admin)}
    for attempt in (
        trigger_job(ctx, admin, "nightly_backup", installation.job_queue()),
        pause_job(ctx, admin, "nightly_backup"),
        job_executions(ctx, admin, "nightly_backup"),
    ):
        with pytest.raises(DomainError) as refused:
            await attempt
        assert refused.value.code is ErrorCode.VALIDATION_ERROR
        assert "unknown job" in refused.value.message


async def _two_organizations(runtime: JobsRuntime) -> list[World]:
    return [
        await build_world(runtime.ctx),
        await build_world(runtime.ctx, OrganizationSettings(timezone="America/New_York")),
    ]


async def test_one_backup_a_night_for_the_whole_installation(
    installation: JobsRuntime, installation_url: str, settings: WorkerSettings
) -> None:
    await _two_organizations(installation)
    clock = installation.ctx.clock
    assert isinstance(clock, ManualClock)
    clock.set(NIGHT)

    queued = await installation.scheduler.tick()
    await installation.drain()
    again = await installation.scheduler.tick()

    backups = [r for r in queued if r.job is SystemJobName.NIGHTLY_BACKUP]
    assert len(backups) == 1
    assert not [r for r in again if r.job is SystemJobName.NIGHTLY_BACKUP]
    [run] = await system_job_history(installation.ctx, SystemJobName.NIGHTLY_BACKUP)
    assert (run.trigger, run.slot, run.success) == (
        JobTrigger.SCHEDULE,
        datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
        True,
    )
    assert Path(run.result["archive"]).name == "jts-backup-2026-03-02.tar.gz"
    assert await _archives(settings) == ["jts-backup-2026-03-02.tar.gz"]
    assert await _tenant_backup_rows(installation_url) == 0


async def test_the_night_is_the_operators_timezones(
    installation_url: str, settings: WorkerSettings
) -> None:
    """Operator in Asia/Kolkata: 23:30 IST is 18:00 UTC, and the archive is named after
    the Indian date, which at 18:01 UTC on 2 March is still 2 March."""
    kolkata = settings.model_copy(update={"operator_timezone": "Asia/Kolkata"})
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    runtime = await JobsRuntime.open(kolkata, clock=clock, database_url=installation_url)
    try:
        connection = await asyncpg.connect(installation_url)
        try:
            await connection.execute("TRUNCATE system_job_runs")
        finally:
            await connection.close()
        clock.set(datetime(2026, 3, 2, 17, 59, tzinfo=UTC))
        early = await runtime.scheduler.queue_system_runs()
        clock.set(datetime(2026, 3, 2, 18, 1, tzinfo=UTC))
        due = await runtime.scheduler.queue_system_runs()
        await runtime.drain()
        [run] = await system_job_history(runtime.ctx, SystemJobName.NIGHTLY_BACKUP)
    finally:
        await runtime.close()
    assert early == []
    assert [r.slot for r in due] == [datetime(2026, 3, 2, 18, 0, tzinfo=UTC)]
    assert Path(run.result["archive"]).name == "jts-backup-2026-03-02.tar.gz"


async def test_nights_missed_while_no_worker_ran_are_caught_up_once(
    installation: JobsRuntime, installation_url: str, settings: WorkerSettings
) -> None:
    clock = installation.ctx.clock
    assert isinstance(clock, ManualClock)
    clock.set(NIGHT)
    await installation.scheduler.queue_system_runs()
    await installation.drain()
    clock.advance(days=3, hours=1)  # three nights pass with no worker up
    restarted = await JobsRuntime.open(settings, clock=clock, database_url=installation_url)
    try:
        first = await restarted.scheduler.queue_system_runs()
        await restarted.drain()
        second = await restarted.scheduler.queue_system_runs()
        runs = await system_job_history(restarted.ctx, SystemJobName.NIGHTLY_BACKUP)
    finally:
        await restarted.close()
    assert [(r.trigger, r.slot) for r in first] == [
        (JobTrigger.CATCH_UP, datetime(2026, 3, 5, 23, 30, tzinfo=UTC))
    ]
    assert second == []
    assert [r.slot for r in runs] == [
        datetime(2026, 3, 5, 23, 30, tzinfo=UTC),
        datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
    ]
    assert all(r.success for r in runs)
