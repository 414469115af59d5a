"""Month partitions of heartbeats on a database of their own: a month that does not
exist is made before its rows are written (concurrent writers included), there is no
default partition, and dropping a month drops its rows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.activity.model import ActivityItem, ActivityKind
from jts_domain.activity.ports import IngestBatch, IngestItem
from jts_domain.ids import new_id
from jts_domain.model import (
    Employee,
    Organization,
    OrganizationSettings,
    Role,
    Task,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.conftest import create_database, drop_database, migrate

#: A timer running across the turn of February into March (UTC).
START = datetime(2026, 2, 28, 22, 0, tzinfo=UTC)


@pytest.fixture
def scratch_url(server_url: str) -> Iterator[str]:
    url = create_database(server_url, prefix="jts_partitions")
    migrate(url)
    yield url
    drop_database(server_url, url)


@pytest.fixture
async def scratch_engine(scratch_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(scratch_url, pool_size=8)
    yield engine
    await engine.dispose()


async def _working_employee(factory: SqlUnitOfWorkFactory) -> tuple[Organization, Employee]:
    org = Organization(id=new_id(), name="P", settings=OrganizationSettings(), created_at=START)
    employee = Employee(
        id=new_id(),
        organization_id=org.id,
        email=f"p-{new_id().hex}@example.test",
        name="P",
        role=Role.EMPLOYEE,
        created_at=START,
    )
    task = Task(
        id=new_id(), organization_id=org.id, title="t", created_at=START, status_changed_at=START
    )
    timer = Timer(
        id=new_id(),
        organization_id=org.id,
        employee_id=employee.id,
        task_id=task.id,
        state=TimerState.RUNNING,
        started_at=START,
        business_date=START.date(),
        intervals=[TimerInterval(state=TimerState.RUNNING, started_at=START)],
    )
    async with factory() as uow:
        await uow.organizations.add(org)
        await uow.employees.add(employee)
        await uow.tasks.add(task)
        await uow.timers.add(timer)
        await uow.commit()
    return org, employee


def _batch(org: Organization, employee: Employee, ats: list[datetime]) -> IngestBatch:
    items = [
        IngestItem(
            ActivityItem(client_id=new_id().hex, at=at, kind=ActivityKind.ACTIVE, seconds=30)
        )
        for at in ats
    ]
    return IngestBatch(
        organization_id=org.id,
        employee_id=employee.id,
        received_at=START + timedelta(hours=3),
        keyed=tuple(sorted(items, key=lambda i: i.client_id)),
    )


async def _months(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT c.relname, (SELECT count(*) FROM heartbeats h WHERE h.tableoid = c.oid)"
                " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'heartbeats'::regclass ORDER BY 1"
            )
        )
        return {row[0]: row[1] for row in rows.all()}


async def test_missing_months_are_made_before_their_rows_even_by_concurrent_writers(
    scratch_engine: AsyncEngine,
) -> None:
    factory = SqlUnitOfWorkFactory(scratch_engine)
    org, employee = await _working_employee(factory)
    assert await _months(scratch_engine) == {}
    february = [START + timedelta(minutes=m) for m in range(0, 60, 2)]
    march = [START + timedelta(hours=2, minutes=m) for m in range(0, 60, 2)]

    async def write(ats: list[datetime]) -> int:
        async with factory() as uow:
            outcome = await uow.activity.ingest(_batch(org, employee, ats))
            await uow.commit()
        return sum(timer is not None for timer in outcome.first_seen.values())

    stored = await asyncio.gather(*(write(february[i::3] + march[i::3]) for i in range(3)))
    assert sum(stored) == 60
    assert await _months(scratch_engine) == {"heartbeats_2026_02": 30, "heartbeats_2026_03": 30}
    async with scratch_engine.connect() as connection:
        default = await connection.scalar(
            text("SELECT count(*) FROM pg_partitioned_table WHERE partdefid <> 0")
        )
    assert default == 0


async def test_dropping_a_month_drops_its_rows_and_the_job_makes_it_again(
    scratch_engine: AsyncEngine,
) -> None:
    factory = SqlUnitOfWorkFactory(scratch_engine)
    org, employee = await _working_employee(factory)
    async with factory() as uow:
        await uow.activity.ingest(_batch(org, employee, [START, START + timedelta(hours=2)]))
        await uow.commit()
    async with factory() as uow:
        await uow.activity.drop_months([date(2026, 2, 1)])
        await uow.activity.create_months([date(2026, 2, 1), date(2026, 4, 1)])
        await uow.commit()
        assert await uow.activity.storage_months() == [date(2026, m, 1) for m in (2, 3, 4)]
    assert await _months(scratch_engine) == {
        "heartbeats_2026_02": 0,
        "heartbeats_2026_03": 1,
        "heartbeats_2026_04": 0,
    }
