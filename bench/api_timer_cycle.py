"""Benchmark: timer cycles through the GraphQL API against the same cycle in raw SQL.

N employees (clocked in, rostered today, one ASSIGNED task each) run concurrently, each
doing ``--cycles`` cycles of start → pause → resume → stop:

* **GraphQL**: ``startTask`` (``resumeTask`` once the task is ON_HOLD after a stop),
  ``pauseTask``, ``resumeTask`` and ``stopTimer`` posted with httpx to a real API server
  (uvicorn in a subprocess, the app made by ``jts_api.app:create_app`` from ``JTS_``
  variables, real clock, argon2 untouched: tokens are issued up front);
* **raw asyncpg**: the same four steps as hand-written statements over an asyncpg pool,
  one transaction each, writing what the use case writes (the task and its history, the
  timer and its intervals, the audit row, the outbox row and its NOTIFY) after the
  same reads (the task, the open attendance, the roster, the active timer).

Reported: requests (steps) per second, p50 and p99 latency of one step, and the ratio.

    uv run python bench/api_timer_cycle.py [--employees 20] [--cycles 25]

Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server in a temporary
directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx

from jts_api.auth.tokens import TokenCodec
from jts_domain.clock import SystemClock
from jts_domain.ids import new_id
from jts_domain.model import (
    Department,
    Employee,
    JobCategory,
    Organization,
    OrganizationSettings,
    Role,
    RosterEntry,
    ShiftTemplate,
    Store,
    Task,
    TaskStatus,
)
from jts_domain.services import Caller, ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.shifts import business_date
from jts_store.embedded import embedded_server_url
from jts_store.engine import create_engine, with_database
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from lean_http import LeanConnection
from score_day import migrate, plain

SECRET = "bench-secret-key-" + "x" * 32
LATITUDE, LONGITUDE = 12.9716, 77.5946
STEP_DOCUMENTS = {
    "startTask": "mutation($id: ID!) { startTask(id: $id) { id status } }",
    "resumeTask": "mutation($id: ID!) { resumeTask(id: $id) { id status } }",
    "pauseTask": "mutation($id: ID!) { pauseTask(id: $id) { id status } }",
    "stopTimer": "mutation { stopTimer { id state } }",
}


@dataclass
class Staff:
    """The benchmark's organization: who works on which task."""

    organization_id: UUID
    employees: list[Employee]
    tasks: dict[UUID, UUID]  # employee id → task id
    tokens: dict[UUID, str] = field(default_factory=dict)


