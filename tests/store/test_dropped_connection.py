"""A unit of work whose first statement meets a connection the server dropped (a
restart, an idle timeout) runs it again on a fresh connection: nothing was done yet.

Both ways a statement reaches the server are covered: through SQLAlchemy, and handed to
the driver directly (the task-and-timer read and the guarded write, outside a
transaction). The driver reports a dropped connection in more than one way, depending on
when the server's goodbye arrives (a closed connection, a connection error, the
server's shutdown message): each test drops it several times.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.errors import DomainError, ErrorCode
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.services.conftest import START


@pytest.fixture
async def one_connection(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of one pooled connection."""
    engine = create_engine(database_url, pool_size=1)
    yield engine
    await engine.dispose()


async def _pooled_backend(factory: SqlUnitOfWorkFactory) -> int:
    """The server process of the pool's one connection (which goes back to the pool)."""
    async with factory() as uow:
        pid = (await uow.connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    return int(pid)


#: How long to let the server's goodbye reach the client before the next statement.
_PAUSES = (0.0, 0.0, 0.05, 0.2)


async def _drop(engine: AsyncEngine, pid: int, pause: float) -> None:
    async with engine.connect() as admin:
        ended = await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert ended.scalar_one() is True
    await asyncio.sleep(pause)


async def test_the_direct_read_runs_again_on_a_fresh_connection(
    one_connection: AsyncEngine, engine: AsyncEngine
) -> None:
    factory = SqlUnitOfWorkFactory(one_connection)
    for pause in _PAUSES:
        dropped = await _pooled_backend(factory)
        await _drop(engine, dropped, pause)

        async with factory() as uow:
            with pytest.raises(DomainError) as raised:  # the statement ran: no such task
                await uow.work.for_task(uuid4(), uuid4(), acting=None, at=START)
            assert raised.value.code is ErrorCode.NOT_FOUND
        assert await _pooled_backend(factory) != dropped


async def test_a_statement_through_sqlalchemy_runs_again_on_a_fresh_connection(
    one_connection: AsyncEngine, engine: AsyncEngine
) -> None:
    factory = SqlUnitOfWorkFactory(one_connection)
    for pause in _PAUSES:
        dropped = await _pooled_backend(factory)
        await _drop(engine, dropped, pause)

        async with factory() as uow:
            with pytest.raises(DomainError) as raised:
                await uow.organizations.get(uuid4())
            assert raised.value.code is ErrorCode.NOT_FOUND
        assert await _pooled_backend(factory) != dropped
