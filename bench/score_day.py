"""Benchmark: score one business day of an organization of 10,000 employees.

Bulk-loads (COPY) an organization with 20 tasks and 3 timers (3 intervals each) per
employee and 30 days of roster and attendance, then times the whole-organization
``calculate_daily_scores`` use case — the day's first calculation (no stored scores) and
a recalculation with nothing changed — against the bare score-inputs SQL aggregate, in
interleaved rounds, and counts the SQL statements each sends. The ratios service ÷
aggregate are of medians measured in the same run.

    uv run python bench/score_day.py [--employees 10000] [--runs 3]

Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server in a temporary
directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain import scoring
from jts_domain.clock import ManualClock
from jts_domain.model import OrganizationSettings
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.scores import calculate_daily_scores
from jts_domain.shifts import local_day_bounds
from jts_store.embedded import embedded_server_url
from jts_store.engine import create_engine, with_database
from jts_store.queries import scores as score_queries
from jts_store.queries.scores import SCORE_INPUTS, SqlScoreQueries
from jts_store.repositories.organizations import settings_document
from jts_store.repositories.transaction import TransactionConnection
from jts_store.unit_of_work import SqlUnitOfWorkFactory

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 3, 2)
TIMEZONE = "Asia/Kolkata"
TASKS_PER_EMPLOYEE = 20
TIMERS_PER_EMPLOYEE = 3
HISTORY_DAYS = 30
STATUSES = ["COMPLETED"] * 6 + ["ASSIGNED", "IN_PROGRESS", "PENDING_REVIEW", "CANCELLED"]


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def migrate(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    command.upgrade(config, "head")


# The score-inputs statement before instants were compared with the local day's bounds:
# each instant converted to the organization's time zone, row by row.
PREVIOUS_SCORE_INPUTS = text(
    re.sub(
        r"\((\w+) >= :day_start AND \1 < :day_end\)",
        r"(\1 >= :near_start AND \1 < :near_end AND (\1 AT TIME ZONE :tz)::date = :day)",
        SCORE_INPUTS.element.text,
    )
)


class Organization:
    """The generated rows, as tuples in the tables' column order."""

    def __init__(self, employees: int, rng: random.Random) -> None:
        self.id = uuid4()
        self.rng = rng
        self.day_start, _ = local_day_bounds(DAY, TIMEZONE)
        self.department, self.store = uuid4(), uuid4()
        self.shifts = [uuid4() for _ in range(3)]
        self.employees = sorted(uuid4() for _ in range(employees))

    def at(self, minutes: float) -> datetime:
        return self.day_start + timedelta(minutes=minutes)

    def shift_rows(self) -> list[tuple[Any, ...]]:
        times = [((9, 0), (17, 0)), ((14, 0), (22, 0)), ((22, 0), (6, 0))]
        return [
            (sid, self.id, f"Shift {n}", wall_time(*a), wall_time(*b), 30)
            for n, (sid, (a, b)) in enumerate(zip(self.shifts, times, strict=True))
        ]

    def employee_rows(self) -> Iterator[tuple[Any, ...]]:
        for n, eid in enumerate(self.employees):
            yield (
                eid,
                self.id,
                f"e{n}-{eid.hex[:8]}@bench.test",
                f"Employee {n}",
                "EMPLOYEE",
                self.department,
                "SALES",
                self.store,
                True,
                self.at(-10_000),
                None,
            )

    def roster_rows(self) -> Iterator[tuple[Any, ...]]:
        for eid in self.employees:
            shift = self.rng.choice(self.shifts)
            for back in range(HISTORY_DAYS):
                yield (uuid4(), self.id, eid, DAY - timedelta(days=back), shift, self.store)

    def attendance_rows(self) -> Iterator[tuple[Any, ...]]:
        for eid in self.employees:
            for back in range(HISTORY_DAYS):
                status = self.rng.choice(["PRESENT", "PRESENT", "PRESENT", "LATE", "ABSENT"])
                yield (
                    uuid4(),
                    self.id,
                    eid,
                    DAY - timedelta(days=back),
                    status,
                    self.store,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    1,
                )

    def task_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for eid in self.employees:
            for _ in range(TASKS_PER_EMPLOYEE):
                status = rng.choice(STATUSES)
                due = self.at(rng.uniform(-600, 2000)) if rng.random() < 0.7 else None
                sla = self.at(rng.uniform(-600, 2000)) if rng.random() < 0.5 else None
                done = self.at(rng.uniform(0, 1440)) if status == "COMPLETED" else None
                approved = done if done is not None and rng.random() < 0.3 else None
                quality = rng.randint(1, 5) if approved is not None else None
                planned = rng.choice([DAY, DAY, DAY - timedelta(days=1), None])
                created = self.at(rng.uniform(-3000, 0))
                yield (
                    uuid4(),
                    self.id,
                    "Task",
                    "",
                    "MEDIUM",
                    status,
                    eid,
                    self.department,
                    self.store,
                    None,
                    None,
                    planned,
                    due,
                    sla,
                    rng.randint(10, 120),
                    0.0,
                    False,
                    quality,
                    "MANUAL",
                    None,
                    None,
                    None,
                    created,
                    created,
                    done,
                    approved,
                    None,
                    1,
                )

    def timer_rows(self, task_ids: dict[UUID, list[UUID]]) -> tuple[list[Any], list[Any]]:
        timers, intervals = [], []
        for eid in self.employees:
            for n in range(TIMERS_PER_EMPLOYEE):
                tid, start = uuid4(), self.at(60 + 300 * n + self.rng.uniform(0, 60))
                run1, pause, run2 = (timedelta(minutes=self.rng.uniform(5, 90)) for _ in "abc")
                marks = [start, start + run1, start + run1 + pause, start + run1 + pause + run2]
                timers.append(
                    (
                        tid,
                        self.id,
                        eid,
                        self.rng.choice(task_ids[eid]),
                        "STOPPED",
                        start,
                        DAY,  # business date: the local date of every start (01:00-12:00)
                        marks[3],
                        False,
                        "MANUAL",
                        [],
                        None,
                        None,
                        1,
                    )
                )
                for seq, state in enumerate(["RUNNING", "PAUSED", "RUNNING"]):
                    intervals.append((tid, seq, state, marks[seq], marks[seq + 1]))
        return timers, intervals


