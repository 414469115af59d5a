"""The insight features (planner, scores, monitoring, audit, scheduled jobs) over HTTP.

These tests run their own server: the real app with a saq job queue on the run's database
(what ``jts serve`` gets from the composition root) and a clock of their own, which each
test moves to the next morning, 09:00 in Asia/Kolkata, before building its organization.
The people, places, roster and tasks a test starts from are written through the domain's
use cases on the same database; every query, mutation and error under test goes through
the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.clock import ManualClock
from jts_domain.ports import UnitOfWorkFactory
from jts_domain.services import ServiceContext
from jts_jobs.queue import SaqJobQueue, make_queue
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from jts_store.engine import create_engine
from tests.api.harness import API_START, ApiServer, Gql, make_gql, serve
from tests.api.team import Team, make_team

KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture(scope="session")
def jobs_settings(tmp_path_factory: pytest.TempPathFactory) -> WorkerSettings:
    """A saq queue of these tests' own, with short retry delays."""
    return WorkerSettings(
        queue_name=f"test_api_{uuid4().hex[:10]}",
        concurrency=2,
        pool_size=3,
        job_retries=1,
        job_retry_delay_s=0.05,
        job_retry_backoff_max_s=0.2,
        backups_dir=Path(tmp_path_factory.mktemp("backups")),
        shutdown_grace_period_s=1,
    )


@pytest.fixture(scope="session")
def insight_clock() -> ManualClock:
    """The clock of the insight server, moved forward by each test."""
    return ManualClock(API_START)


@pytest.fixture(scope="session")
def insight_engine(database_url: str) -> AsyncEngine:
    """The insight server's engine (the app disposes of it when it stops)."""
    return create_engine(database_url, pool_size=5)


@pytest.fixture(scope="session")
def insight_api(
    database_url: str,
    insight_clock: ManualClock,
    jobs_settings: WorkerSettings,
    insight_engine: AsyncEngine,
) -> Iterator[ApiServer]:
    """The app with a job queue, served for the insight tests."""
    queue = make_queue(database_url, jobs_settings)
    with serve(
        database_url,
        engine=insight_engine,
        clock=insight_clock,
        job_queue=SaqJobQueue(queue, jobs_settings),
    ) as server:
        # The queue connects on the server's event loop at the first trigger; it is
        # closed there too, when the server stops.
        assert server.app is not None
        server.app.on_shutdown.append(queue.disconnect)
        yield server


@pytest.fixture
def server_statements(insight_engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the insight server runs during the test."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(insight_engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(insight_engine.sync_engine, "before_cursor_execute", record)


@pytest.fixture
def gql(insight_api: ApiServer) -> Iterator[Gql]:
    """Posts GraphQL to the insight server."""
    with make_gql(insight_api) as client:
        yield client


@pytest.fixture
async def jobs_runtime(
    database_url: str, jobs_settings: WorkerSettings, insight_clock: ManualClock
) -> AsyncIterator[JobsRuntime]:
    """A worker on the insight server's queue (drain it to run what was triggered)."""
    runtime = await JobsRuntime.open(jobs_settings, clock=insight_clock, database_url=database_url)
    yield runtime
    await runtime.close()


def next_morning(clock: ManualClock) -> datetime:
    """Move the clock to the next 09:00 in Asia/Kolkata; that instant."""
    local = clock.now().astimezone(KOLKATA)
    morning = datetime.combine(local.date() + timedelta(days=1), time(9, 0), tzinfo=KOLKATA)
    clock.set(morning)
    return morning.astimezone(UTC)


@pytest.fixture
def ctx(pg_uow_factory: UnitOfWorkFactory, insight_clock: ManualClock) -> ServiceContext:
    """Use cases on the run's database, on the server's clock (to set the scene)."""
    return ServiceContext(uow=pg_uow_factory, clock=insight_clock)


@pytest.fixture
async def world(
    engine: AsyncEngine, insight_api: ApiServer, gql: Gql, insight_clock: ManualClock
) -> Team:
    """A fresh organization (:func:`~tests.api.team.make_team`) at 09:00 of a new day,
    with a signed-in token per person."""
    next_morning(insight_clock)
    return await make_team(engine, insight_api, gql)


@pytest.fixture
async def other(engine: AsyncEngine, insight_api: ApiServer, gql: Gql, world: Team) -> Team:
    """Another organization, on the same day as ``world``: none of its ids may be reached
    from ``world``."""
    return await make_team(engine, insight_api, gql)