@dataclass
class Timings:
    """Latencies of every step, and the wall time of the whole run."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    #: CPU seconds the benchmark's own process (the client) and the API processes spent.
    client_cpu: float = 0.0
    server_cpu: float | None = None

    def report(self, label: str) -> float:
        lat = sorted(self.latencies)
        throughput = len(lat) / self.wall
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        cpu = f"; client CPU {self.client_cpu / len(lat) * 1000:.2f} ms a step"
        if self.server_cpu is not None:
            cpu += f", API CPU {self.server_cpu / len(lat) * 1000:.2f} ms a step"
        print(
            f"{label}: {len(lat)} steps in {self.wall:.2f} s = {throughput:.0f} steps/s; "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms{cpu}"
        )
        return throughput


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children so far (Linux)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def make_staff(url: str, count: int) -> Staff:
    """An organization with ``count`` employees rostered all day today and clocked in,
    each with one ASSIGNED task (written through the ports and the clock-in use case)."""
    engine = create_engine(url, pool_size=5)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=SystemClock())
    now = ctx.clock.now()
    org = Organization(id=new_id(), name="Bench", settings=OrganizationSettings(), created_at=now)
    store = Store(
        id=new_id(),
        organization_id=org.id,
        name="Store",
        latitude=LATITUDE,
        longitude=LONGITUDE,
        radius_meters=100.0,
    )
    shift = ShiftTemplate(
        id=new_id(),
        organization_id=org.id,
        name="All day",
        start_time=clock_time(0, 0),
        end_time=clock_time(23, 59),
    )
    department = Department(id=new_id(), organization_id=org.id, name="Floor")
    today = business_date(now, org.settings.timezone)
    employees = [
        Employee(
            id=new_id(),
            organization_id=org.id,
            email=f"bench-{index}-{new_id().hex[:8]}@example.test",
            name=f"Employee {index}",
            role=Role.EMPLOYEE,
            department_id=department.id,
            job_category=JobCategory.SALES,
            store_id=store.id,
            created_at=now,
        )
        for index in range(count)
    ]
    staff = Staff(organization_id=org.id, employees=employees, tasks={})
    async with ctx.uow() as uow:
        await uow.organizations.add(org)
        await uow.stores.add(store)
        await uow.shift_templates.add(shift)
        await uow.departments.add(department)
        for person in employees:
            await uow.employees.add(person)
            await uow.roster.add(
                RosterEntry(
                    id=new_id(),
                    organization_id=org.id,
                    employee_id=person.id,
                    business_date=today,
                    shift_template_id=shift.id,
                    store_id=store.id,
                )
            )
            task = Task(
                id=new_id(),
                organization_id=org.id,
                title=f"Work of {person.name}",
                status=TaskStatus.ASSIGNED,
                assignee_id=person.id,
                department_id=department.id,
                created_at=now,
                status_changed_at=now,
            )
            await uow.tasks.add(task)
            staff.tasks[person.id] = task.id
        await uow.commit()
    for person in employees:
        await attendance_service.clock_in(
            ctx, Caller.of(person), latitude=LATITUDE, longitude=LONGITUDE
        )
    await engine.dispose()
    codec = TokenCodec(SECRET, SystemClock(), timedelta(hours=2))
    staff.tokens = {person.id: codec.issue(person) for person in employees}
    return staff


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, pool_size: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "JTS_DATABASE_URL": url,
        "JTS_SECRET_KEY": SECRET,
        "JTS_RATE_LIMIT_PER_MINUTE": "100000000",
        "JTS_RATE_LIMIT_BURST": "100000000",
        "JTS_POOL_SIZE": str(pool_size),
        "JTS_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "jts_api.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--loop", "uvloop", "--http", "httptools", "--workers", str(workers),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and module


async def wait_healthy(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"{base}/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    msg = "the API server did not become healthy"
    raise RuntimeError(msg)


Post = Callable[[Employee, dict[str, object], dict[str, str]], Awaitable[dict[str, object]]]


@contextlib.asynccontextmanager
async def http_client(base: str, staff: Staff, kind: str) -> AsyncIterator[Post]:
    """POST /graphql as one employee: httpx (one pooled client), or the lean client (one
    keep-alive connection per employee, :mod:`lean_http`)."""
    if kind == "httpx":
        limits = httpx.Limits(max_connections=len(staff.employees) + 5)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

            async def post_httpx(
                _person: Employee, payload: dict[str, object], headers: dict[str, str]
            ) -> dict[str, object]:
                answer: dict[str, object] = (
                    await client.post("/graphql", json=payload, headers=headers)
                ).json()
                return answer

            yield post_httpx
        return
    host, port = base.removeprefix("http://").split(":")
    connections = {p.id: await LeanConnection.open(host, int(port)) for p in staff.employees}

    async def post_lean(
        person: Employee, payload: dict[str, object], headers: dict[str, str]
    ) -> dict[str, object]:
        _status, answer = await connections[person.id].post_json("/graphql", payload, headers)
        return answer  # type: ignore[no-any-return]

    try:
        yield post_lean
    finally:
        for connection in connections.values():
            await connection.close()


async def graphql_run(
    base: str, staff: Staff, cycles: int, server_pid: int = 0, client: str = "lean"
) -> Timings:
    timings = Timings()
    async with http_client(base, staff, client) as post:

        async def step(person: Employee, name: str) -> None:
            variables = {} if name == "stopTimer" else {"id": str(staff.tasks[person.id])}
            payload = {"query": STEP_DOCUMENTS[name], "variables": variables}
            headers = {"Authorization": f"Bearer {staff.tokens[person.id]}"}
            began = time.perf_counter()
            body = await post(person, payload, headers)
            timings.latencies.append(time.perf_counter() - began)
            if body.get("errors") or not body.get("data"):
                raise RuntimeError(json.dumps(body))

        async def employee(person: Employee) -> None:
            for cycle in range(cycles):
                await step(person, "startTask" if cycle == 0 else "resumeTask")
                await step(person, "pauseTask")
                await step(person, "resumeTask")
                await step(person, "stopTimer")

        began, cpu = time.perf_counter(), time.process_time()
        server_cpu = process_cpu(server_pid) if server_pid else 0.0
        await asyncio.gather(*(employee(p) for p in staff.employees))
        timings.wall = time.perf_counter() - began
        timings.client_cpu = time.process_time() - cpu
        if server_pid:
            timings.server_cpu = process_cpu(server_pid) - server_cpu
    return timings


# The raw baseline: what the use cases read and write, as hand-written statements.
_TASK = "SELECT status, version FROM tasks WHERE id = $1 AND organization_id = $2"
_OPEN_ATTENDANCE = """SELECT id FROM attendance WHERE organization_id = $1 AND employee_id = $2
AND clock_in_at IS NOT NULL AND clock_out_at IS NULL"""
_ROSTER = """SELECT id FROM roster_entries WHERE organization_id = $1 AND employee_id = $2
AND business_date = $3"""
_ACTIVE_TIMER = """SELECT id, version FROM timers WHERE organization_id = $1 AND employee_id = $2
AND state <> 'STOPPED'"""
_NEW_TIMER = """INSERT INTO timers (id, organization_id, employee_id, task_id, state, started_at,
business_date, auto_stopped, skipped_checks, version)
VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6, false, '{}', 1)"""
_NEW_INTERVAL = """INSERT INTO timer_intervals (timer_id, seq, state, started_at)
VALUES ($1, (SELECT coalesce(max(seq) + 1, 0) FROM timer_intervals WHERE timer_id = $1), $2, $3)"""
_CLOSE_INTERVAL = """UPDATE timer_intervals SET ended_at = $2
WHERE timer_id = $1 AND ended_at IS NULL"""
_TIMER_STATE = """UPDATE timers SET state = $2, version = version + 1,
stopped_at = CASE WHEN $2 = 'STOPPED' THEN $3 ELSE stopped_at END,
stop_reason = CASE WHEN $2 = 'STOPPED' THEN 'MANUAL' ELSE stop_reason END
WHERE id = $1 AND version = $4"""
_ACTUAL = """SELECT coalesce(sum(extract(epoch FROM i.ended_at - i.started_at)), 0)
FROM timer_intervals i JOIN timers t ON t.id = i.timer_id
WHERE t.task_id = $1 AND i.state = 'RUNNING'"""
_TASK_STATE = """UPDATE tasks SET status = $3, version = version + 1, status_changed_at = $4,
actual_seconds = coalesce($5, actual_seconds)
WHERE id = $1 AND organization_id = $2 AND version = $6"""
_HISTORY = """INSERT INTO task_status_history (id, organization_id, task_id, from_status,
to_status, at, actor_type, actor_id, actor_name, seconds_in_previous)
VALUES ($1, $2, $3, $4, $5, $6, 'USER', $7, 'bench', 0)"""
_AUDIT = """INSERT INTO audit_log (id, organization_id, at, actor_type, actor_id, actor_name,
action, entity_type, entity_id, summary) VALUES ($1, $2, $3, 'USER', $4, 'bench', $5, 'timer', $6,
'timer')"""
_OUTBOX = """WITH written AS (INSERT INTO outbox (organization_id, name, payload, occurred_at)
VALUES ($1, 'timer.state_changed', $2::jsonb, $3) RETURNING id)
SELECT pg_notify('jts_outbox', max(id)::text) FROM written"""


async def raw_step(  # noqa: PLR0917 - one step of one employee
    pool: asyncpg.Pool, org: UUID, person: UUID, task_id: UUID, trigger: str, today: object
) -> None:
    """One step of the cycle in one transaction, as the use case does it."""
    now = datetime.now(UTC)
    target = {"start": "IN_PROGRESS", "pause": "PAUSED", "resume": "IN_PROGRESS"}.get(
        trigger, "ON_HOLD"
    )
    async with pool.acquire() as conn, conn.transaction():
        task = await conn.fetchrow(_TASK, task_id, org)
        assert task is not None
        active = await conn.fetchrow(_ACTIVE_TIMER, org, person)
        actual = None
        if trigger == "start":
            await conn.fetchrow(_OPEN_ATTENDANCE, org, person)
            await conn.fetchrow(_ROSTER, org, person, today)
            timer_id = uuid4()
            await conn.execute(_NEW_TIMER, timer_id, org, person, task_id, now, today)
            await conn.execute(_NEW_INTERVAL, timer_id, "RUNNING", now)
        else:
            assert active is not None
            timer_id = active["id"]
            state = {"pause": "PAUSED", "resume": "RUNNING"}.get(trigger, "STOPPED")
            await conn.execute(_CLOSE_INTERVAL, timer_id, now)
            if state != "STOPPED":
                await conn.execute(_NEW_INTERVAL, timer_id, state, now)
            await conn.execute(_TIMER_STATE, timer_id, state, now, active["version"])
            if state == "STOPPED":
                actual = float(await conn.fetchval(_ACTUAL, task_id))
        await conn.execute(_TASK_STATE, task_id, org, target, now, actual, task["version"])
        await conn.execute(_HISTORY, uuid4(), org, task_id, task["status"], target, now, person)
        await conn.execute(_AUDIT, uuid4(), org, now, person, f"timer.{trigger}", timer_id)
        payload = json.dumps({"timer_id": str(timer_id), "employee_id": str(person)})
        await conn.fetchval(_OUTBOX, org, payload, now)


async def raw_run(url: str, staff: Staff, cycles: int, pool_size: int) -> Timings:
    timings = Timings()
    today = business_date(datetime.now(UTC), OrganizationSettings().timezone)
    async with asyncpg.create_pool(plain(url), min_size=pool_size, max_size=pool_size) as pool:

        async def timed(step: Callable[[], Awaitable[None]]) -> None:
            began = time.perf_counter()
            await step()
            timings.latencies.append(time.perf_counter() - began)

        async def employee(person: Employee) -> None:
            task_id, org = staff.tasks[person.id], staff.organization_id
            for _ in range(cycles):
                for trigger in ("start", "pause", "resume", "stop"):
                    await timed(
                        lambda t=trigger: raw_step(pool, org, person.id, task_id, t, today)  # type: ignore[misc]
                    )

        began, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(employee(p) for p in staff.employees))
        timings.wall = time.perf_counter() - began
        timings.client_cpu = time.process_time() - cpu
    return timings


async def bench(  # noqa: PLR0917 - the command's options
    url: str, employees: int, cycles: int, pool_size: int, workers: int, client: str, rounds: int
) -> None:
    """``rounds`` interleaved rounds (a fresh server, its GraphQL run, the server stopped,
    then the raw run), so that a change of the machine's load touches both sides."""
    await asyncio.to_thread(migrate, url)
    ratios: list[float] = []
    for round_number in range(1, rounds + 1):
        port = free_port()
        server = start_server(url, port, pool_size, workers)
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_healthy(base)
            api_staff = await make_staff(url, employees)
            warm = await make_staff(url, 2)
            await graphql_run(base, warm, 2, client=client)  # caches, pools, imports warmed up
            api = await graphql_run(base, api_staff, cycles, server.pid, client)
        finally:
            server.terminate()
            server.wait(timeout=30)
        raw_staff = await make_staff(url, employees)
        raw = await raw_run(url, raw_staff, cycles, pool_size)
        print(f"round {round_number} (load average {os.getloadavg()[0]:.2f})")
        api_rate = api.report(f"  GraphQL ({employees} employees x {cycles} cycles)")
        raw_rate = raw.report(f"  raw asyncpg ({employees} employees x {cycles} cycles)")
        ratios.append(api_rate / raw_rate)
        print(f"  GraphQL / raw throughput: {ratios[-1]:.2f}")
    print(
        f"GraphQL / raw throughput, median of {rounds} rounds: {statistics.median(ratios):.2f}"
        f" (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )


async def with_database_of(  # noqa: PLR0917 - the command's options
    server: str, employees: int, cycles: int, pool_size: int, workers: int, client: str, rounds: int
) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await bench(
            with_database(server, name), employees, cycles, pool_size, workers, client, rounds
        )
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=20)
    parser.add_argument("--cycles", type=int, default=25)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--api-workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument(
        "--client", choices=("lean", "httpx"), default="lean", help="the HTTP load generator"
    )
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        asyncio.run(
            with_database_of(
                server,
                args.employees,
                args.cycles,
                args.pool_size,
                args.api_workers,
                args.client,
                args.rounds,
            )
        )


if __name__ == "__main__":
    main()
