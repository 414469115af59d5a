"""Benchmark: heartbeat ingest through the GraphQL API, side by side in one run with
ActivityWatch's aw-server and raw PostgreSQL COPY (``/work/shared/perf``).

* **single**: ``recordActivity``, one heartbeat per request, ``--clients`` employees at
  once (10, as aw_bench's 10 watchers), ``--singles`` heartbeats in all, each different;
  against aw-server's ``POST /heartbeat`` where each heartbeat is a new event.
* **bulk**: ``uploadActivity`` with ``--batch`` (1,000) items per call, 10 % of each
  batch repeating a client id sent before (the first batch repeats its own), from
  ``--uploaders`` (2, as raw_heartbeats) employees at once, ``--batches`` calls; asked
  for the whole per-item ``results`` and, again on fresh data, for the counts and the
  REJECTED items only (what an offline queue needs: accepted and duplicate items are
  done either way).
  Against aw-server's bulk ``POST /events`` and raw COPY (+ INSERT … ON CONFLICT).

The API runs as in production: uvicorn (uvloop, httptools) in a subprocess on the
app of ``jts_api.app:create_app``, real clock, tokens issued up front. Afterwards the
database must hold exactly the distinct client ids sent, each ACCEPTED once.

    uv run python bench/activity_ingest.py [--skip-peers] [--api-workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from api_timer_cycle import Staff, free_port, make_staff, start_server, wait_healthy
from jts_domain.clock import SystemClock
from jts_domain.services import Caller, ServiceContext
from jts_domain.services import tasks as task_service
from jts_store.embedded import embedded_server_url
from jts_store.engine import create_engine, with_database
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from score_day import migrate, plain

PERF = Path("/work/shared/perf")
RECORD = "mutation($i: ActivityInput!) { recordActivity(input: $i) { status } }"
UPLOAD_FULL = """mutation($items: [ActivityInput!]!) {
  uploadActivity(items: $items) { accepted duplicates rejected
    results { clientId status reason timerId } } }"""
UPLOAD_COUNTS = """mutation($items: [ActivityInput!]!) {
  uploadActivity(items: $items) { accepted duplicates rejected
    results(status: [REJECTED]) { clientId reason message } } }"""


@dataclass
class Figures:
    rate: float
    sent: int
    accepted: int
    seconds: float


def item(client_id: str, at: datetime, n: int) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "at": at.isoformat(),
        "kind": "ACTIVE" if n % 5 else "IDLE",
        "seconds": 30,
        "app": "jts-desktop",
        "title": f"task-{n % 97}",
    }


async def start_timers(url: str, staff: Staff) -> datetime:
    """Every employee starts work on their task (through the use case); an instant at
    which all the timers run."""
    engine = create_engine(url, pool_size=5)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=SystemClock())
    for person in staff.employees:
        await task_service.start_task(ctx, Caller.of(person), staff.tasks[person.id])
    await engine.dispose()
    return datetime.now(UTC)  # every timer runs from here on


async def post(client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(json.dumps(body["errors"])[:500])
    return body["data"]


async def singles(base: str, staff: Staff, started: datetime, total: int, clients: int) -> Figures:
    people = staff.employees[:clients]
    per = total // len(people)
    limits = httpx.Limits(max_connections=clients + 2)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def watcher(index: int) -> int:
            token = staff.tokens[people[index].id]
            accepted = 0
            for n in range(per):
                at = started + timedelta(milliseconds=n)
                data = await post(client, token, RECORD, {"i": item(uuid4().hex, at, n)})
                accepted += data["recordActivity"]["status"] == "ACCEPTED"
            return accepted

        began = time.perf_counter()
        accepted = sum(await asyncio.gather(*(watcher(i) for i in range(len(people)))))
        seconds = time.perf_counter() - began
    return Figures(per * len(people) / seconds, per * len(people), accepted, seconds)


def batches_of(
    count: int, size: int, started: datetime, seed: int
) -> tuple[list[list[dict[str, Any]]], int]:
    """Batches with 10 % repeats of earlier client ids (carrying other contents)."""
    rng = random.Random(seed)
    sent: list[dict[str, Any]] = []
    batches = []
    repeats = size // 10
    for b in range(count):
        fresh = [
            item(uuid4().hex, started + timedelta(microseconds=b * size + i), i)
            for i in range(size - repeats)
        ]
        pool = sent or fresh
        again = [{**rng.choice(pool), "seconds": 31} for _ in range(repeats)]
        rows = fresh + again
        rng.shuffle(rows)
        batches.append(rows)
        sent.extend(fresh)
    return batches, len(sent)


async def bulk(
    base: str, staff: Staff, batches: list[list[dict[str, Any]]], uploaders: int, query: str
) -> Figures:
    people = staff.employees[-uploaders:]
    queue = iter(batches)
    limits = httpx.Limits(max_connections=uploaders + 2)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def uploader(index: int) -> int:
            token = staff.tokens[people[index].id]
            accepted = 0
            for rows in queue:
                data = await post(client, token, query, {"items": rows})
                accepted += data["uploadActivity"]["accepted"]
            return accepted

        began = time.perf_counter()
        accepted = sum(await asyncio.gather(*(uploader(i) for i in range(uploaders))))
        seconds = time.perf_counter() - began
    sent = sum(len(b) for b in batches)
    return Figures(sent / seconds, sent, accepted, seconds)


async def stored(url: str, organization_id: UUID) -> int:
    conn = await asyncpg.connect(plain(url))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM heartbeats WHERE organization_id = $1", organization_id
            )
        )
    finally:
        await conn.close()


def peer(command: list[str], name: str) -> dict[str, Any]:
    """Run a peer's script with ``--json``; its figures."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        print(f"running {name} ...", flush=True)
        subprocess.run([*command, "--json", out.name], check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - the shared perf harness
        return json.loads(Path(out.name).read_text())["figures"]


async def bench(url: str, args: argparse.Namespace) -> dict[str, Figures]:
    await asyncio.to_thread(migrate, url)
    port = free_port()
    server = start_server(url, port, args.pool_size, args.api_workers)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Figures] = {}
    try:
        await wait_healthy(base)
        staff = await make_staff(url, max(args.clients, args.uploaders * 2))
        started = await start_timers(url, staff)
        warm, _ = batches_of(3, args.batch, started - timedelta(seconds=1), seed=1)
        await bulk(base, staff, warm, 1, UPLOAD_FULL)  # caches, pools, the month's partition
        before = await stored(url, staff.organization_id)
        results["single recordActivity"] = await singles(
            base, staff, started, args.singles, args.clients
        )
        full, distinct_full = batches_of(
            args.batches, args.batch, started + timedelta(seconds=5), seed=2
        )
        results["bulk uploadActivity (all results)"] = await bulk(
            base, staff, full, args.uploaders, UPLOAD_FULL
        )
        counts, distinct_counts = batches_of(
            args.batches, args.batch, started + timedelta(seconds=9), seed=3
        )
        results["bulk uploadActivity (counts, rejected only)"] = await bulk(
            base, staff, counts, args.uploaders, UPLOAD_COUNTS
        )
        expected = args.singles // args.clients * args.clients + distinct_full + distinct_counts
        got = await stored(url, staff.organization_id) - before
        accepted = sum(f.accepted for f in results.values())
        if got != expected or accepted != expected:
            msg = (
                f"verification failed: {got} stored, {accepted} accepted, {expected} distinct sent"
            )
            raise SystemExit(msg)
        print(f"verified: {got} heartbeats stored = distinct client ids sent = accepted")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