async def _leading_columns(conn: asyncpg.Connection, table: str, rows: list[tuple]) -> list[str]:
    """The table's first columns, as many as a generated row has (later migrations append
    columns with defaults, which the generator leaves to the database)."""
    names = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
        " ORDER BY ordinal_position",
        table,
    )
    return [r["column_name"] for r in names][: len(rows[0]) if rows else 0]


async def load(url: str, org: Organization) -> dict[str, int]:
    conn = await asyncpg.connect(plain(url))
    counts: dict[str, int] = {}
    try:
        async with conn.transaction():
            settings = json.dumps(settings_document(OrganizationSettings(timezone=TIMEZONE)))
            await conn.execute(
                "INSERT INTO organizations VALUES ($1, 'Bench', $2::jsonb, $3)",
                org.id,
                settings,
                org.at(-20_000),
            )
            await conn.execute(
                "INSERT INTO departments VALUES ($1, $2, 'Sales', NULL)", org.department, org.id
            )
            await conn.execute(
                "INSERT INTO stores VALUES ($1, $2, 'Store', 12.9, 77.6, 100)", org.store, org.id
            )
            tasks = list(org.task_rows())
            by_employee: dict[UUID, list[UUID]] = {}
            for row in tasks:
                by_employee.setdefault(row[6], []).append(row[0])
            timers, intervals = org.timer_rows(by_employee)
            for table, rows in [
                ("shift_templates", org.shift_rows()),
                ("employees", list(org.employee_rows())),
                ("roster_entries", list(org.roster_rows())),
                ("attendance", list(org.attendance_rows())),
                ("tasks", tasks),
                ("timers", timers),
                ("timer_intervals", intervals),
            ]:
                records = list(rows)
                await conn.copy_records_to_table(
                    table, records=records, columns=await _leading_columns(conn, table, records)
                )
                counts[table] = len(records)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return counts


