"""Benchmark: the timesheet CSV export of 1,000,000 timers against ``COPY … TO STDOUT``.

Bulk-makes an organization of 50 employees, 500 tasks and N timers (one or two intervals
each; ``tests/api/export_data.py``), then in the same run, each ``--runs`` times:

* **export**: the JTS export path — ``prepare_export`` (checks, audit) then
  ``export_rows`` from the server-side cursor through ``csv_chunks``, the bytes the API
  streams, counted (not kept);
* **COPY**: PostgreSQL's own ``COPY (<the same SELECT>) TO STDOUT (FORMAT csv)`` of the
  same rows, in the same timezone, through asyncpg, counted the same way.

Rows per second of each (median run), and the ratio. Goal (issue 15): export ≥ 0.3× COPY.

    uv run python bench/export.py [--timers 1000000] [--runs 3]

Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server in a temporary
directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
from sqlalchemy.dialects import postgresql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the data maker is the memory test's

from jts_api.exports.files import csv_chunks  # noqa: E402
from jts_domain.clock import SystemClock  # noqa: E402
from jts_domain.exports.model import ExportKind, ExportScope  # noqa: E402
from jts_domain.exports.use_cases import export_rows, prepare_export  # noqa: E402
from jts_domain.services import Caller, ServiceContext  # noqa: E402
from jts_domain.services.organization import register_organization  # noqa: E402
from jts_store.embedded import embedded_server_url  # noqa: E402
from jts_store.engine import create_engine, with_database  # noqa: E402
from jts_store.operations.export_sql import export_statement  # noqa: E402
from jts_store.unit_of_work import SqlUnitOfWorkFactory  # noqa: E402
from score_day import migrate, plain  # noqa: E402
from tests.api.export_data import DAYS, FIRST_DAY, insert_timers  # noqa: E402


def copy_sql(scope: ExportScope) -> tuple[str, list[Any]]:
    """The export's SELECT for asyncpg: ``$n`` placeholders and their values."""
    statement, parameters = export_statement(scope)
    compiled = statement.compile(dialect=postgresql.asyncpg.dialect())  # type: ignore[attr-defined]
    values = compiled.construct_params(parameters)
    order = compiled.positiontup or []
    return str(compiled), [values[name] for name in order]


async def run_export(ctx: ServiceContext, caller: Caller) -> tuple[float, int, int]:
    """(seconds, rows, bytes) of one export through the JTS path."""
    started = time.perf_counter()
    scope = await prepare_export(
        ctx,
        caller,
        kind=ExportKind.TIMESHEETS,
        date_from=FIRST_DAY,
        date_to=FIRST_DAY + timedelta(days=DAYS - 1),
    )
    rows = 0

    def counted(n: int) -> None:
        nonlocal rows
        rows += n

    size = 0
    async for chunk in csv_chunks(scope.columns, export_rows(ctx, scope), counted):
        size += len(chunk)
    return time.perf_counter() - started, rows, size


async def run_copy(url: str, scope: ExportScope) -> tuple[float, int, int]:
    """(seconds, rows, bytes) of ``COPY (SELECT …) TO STDOUT`` of the same rows."""
    sql, args = copy_sql(scope)
    size = 0
    lines = 0

    async def sink(data: bytes) -> None:
        nonlocal size, lines
        size += len(data)
        lines += data.count(b"\n")

    connection = await asyncpg.connect(plain(url))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.execute("SELECT set_config('TimeZone', $1, true)", scope.timezone)
            await connection.copy_from_query(sql, *args, output=sink, format="csv", header=True)
        elapsed = time.perf_counter() - started
    finally:
        await connection.close()
    return elapsed, lines - 1, size


async def bench(url: str, timers: int, runs: int) -> None:
    engine = create_engine(url, pool_size=2)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=SystemClock())
    try:
        organization, admin = await register_organization(
            ctx,
            organization_name="Export bench",
            admin_email=f"bench-{uuid4().hex[:8]}@export.test",
            admin_name="Bench",
        )
        started = time.perf_counter()
        await insert_timers(url, organization.id, timers)
        print(f"made {timers} timers in {time.perf_counter() - started:.1f} s")
        caller = Caller.of(admin)
        scope = await prepare_export(
            ctx,
            caller,
            kind=ExportKind.TIMESHEETS,
            date_from=FIRST_DAY,
            date_to=FIRST_DAY + timedelta(days=DAYS - 1),
        )
        exports, copies = [], []
        for _ in range(runs):
            copies.append(await run_copy(url, scope))
            exports.append(await run_export(ctx, caller))
    finally:
        await engine.dispose()
    for name, results in (("COPY (SELECT …) TO STDOUT", copies), ("JTS CSV export", exports)):
        assert {r[1] for r in results} == {timers}, f"{name} gave {[r[1] for r in results]} rows"
        seconds = statistics.median(r[0] for r in results)
        print(
            f"{name}: median {seconds:.2f} s = {timers / seconds:,.0f} rows/s "
            f"(runs: {', '.join(f'{r[0]:.2f}' for r in results)}; {results[0][2]:,} bytes)"
        )
    ratio = statistics.median(r[0] for r in copies) / statistics.median(r[0] for r in exports)
    print(f"export rows/s ÷ COPY rows/s: {ratio:.2f}x (goal ≥ 0.3x)")


async def with_database_of(server: str, timers: int, runs: int) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    try:
        await asyncio.to_thread(migrate, url)
        await bench(url, timers, runs)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        asyncio.run(with_database_of(server, args.timers, args.runs))
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