async def with_database_of(server: str, args: argparse.Namespace) -> dict[str, Figures]:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await bench(with_database(server, name), args)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def report(jts: dict[str, Figures], aw: dict[str, Any] | None, raw: dict[str, Any] | None) -> None:
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for name, f in jts.items():
        print(f"JTS {name}: {f.rate:,.0f} items/s ({f.sent:,} in {f.seconds:.2f} s)")
    single = jts["single recordActivity"].rate
    full = jts["bulk uploadActivity (all results)"].rate
    counts = jts["bulk uploadActivity (counts, rejected only)"].rate
    if aw is not None:
        beats, events = aw["heartbeat_insert"]["value"], aw["bulk_events"]["value"]
        print(f"aw-server: {beats:,.0f} heartbeats/s (new event each); bulk {events:,.0f} events/s")
        print(f"single ÷ aw heartbeats: {single / beats:.2f} (goal ≥ 3)")
        print(f"bulk ÷ aw bulk events: {full / events:.2f} all results,", end=" ")
        print(f"{counts / events:.2f} rejected only (goal ≥ 5)")
    if raw is not None:
        copy = raw["heartbeats_copy"]["value"]
        print(f"raw COPY: {copy:,.0f} rows/s")
        print(f"bulk ÷ raw COPY: {full / copy:.2f} all results,", end=" ")
        print(f"{counts / copy:.2f} rejected only (goal ≥ 0.25)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--uploaders", type=int, default=2)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--api-workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--skip-peers", action="store_true", help="JTS only")
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        jts = asyncio.run(with_database_of(server, args))
    aw = raw = None
    if not args.skip_peers:
        aw = peer(["bash", str(PERF / "peers/activitywatch.sh")], "aw-server")
        raw = peer(
            [
                "/tmp/perf-raw/bin/python",  # noqa: S108 -- the venv setup_venvs.sh builds
                str(PERF / "baseline/raw_heartbeats.py"),
                "--modes",
                "copy",
            ],
            "raw COPY",
        )
    report(jts, aw, raw)


if __name__ == "__main__":
    sys.exit(main())
