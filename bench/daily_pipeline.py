"""Benchmark: a 10,000-employee organization's daily jobs, end to end through the worker.

Bulk-loads the organization of ``score_day.py`` (its generator: 10,000 employees, 20 tasks
and 3 timers each, 30 days of roster and attendance), then queues one run of each of
create_daily_attendance (for the next day, which has no rows yet), generate_daily_planners,
sla_monitor and calculate_daily_scores on saq, and times each from queueing until a
worker drained the queue (the run's lock, execution row, the domain service, saq's own
bookkeeping). The clock is a manual one at 23:00 IST on the generator's day.

    uv run python bench/daily_pipeline.py [--employees 10000]

Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server in a temporary
directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg

from jts_domain.clock import ManualClock
from jts_domain.model import JobTrigger
from jts_domain.schedule import JobName
from jts_jobs.queue import RunRequest, enqueue_run
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime
from jts_store.embedded import embedded_server_url
from jts_store.engine import with_database
from score_day import DAY, Organization, load, migrate, plain

PIPELINE = [
    (JobName.CREATE_DAILY_ATTENDANCE, (DAY + timedelta(days=1),)),
    (JobName.GENERATE_DAILY_PLANNERS, (DAY,)),
    (JobName.SLA_MONITOR, ()),
    (JobName.CALCULATE_DAILY_SCORES, (DAY,)),
]


async def bench(url: str, employees: int) -> None:
    org = Organization(employees, random.Random(20261123))
    start = time.perf_counter()
    counts = await load(url, org)
    print(f"loaded {counts} in {time.perf_counter() - start:.1f} s")
    clock = ManualClock(datetime(2026, 3, 2, 17, 30, tzinfo=UTC))  # 23:00 IST
    settings = WorkerSettings(queue_name="bench", concurrency=1, job_timeout_s=3600)
    runtime = await JobsRuntime.open(settings, clock=clock, database_url=url)
    total = 0.0
    try:
        for job, dates in PIPELINE:
            run = RunRequest(
                job=job,
                organization_id=org.id,
                execution_id=uuid4(),
                trigger=JobTrigger.MANUAL,
                business_dates=dates,
            )
            start = time.perf_counter()
            await enqueue_run(runtime.queue, settings, run)
            await runtime.drain()
            wall = time.perf_counter() - start
            total += wall
            async with runtime.ctx.uow() as uow:
                row = await uow.job_executions.get(org.id, run.execution_id)
            print(f"{job.value}: {wall:.1f} s; success={row.success}; {row.message}")
    finally:
        await runtime.close()
    print(f"all four: {total:.1f} s")


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
    parser.add_argument("--employees", type=int, default=10_000)
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        asyncio.run(with_database_of(server, args.employees))


if __name__ == "__main__":
    main()
