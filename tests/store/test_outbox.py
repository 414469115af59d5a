"""The outbox: events commit with their change, in order, and wake listeners at commit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.model import DomainEvent, EventName
from jts_domain.ports import UnitOfWorkFactory
from jts_store.outbox import CHANNEL, read_after, read_events
from tests.services.builders import World


def _event(world: World, n: int) -> DomainEvent:
    return DomainEvent(
        name=EventName.TIMER_STATE_CHANGED,
        organization_id=world.org.id,
        occurred_at=datetime(2026, 3, 2, 4, 0, n, tzinfo=UTC),
        payload={"n": n, "ratio": 0.5, "who": None, "ok": True},
    )


async def test_events_are_read_back_as_written_in_order(
    pg_uow_factory: UnitOfWorkFactory, engine: AsyncEngine, world: World
) -> None:
    written = [_event(world, n) for n in range(5)]
    async with pg_uow_factory() as uow:
        for e in written:
            uow.emit(e)
        await uow.commit()
    async with engine.connect() as conn:
        assert await read_events(conn, world.org.id) == written
        everything = await read_after(conn, 0, 1_000_000)
    ours = [(i, e) for i, e in everything if e.organization_id == world.org.id]
    assert [e for _, e in ours] == written
    ids = [i for i, _ in ours]
    assert ids == sorted(ids)
    async with engine.connect() as conn:
        after_third = await read_after(conn, ids[2], 2)
    assert after_third == ours[3:5]


async def test_a_rolled_back_unit_of_work_writes_no_event(
    pg_uow_factory: UnitOfWorkFactory, engine: AsyncEngine, world: World
) -> None:
    async with pg_uow_factory() as uow:
        uow.emit(_event(world, 1))
    async with engine.connect() as conn:
        assert await read_events(conn, world.org.id) == []


async def _listener(url: str) -> tuple[asyncpg.Connection, asyncio.Queue[str]]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    heard: asyncio.Queue[str] = asyncio.Queue()
    await conn.add_listener(CHANNEL, lambda *args: heard.put_nowait(args[-1]))
    return conn, heard


async def test_commit_notifies_with_the_newest_outbox_id(
    pg_uow_factory: UnitOfWorkFactory, engine: AsyncEngine, database_url: str, world: World
) -> None:
    conn, heard = await _listener(database_url)
    try:
        async with pg_uow_factory() as uow:
            uow.emit(_event(world, 1))
            uow.emit(_event(world, 2))
            await asyncio.sleep(0.1)
            assert heard.empty()  # nothing is announced before the commit
            await uow.commit()
        payload = await asyncio.wait_for(heard.get(), timeout=5)
    finally:
        await conn.close()
    async with engine.connect() as c:
        ids = [i for i, e in await read_after(c, 0, 1_000_000) if e.organization_id == world.org.id]
    assert int(payload) == max(ids)
