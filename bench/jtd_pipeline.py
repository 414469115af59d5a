"""Benchmark: JTS's events into jobs to do, then the agent moving them, for one tenant.

Writes an organization with ``--employees`` employees, then one transaction of that many
``task.assigned`` events (as a big assignment run would), and times:

* the outbox consumer turning them into one ``task_assigned`` job each (``consume_all``:
  batches of 500 events, one transaction each, set-based inserts);
* the agent (``run_agent``) moving every one of those due notifications
  created → pending → queued (batches of 500 jobs: one read, one set-based update, the
  history rows, audit entries and events of the batch).

    uv run python bench/jtd_pipeline.py [--employees 5000]

Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server in a temporary
directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import asyncpg

from jts_domain.clock import ManualClock
from jts_domain.ids import new_id
from jts_domain.jtd.agent import run_agent
from jts_domain.jtd.from_events import CONSUMER, jobs_from_events
from jts_domain.jtd.settings import update_jtd_settings
from jts_domain.model import (
    DomainEvent,
    Employee,
    EventName,
    Organization,
    OrganizationSettings,
    Role,
)
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.outbox_consumers import consume_all
from jts_store.embedded import embedded_server_url
from jts_store.engine import create_engine, with_database
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from score_day import migrate, plain

NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


async def _setup(ctx: ServiceContext, employees: int) -> Organization:
    org = Organization(id=new_id(), name="Bench", settings=OrganizationSettings(), created_at=NOW)
    people = [
        Employee(
            id=new_id(),
            organization_id=org.id,
            email=f"e{n}-{uuid4().hex[:6]}@bench.test",
            name=f"Employee {n}",
            role=Role.EMPLOYEE,
            created_at=NOW,
        )
        for n in range(employees)
    ]
    async with ctx.uow() as uow:
        await uow.organizations.add(org)
        for person in people:
            await uow.employees.add(person)
        for n, person in enumerate(people):
            uow.emit(
                DomainEvent(
                    name=EventName.TASK_ASSIGNED,
                    organization_id=org.id,
                    occurred_at=NOW,
                    payload={
                        "task_id": str(new_id()),
                        "title": f"Task {n}",
                        "assignee_id": str(person.id),
                        "assigned_by": None,
                        "due_at": None,
                    },
                )
            )
        await uow.commit()
    return org


async def bench(url: str, employees: int) -> None:
    engine = create_engine(url, pool_size=2)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=ManualClock(NOW))
    try:
        start = time.perf_counter()
        org = await _setup(ctx, employees)
        print(f"setup: {employees} employees and events in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        consumed = await consume_all(ctx, CONSUMER, jobs_from_events)
        wall = time.perf_counter() - start
        print(
            f"consumer: {consumed.events} events → {consumed.counts.get('created', 0)} jobs in "
            f"{wall:.2f} s ({consumed.events / wall:.0f} events/s)"
        )

        caller = Caller.system(org.id)
        await update_jtd_settings(
            ctx, caller, agent_enabled=True, agent_event_types=frozenset({"notification"})
        )
        start = time.perf_counter()
        run = await run_agent(ctx, org.id)
        wall = time.perf_counter() - start
        print(
            f"agent: {run.jobs_moved} jobs, {run.moves} moves in {wall:.2f} s "
            f"({run.jobs_moved / wall:.0f} jobs/s)"
        )
    finally:
        await engine.dispose()


async def with_database_of(server: str, employees: int) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    try:
        await asyncio.to_thread(migrate, url)
        await bench(url, employees)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=5_000)
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        asyncio.run(with_database_of(server, args.employees))


if __name__ == "__main__":
    main()
