"""Benchmark: single timer writes and start+stop pairs, JTS against TimeTagger, in one run.

TimeTagger 26.1.3 (the pinned peer of ``../shared/perf``: asgineer on uvicorn, one
process, SQLite) is run first by its harness, ``peers/timetagger.sh``: (a) records/s with
one record per ``PUT /records`` from 10 concurrent clients, and (c) the p50 of a timer
start+stop pair, one pair at a time. Then the same two measurements against JTS, through
its GraphQL API served by uvicorn in a subprocess (one worker):

* (a) timer writes/s: 10 concurrent employees, each writing its timer one mutation at a
  time (``startTask``/``resumeTask``, ``pauseTask``, ``resumeTask``, ``stopTimer``), n in
  all. Each JTS write does far more than a TimeTagger record: the attendance, shift and
  assignee checks, the task's transition and history, the audit entry, the outbox event.
* (c) start+stop pairs: one employee, ``resumeTask`` (a new timer on the held task) then
  ``stopTimer``, one pair at a time; p50 and p99 of the pair.

    uv run python bench/timer_writes.py [--writes 5000] [--pairs 1000] [--perf-dir DIR]

Goals (issue 9): writes/s ≥ 1.5× TimeTagger's; pair p50 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx

from api_timer_cycle import (
    STEP_DOCUMENTS,
    Staff,
    free_port,
    make_staff,
    start_server,
    wait_healthy,
)
from jts_store.embedded import embedded_server_url
from jts_store.engine import with_database
from score_day import migrate, plain

#: The shared peers' harness, beside the repository (``--perf-dir`` elsewhere).
PERF = Path(__file__).resolve().parents[2] / "shared" / "perf"
CYCLE = ("pauseTask", "resumeTask", "stopTimer", "resumeTask")


def timetagger(perf: Path, writes: int, pairs: int) -> dict[str, float]:
    """Run the peer's harness; its figures."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            str(perf / "peers" / "timetagger.sh"),
            "--json", out.name, "--n1", str(writes), "--n100", "100", "--pairs", str(pairs),
        ]  # fmt: skip
        subprocess.run(command, check=True)  # noqa: S603 - the shared, pinned harness
        document = json.loads(Path(out.name).read_text())
    return {name: float(f["value"]) for name, f in document["figures"].items()}


async def _post(client: httpx.AsyncClient, staff: Staff, person_id: object, name: str) -> None:
    variables = {} if name == "stopTimer" else {"id": str(staff.tasks[person_id])}  # type: ignore[index]
    headers = {"Authorization": f"Bearer {staff.tokens[person_id]}"}  # type: ignore[index]
    response = await client.post(
        "/graphql", json={"query": STEP_DOCUMENTS[name], "variables": variables}, headers=headers
    )
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(json.dumps(body["errors"]))


async def jts_writes(base: str, staff: Staff, writes: int) -> float:
    """Timer writes/s: every employee writes its timer one mutation at a time."""
    per_person = writes // len(staff.employees)
    limits = httpx.Limits(max_connections=len(staff.employees) + 2)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        for person in staff.employees:
            await _post(client, staff, person.id, "startTask")

        async def employee(person_id: object) -> None:
            for n in range(per_person):
                await _post(client, staff, person_id, CYCLE[n % len(CYCLE)])

        began = time.perf_counter()
        await asyncio.gather(*(employee(p.id) for p in staff.employees))
        wall = time.perf_counter() - began
    return per_person * len(staff.employees) / wall


async def jts_pairs(base: str, staff: Staff, pairs: int) -> list[float]:
    """Start+stop pair latencies of one employee, one pair at a time."""
    person = staff.employees[0].id
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await _post(client, staff, person, "startTask")
        await _post(client, staff, person, "stopTimer")
        latencies = []
        for _ in range(pairs):
            began = time.perf_counter()
            await _post(client, staff, person, "resumeTask")
            await _post(client, staff, person, "stopTimer")
            latencies.append(time.perf_counter() - began)
    return sorted(latencies)


async def jts(url: str, writes: int, pairs: int) -> tuple[float, list[float]]:
    await asyncio.to_thread(migrate, url)
    port = free_port()
    server = start_server(url, port, pool_size=10, workers=1)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base)
        await jts_writes(base, await make_staff(url, 2), 200)  # warm up
        rate = await jts_writes(base, await make_staff(url, 10), writes)
        latencies = await jts_pairs(base, await make_staff(url, 1), pairs)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rate, latencies


async def jts_on_server(server: str, writes: int, pairs: int) -> tuple[float, list[float]]:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await jts(with_database(server, name), writes, pairs)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def _p(latencies: list[float], q: float) -> float:
    return latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=5000)
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--perf-dir", type=Path, default=PERF, help="../shared/perf")
    args = parser.parse_args()
    peer = timetagger(args.perf_dir, args.writes, args.pairs)
    with tempfile.TemporaryDirectory() as data_dir:
        server = os.environ.get("JTS_DATABASE_URL") or embedded_server_url(Path(data_dir))
        rate, latencies = asyncio.run(jts_on_server(server, args.writes, args.pairs))
    peer_rate, peer_p50 = peer["put_records_batch1"], peer["start_stop_pair_p50"]
    print(
        f"TimeTagger: {peer_rate:.0f} records/s (batch=1, 10 clients); pair p50 {peer_p50:.1f} ms"
    )
    print(
        f"JTS: {rate:.0f} timer writes/s (10 employees); pair p50 "
        f"{statistics.median(latencies) * 1000:.1f} ms, p99 {_p(latencies, 0.99):.1f} ms"
    )
    print(f"JTS / TimeTagger writes: {rate / peer_rate:.2f}")


if __name__ == "__main__":
    main()
