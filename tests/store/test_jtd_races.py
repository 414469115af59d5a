"""Jobs to do under real concurrency: the database, not luck, keeps them single.

Units of work start together with ``asyncio.gather``, each on its own connection and
transaction, as two API replicas or two workers would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, time

import asyncpg
import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd.from_events import CONSUMER, jobs_from_events
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.jtd.recurrence import Frequency, Recurrence
from jts_domain.jtd.visits import schedule_service_visits
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.outbox_consumers import consume_all, consume_outbox
from jts_store.jtd.recurrence import DateutilRecurrences
from tests.conftest import create_database, drop_database, migrate
from tests.services.builders import World

RACERS = 12


async def _jobs(ctx: ServiceContext, world: World, source: str) -> list[jtd.JobToDo]:
    page = await jtd.list_jobs_to_do(
        ctx,
        world.caller(world.admin),
        JobToDoFilter(source_types=frozenset({source})),
        first=100,
    )
    return list(page.items)


async def test_racing_consumers_handle_each_event_once(ctx: ServiceContext, world: World) -> None:
    """Twenty assignments (one ``task.assigned`` event each), then eight workers consuming
    at once in small batches: every event handled by exactly one of them, one job each."""
    await consume_all(ctx, CONSUMER, jobs_from_events)  # what other tests left behind
    manager = world.caller(world.manager)
    for n in range(20):
        person = world.alice if n % 2 else world.bob
        await task_service.create_task(ctx, manager, title=f"Shelf {n}", assignee_id=person.id)

    async def worker() -> int:
        handled = 0
        for _ in range(40):
            handled += (await consume_outbox(ctx, CONSUMER, jobs_from_events, limit=3)).events
        return handled

    handled = await asyncio.gather(*(worker() for _ in range(8)))
    assert sum(handled) == 20  # no batch was handled by two workers
    assert (await consume_all(ctx, CONSUMER, jobs_from_events)).events == 0
    jobs = await _jobs(ctx, world, "task_assigned")
    assert sorted(j.subject for j in jobs) == sorted(f"Task assigned: Shelf {n}" for n in range(20))


async def test_racing_identical_visit_requests_make_one_series(
    ctx: ServiceContext, world: World
) -> None:
    recurrence = Recurrence(
        frequency=Frequency.MONTHLY, start=date(2026, 3, 10), at=time(10, 0), count=12
    )

    async def request() -> list[jtd.JobToDo]:
        return await schedule_service_visits(
            ctx,
            world.caller(world.manager),
            client_key="contract-7",
            recurrence=recurrence,
            expander=DateutilRecurrences(),
            subject="Service",
            recipient_address="customer@example.test",
        )

    results = await asyncio.gather(*(request() for _ in range(RACERS)), return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)], results
    series = {tuple(j.id for j in r) for r in results if isinstance(r, list)}
    assert len(series) == 1
    assert len(await _jobs(ctx, world, "service_scheduled")) == 12


async def test_racing_moves_of_one_job_lose_nothing(ctx: ServiceContext, world: World) -> None:
    """Every racer read the same version: one move wins, the others are CONFLICT, and the
    history holds exactly the winner's row."""
    job = await jtd.create_job_to_do(
        ctx, world.caller(world.manager), subject="Hello", recipient_id=world.alice.id
    )
    manager = world.caller(world.manager)
    results = await asyncio.gather(
        *(jtd.move_job_to_do(ctx, manager, job.id, "pending") for _ in range(RACERS)),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(e, DomainError) and e.code is ErrorCode.CONFLICT for e in errors)
    won = len(results) - len(errors)
    history = (await jtd.job_histories(ctx, manager, [job.id]))[job.id]
    assert won == len(history)
    stored = await jtd.get_job_to_do(ctx, manager, job.id)
    assert stored.version == 1 + won


@pytest.fixture
def old_database(server_url: str) -> Iterator[str]:
    """A database at the revision before jobs to do."""
    url = create_database(server_url, prefix="jts_consumer_start")
    migrate(url, "0003_audit_log")
    yield url
    drop_database(server_url, url)


async def test_the_migration_starts_the_consumer_after_the_existing_outbox(
    old_database: str,
) -> None:
    """Upgrading a database that already has events: jobs come from later events only."""
    conn = await asyncpg.connect(old_database.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        org = await conn.fetchval(
            "INSERT INTO organizations (id, name, settings, created_at) "
            "VALUES (gen_random_uuid(), 'Old', '{}'::jsonb, now()) RETURNING id"
        )
        await conn.execute(
            "INSERT INTO outbox (organization_id, name, payload, occurred_at) "
            "VALUES ($1, 'task.assigned', '{}'::jsonb, now())",
            org,
        )
        await asyncio.to_thread(migrate, old_database)
        row = await conn.fetchrow(
            "SELECT last_id, (SELECT max(id) FROM outbox) AS newest FROM outbox_consumers "
            "WHERE name = $1",
            CONSUMER,
        )
    finally:
        await conn.close()
    assert row is not None
    assert row["last_id"] == row["newest"] > 0
