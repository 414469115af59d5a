"""One real PostgreSQL per test run: the embedded server, or ``JTS_DATABASE_URL``'s.

Each run gets a fresh database built by ``alembic upgrade head`` (never ``create_all``)
and dropped at the end. Tests isolate themselves by creating their own organization.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.model import DomainEvent
from jts_domain.ports import UnitOfWorkFactory
from jts_store.embedded import throwaway_server_url
from jts_store.engine import create_engine, with_database

ROOT = Path(__file__).resolve().parent.parent

# Whatever a test makes (the schema fuzzer included), webhooks from this run, its API
# apps and its workers — subprocesses too — go to loopback addresses only.
os.environ.setdefault("JTS_WEBHOOK_LOOPBACK_ONLY", "true")

settings.register_profile(
    "jts", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile("ci", parent=settings.get_profile("jts"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "jts")


def _plain_dsn(url: str) -> str:
    """asyncpg takes ``postgresql://`` URLs, Unix-socket ones included."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(_plain_dsn(url))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def migrate(url: str, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic against ``url`` (from a thread with no running event loop)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    if down:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


@pytest.fixture(scope="session")
def server_url() -> str:
    """The PostgreSQL server of this run (its maintenance database).

    Its folder is not under pytest's temporary directory, which pytest rotates (and so
    may delete under a running server when several runs share a machine).
    """
    configured = os.environ.get("JTS_DATABASE_URL")
    if configured:
        return configured
    return throwaway_server_url("jts-test-postgres-")


def create_database(server: str, prefix: str = "jts_test") -> str:
    """A new empty database on the server; its URL."""
    name = f"{prefix}_{uuid4().hex[:12]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    return with_database(server, name)


def drop_database(server: str, url: str) -> None:
    """Drop a database made by :func:`create_database`."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh database for this run, at the newest migration."""
    url = create_database(server_url)
    migrate(url)
    yield url
    drop_database(server_url, url)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the run's database."""
    engine = create_engine(database_url, pool_size=25)
    yield engine
    await engine.dispose()


@pytest.fixture
def pg_uow_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    """Units of work on PostgreSQL."""
    from jts_store.unit_of_work import SqlUnitOfWorkFactory

    return SqlUnitOfWorkFactory(engine)


@pytest.fixture
def pg_events(engine: AsyncEngine) -> object:
    """Reads an organization's committed outbox events, oldest first."""
    from jts_store.outbox import read_events

    async def read(organization_id: UUID) -> list[DomainEvent]:
        async with engine.connect() as conn:
            return await read_events(conn, organization_id)

    return read
