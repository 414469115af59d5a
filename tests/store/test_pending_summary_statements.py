"""The pending-summary job is set-based: its statements do not grow with the staff."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.administration.pending import refresh_pending_summaries
from jts_domain.ids import new_id
from jts_domain.services import ServiceContext
from tests.services.builders import World
from tests.services.task_records import store_tasks, task_record

STAFF = 200


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements sent on the run's engine during the test."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_a_run_reads_the_organization_counts_once_and_upserts_once(
    ctx: ServiceContext, world: World, statements: list[str]
) -> None:
    """With 204 employees and 400 tasks: one read of the settings, one statement counting
    every employee's tasks, one storing every summary."""
    staff = [
        replace(world.bob, id=new_id(), email=f"staff-{new_id().hex}@example.test")
        for _ in range(STAFF)
    ]
    async with ctx.uow() as uow:
        for person in staff:
            await uow.employees.add(person)
        await uow.commit()
    now = ctx.clock.now()
    await store_tasks(ctx, *(task_record(world, now, assignee=p) for p in staff for _ in range(2)))
    statements.clear()

    refreshed = await refresh_pending_summaries(ctx, world.org.id)

    assert len(refreshed.summaries) == STAFF + 4
    assert len(statements) == 3, statements
    assert "FROM organizations" in statements[0]
    assert "count(tasks.id) FILTER" in statements[1]
    assert statements[2].lstrip().startswith("INSERT INTO pending_summaries")
