"""Benchmark: the 5-minute pending-summary job for an organization of 10,000 employees.

Bulk-loads (COPY) 10,000 active employees with 20 tasks each (200,000; two thirds open,
all four priorities, due times from a week ago to a month ahead), then times:

* ``refresh_pending_summaries``: one statement counting every employee's open tasks,
  one upsert of the 10,000 summaries (plus the organization's settings read);
* the same counts the way the job worked before summaries were stored: every open task
  read as a record and counted in Python (``list_open`` + ``count_pending``), not stored;
* ``workload`` for one employee once the summaries are stored (one read).

    uv run python bench/pending_summaries.py [--employees 10000] [--runs 3]

Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server in a temporary
directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.administration.pending import refresh_pending_summaries, workload
from jts_domain.clock import ManualClock
from jts_domain.model import OrganizationSettings, Task
from jts_domain.services import Caller, ServiceContext
from jts_domain.workload import count_pending, due_windows
from jts_store.embedded import embedded_server_url
from jts_store.engine import create_engine, with_database
from jts_store.repositories.organizations import settings_document
from jts_store.unit_of_work import SqlUnitOfWorkFactory

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)  # Wednesday 12:00 in Asia/Kolkata
TIMEZONE = "Asia/Kolkata"
TASKS_PER_EMPLOYEE = 20
STATUSES = ["ASSIGNED", "ACCEPTED", "IN_PROGRESS", "PAUSED", "COMPLETED", "CANCELLED"]
PRIORITIES = ["LOW", "MEDIUM", "MEDIUM", "HIGH", "URGENT"]


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def migrate(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    command.upgrade(config, "head")


def employee_rows(org: UUID, department: UUID, ids: list[UUID]) -> Iterator[tuple[Any, ...]]:
    for n, eid in enumerate(ids):
        email = f"e{n}-{eid.hex[:8]}@bench.test"
        created = NOW - timedelta(days=90)
        yield (eid, org, email, f"E{n}", "EMPLOYEE", department, "SALES", None, True, created, None)


def task_rows(org: UUID, department: UUID, ids: list[UUID], rng: random.Random):
    for eid in ids:
        for _ in range(TASKS_PER_EMPLOYEE):
            due = (
                NOW + timedelta(hours=rng.uniform(-7 * 24, 30 * 24)) if rng.random() < 0.8 else None
            )
            created = NOW - timedelta(days=rng.uniform(0, 20))
            status = rng.choice(STATUSES)
            yield (
                uuid4(), org, "Task", "", rng.choice(PRIORITIES), status, eid, department,
                None, None, None, None, due, None, 30, 0.0, False, None, "MANUAL", None, None,
                None, created, created, None, None, None, 1,
            )  # fmt: skip


async def load(url: str, org: UUID, employees: int) -> dict[str, int]:
    rng = random.Random(20261202)
    ids = sorted(uuid4() for _ in range(employees))
    department = uuid4()
    conn = await asyncpg.connect(plain(url))
    try:
        async with conn.transaction():
            settings = json.dumps(settings_document(OrganizationSettings(timezone=TIMEZONE)))
            await conn.execute(
                "INSERT INTO organizations VALUES ($1, 'Bench', $2::jsonb, $3)",
                org,
                settings,
                NOW - timedelta(days=100),
            )
            await conn.execute(
                "INSERT INTO departments VALUES ($1, $2, 'Sales', NULL)", department, org
            )
            staff = list(employee_rows(org, department, ids))
            tasks = list(task_rows(org, department, ids, rng))
            await conn.copy_records_to_table("employees", records=staff)
            await conn.copy_records_to_table("tasks", records=tasks)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"employees": len(staff), "tasks": len(tasks)}


class StatementCounter:
    """Statements sent on an engine, and the time between sending each and its result."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count, self.seconds, self._sent = 0, 0.0, 0.0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, *_: object) -> None:
        self.count += 1
        self._sent = time.perf_counter()

    def _after(self, *_: object) -> None:
        self.seconds += time.perf_counter() - self._sent


async def timed(runs: int, call: Callable[[], Awaitable[object]], counter: StatementCounter):
    results = []
    for _ in range(runs):
        count, in_sql = counter.count, counter.seconds
        start = time.perf_counter()
        await call()
        wall = time.perf_counter() - start
        results.append((wall, counter.count - count, counter.seconds - in_sql))
    return results


def report(name: str, results: list[tuple[float, int, float]]) -> float:
    wall = statistics.median(r[0] for r in results)
    runs = ", ".join(f"{r[0]:.3f}" for r in results)
    in_sql = statistics.median(r[2] for r in results)
    print(
        f"{name}: median {wall:.3f} s (runs: {runs}); statements per run: "
        f"{[r[1] for r in results]}; median time inside SQL {in_sql:.3f} s"
    )
    return wall


async def bench(url: str, employees: int, runs: int) -> None:
    org = uuid4()
    start = time.perf_counter()
    print(f"loaded {await load(url, org, employees)} in {time.perf_counter() - start:.1f} s")
    engine = create_engine(url, pool_size=2)
    counter = StatementCounter(engine)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=ManualClock(NOW))

    async def stored_job() -> object:
        return await refresh_pending_summaries(ctx, org)

    async def records_in_python() -> object:
        windows = due_windows(NOW, TIMEZONE)
        async with ctx.uow() as uow:
            staff = await uow.employees.list_active(org)
            tasks = await uow.tasks.list_open(org)
        mine: dict[UUID, list[Task]] = defaultdict(list)
        for task in tasks:
            if task.assignee_id is not None:
                mine[task.assignee_id].append(task)
        return [count_pending(e.id, mine[e.id], windows) for e in staff]

    async with ctx.uow() as uow:
        someone = (await uow.employees.list_active(org))[employees // 2].id

    async def one_workload() -> object:
        return await workload(ctx, Caller.system(org), employee_id=someone)

    try:
        job = report(
            "refresh_pending_summaries (count + upsert)", await timed(runs, stored_job, counter)
        )
        old = report(
            "open tasks as records, counted in Python",
            await timed(runs, records_in_python, counter),
        )
        report(
            "workload(employeeId) from the stored summary", await timed(runs, one_workload, counter)
        )
    finally:
        await engine.dispose()
    print(f"ratio (records in Python / stored job): {old / job:.2f}x")


async def with_database_of(server: str, employees: int, runs: int) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    try:
        await asyncio.to_thread(migrate, url)
        await bench(url, employees, runs)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        asyncio.run(with_database_of(server, args.employees, args.runs))


if __name__ == "__main__":
    main()