class StatementCounter:
    """Counts statements sent on an engine (``before_cursor_execute``) and the time spent
    between sending each and having its result (``after_cursor_execute``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.seconds = 0.0
        self._sent = 0.0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, *_: object) -> None:
        self.count += 1
        self._sent = time.perf_counter()

    def _after(self, *_: object) -> None:
        self.seconds += time.perf_counter() - self._sent


class Timings:
    """Per timed call: wall seconds, statements sent, seconds inside those statements, and
    this process's CPU seconds (the Python side; the rest of the wall time is waiting)."""

    def __init__(self, counter: StatementCounter) -> None:
        self.counter = counter
        self.runs: dict[str, list[tuple[float, int, float, float]]] = {}

    async def time(self, name: str, call: Callable[[], Awaitable[object]]) -> None:
        count, in_sql = self.counter.count, self.counter.seconds
        start, cpu = time.perf_counter(), time.process_time()
        await call()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        run = (wall, self.counter.count - count, self.counter.seconds - in_sql, cpu)
        self.runs.setdefault(name, []).append(run)

    def median(self, name: str, field: int = 0) -> float:
        return statistics.median(r[field] for r in self.runs[name])

    def report(self, name: str, label: str) -> None:
        runs = ", ".join(f"{r[0]:.3f}" for r in self.runs[name])
        print(
            f"{label}: median {self.median(name):.3f} s, "
            f"least {min(r[0] for r in self.runs[name]):.3f} s (runs: {runs}); "
            f"statements per run: {[r[1] for r in self.runs[name]]}; "
            f"median inside SQL statements {self.median(name, 2):.3f} s, "
            f"median Python CPU {self.median(name, 3):.3f} s"
        )


async def forget_scores(url: str, org: Organization) -> None:
    """Delete the day's scores and vacuum them away, so the next run calculates anew."""
    conn = await asyncpg.connect(plain(url))
    try:
        await conn.execute(
            "DELETE FROM daily_scores WHERE organization_id = $1 AND business_date = $2",
            org.id,
            DAY,
        )
        await conn.execute("VACUUM daily_scores")
    finally:
        await conn.close()


async def bench(url: str, employees: int, runs: int) -> None:
    org = Organization(employees, random.Random(20261123))
    start = time.perf_counter()
    counts = await load(url, org)
    print(f"loaded {counts} in {time.perf_counter() - start:.1f} s")
    engine = create_engine(url, pool_size=2)
    timings = Timings(StatementCounter(engine))
    factory = SqlUnitOfWorkFactory(engine)
    ctx = ServiceContext(uow=factory, clock=ManualClock(datetime(2026, 3, 2, 17, 30, tzinfo=UTC)))
    caller = Caller.system(org.id)
    inputs: list[Any] = []

    async def service() -> object:
        return await calculate_daily_scores(ctx, caller, business_date=DAY)

    async def aggregate() -> object:
        async with engine.connect() as conn:
            db = TransactionConnection()
            db.bind(conn)
            inputs[:] = await SqlScoreQueries(db).score_inputs(org.id, DAY, TIMEZONE)
            return inputs

    async def previous_aggregate() -> object:
        """The aggregate as it was when the 3x goal was set (a time-zone conversion per row
        and instant), mapped the same way, for the record."""
        async with engine.connect() as conn:
            day_start, day_end = local_day_bounds(DAY, TIMEZONE)
            parameters = {
                "organization_id": org.id,
                "day": DAY,
                "tz": TIMEZONE,
                "near_start": day_start - timedelta(days=1),
                "near_end": day_end + timedelta(days=1),
            }
            rows = await conn.execute(PREVIOUS_SCORE_INPUTS, parameters)
            capacity = score_queries._CapacityOfDay(DAY, TIMEZONE)
            return [score_queries._inputs(row, DAY, capacity) for row in rows]

    async def scoring_alone() -> object:
        scorer = scoring.DayScorer(OrganizationSettings().score_weights)
        return [scorer.score(i) for i in inputs]

    try:
        await aggregate()  # warm-up: plans, caches
        # Interleaved, so that a change of load on the machine touches every measurement.
        for _ in range(runs):
            await timings.time("aggregate", aggregate)
            await timings.time("previous", previous_aggregate)
            await timings.time("scoring", scoring_alone)
            await forget_scores(url, org)
            await timings.time("first", service)
            await timings.time("again", service)
    finally:
        await engine.dispose()

    timings.report("aggregate", "bare score-inputs aggregate")
    timings.report("previous", "the aggregate as it was (time-zone conversion per row)")
    timings.report("scoring", "domain scoring alone (jts_domain.scoring.DayScorer, no I/O)")
    timings.report("first", "calculate_daily_scores, first calculation of the day")
    timings.report("again", "calculate_daily_scores, recalculation with nothing changed")
    for name in ("first", "again"):
        for baseline in ("aggregate", "previous"):
            ratio = timings.median(name) / timings.median(baseline)
            print(f"ratio {name} / {baseline} (medians): {ratio:.2f}x")


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
