"""sync_roster in the worker against a real HTTP source on this machine: rows upserted,
one bad row recorded and skipped, the same sync twice changes nothing, a source that
times out is retried by the framework, and the token reaches the source only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jts_domain.clock import ManualClock
from jts_domain.model import JobExecution
from jts_domain.roster_sync.use_cases import get_roster_source, set_roster_source
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services.scheduled_jobs import trigger_job
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from tests.jobs.conftest import executions, tick_and_drain
from tests.jobs.hr_source import serve_hr_source
from tests.services.builders import World

TOKEN = "hr-bearer-token-7f3a9c1e5b"


def _employee(world: World, external_id: str, name: str, **fields: Any) -> dict[str, Any]:
    # e-mail addresses are unique across organizations: each world has its own
    email = f"{external_id.lower()}-{world.org.id.hex[:12]}@hr.example.test"
    return {
        "externalId": external_id,
        "email": email,
        "name": name,
        "department": "Sales",
        **fields,
    }


def _pages(world: World, ravi_name: str = "Ravi Kumar") -> dict[str | None, dict[str, Any]]:
    """E-1 twice (the duplicate), E-2 without e-mail (the bad row) on the first page; E-3
    and E-1's roster entry of tomorrow on the second. E-mails are the world's own."""
    tomorrow = (world.today + timedelta(days=1)).isoformat()
    ravi = _employee(world, "E-1", ravi_name)
    return {
        None: {
            "employees": [ravi, {"externalId": "E-2", "name": "No Email"}, ravi],
            "next": "p2",
        },
        "p2": {
            "employees": [_employee(world, "E-3", "Priya Singh")],
            "roster": [
                {
                    "externalId": "R-1",
                    "employeeExternalId": "E-1",
                    "date": tomorrow,
                    "shift": "Day",
                    "store": "MG Road",
                }
            ],
            "next": None,
        },
    }


async def _people(ctx: ServiceContext, world: World) -> dict[str, str]:
    async with ctx.uow() as uow:
        staff = await uow.employees.list_active(world.org.id)
    return {e.external_id: e.name for e in staff if e.external_id is not None}


async def _run_now(runtime: JobsRuntime, ctx: ServiceContext, world: World) -> JobExecution:
    """Trigger a run and let the worker run it; its execution row."""
    queue = runtime.job_queue()
    run = await trigger_job(ctx, world.caller(world.admin), JobName.SYNC_ROSTER, queue)
    await runtime.drain()
    async with ctx.uow() as uow:
        return await uow.job_executions.get(world.org.id, run.execution_id)


async def test_a_sync_upserts_skips_the_bad_row_and_twice_changes_nothing(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve_hr_source(_pages(world)) as hr:
        await set_roster_source(ctx, world.caller(world.admin), url=hr.url, token=TOKEN)
        first = await _run_now(runtime, ctx, world)
        second = await _run_now(runtime, ctx, world)
        assert [auth for auth, _ in hr.requests] == [f"Bearer {TOKEN}"] * 4
        assert [q.get("cursor") for _, q in hr.requests] == [None, ["p2"]] * 2
        assert {q["limit"][0] for _, q in hr.requests} == {"100"}
    assert first.success is False  # a failed row makes the run unsuccessful, the rest applied
    assert (
        first.message == "3 created, 0 updated, 0 unchanged, 1 duplicates, 1 failed; 1 items failed"
    )
    assert first.result["failures"] == {"employee 2 (E-2)": "email is required"}
    assert (second.result["created"], second.result["unchanged"]) == (0, 3)
    assert await _people(ctx, world) == {"E-1": "Ravi Kumar", "E-3": "Priya Singh"}

    with serve_hr_source(_pages(world, ravi_name="Ravi K.")) as hr:
        await set_roster_source(ctx, world.caller(world.admin), url=hr.url, token=TOKEN)
        third = await _run_now(runtime, ctx, world)
    assert third.result["updated"] == 1
    assert await _people(ctx, world) == {"E-1": "Ravi K.", "E-3": "Priya Singh"}
    source = await get_roster_source(ctx, world.caller(world.admin))
    assert source is not None
    assert source.last_synced_at == third.started_at  # the manual clock did not move

    logged = capsys.readouterr()
    for run in (first, second, third):
        assert TOKEN not in f"{run.message} {run.error} {run.result}"
    assert TOKEN not in logged.out + logged.err


@pytest.fixture
def settings(settings: WorkerSettings) -> WorkerSettings:
    """The job tests' settings, with a source timeout short enough to be met here."""
    return settings.model_copy(update={"roster_sync_timeout_s": 0.5, "roster_sync_pause_s": 0.0})


async def test_a_source_that_times_out_is_retried_at_its_06_30_slot(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """The first answer is held past the client's timeout: the run's first attempt fails
    with the timeout, saq retries it, the second attempt syncs."""
    with serve_hr_source(_pages(world), hold_first=1) as hr:
        await set_roster_source(ctx, world.caller(world.admin), url=hr.url, token=TOKEN)
        clock.set(datetime(2026, 3, 3, 1, 0, tzinfo=UTC))  # 06:30 IST on Tuesday
        await tick_and_drain(runtime, world.org.id)  # the retry included
        hr.released.set()
    [run] = await executions(ctx, world.org.id, JobName.SYNC_ROSTER)
    assert run.slot == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert run.attempts == 2
    assert run.result["created"] == 3
    assert await _people(ctx, world) == {"E-1": "Ravi Kumar", "E-3": "Priya Singh"}


async def test_no_source_configured_is_a_quiet_success(
    runtime: JobsRuntime, ctx: ServiceContext, world: World
) -> None:
    run = await _run_now(runtime, ctx, world)
    assert (run.success, run.message, run.result) == (
        True,
        "no roster source is configured",
        {"configured": False},
    )
