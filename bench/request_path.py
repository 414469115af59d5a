"""Benchmark: what one small mutation costs the API process, layer by layer.

One employee (clocked in, rostered, one task) runs timer cycles through the real API
(``startTask``/``resumeTask``, ``pauseTask``, ``resumeTask``, ``stopTimer``), one request
at a time, against a server in a subprocess (``bench/profiled_server.py``: uvicorn,
uvloop, httptools, one process). Two passes of ``--steps`` requests each:

1. **unprofiled**: the server's CPU time (user + system, from ``/proc``) per request,
   and the latency seen by the client;
2. **profiled** (cProfile in the server, switched on for the pass only): each function's
   own time, summed by the layer its module belongs to, as a share of the total; the
   "ms" column spreads the unprofiled CPU per request over the layers by those shares
   (cProfile slows Python code more than C code, so read it as an estimate).

    uv run python bench/request_path.py [--steps 400]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx

from api_timer_cycle import SECRET, STEP_DOCUMENTS, Staff, free_port, make_staff, wait_healthy
from jts_store.embedded import embedded_server_url
from jts_store.engine import with_database
from score_day import migrate, plain

HERE = Path(__file__).resolve().parent
CYCLE = ("pauseTask", "resumeTask", "stopTimer", "resumeTask")
TRIVIAL = {"query": "{ __typename }"}
REPEATS = 3

#: Layers, by where a function's code lives (first match wins).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("GraphQL parse", ("graphql/language",)),
    ("GraphQL validate", ("graphql/validation", "graphql/utilities")),
    ("GraphQL execute (graphql-core)", ("graphql/execution", "graphql/pyutils", "graphql/type")),
    ("Strawberry", ("strawberry/",)),
    ("auth (token, caller)", ("jts_api/auth", "jts_api/context", "jwt/", "jwt.", "hmac")),
    ("middleware, metrics, logging", ("jts_api/ops", "prometheus_client", "structlog", "logging/")),
    ("use case (domain)", ("jts_domain/",)),
    ("store (jts_store, SQLAlchemy, asyncpg)", ("jts_store/", "sqlalchemy", "asyncpg", "greenlet")),
    ("JSON", ("json/", "json.", "msgspec")),
    ("Litestar", ("litestar/",)),
    ("uvicorn, HTTP parsing", ("uvicorn/", "httptools", "h11")),
    ("asyncio", ("asyncio/", "uvloop", "contextvars", "_asyncio")),
    ("jts_api (resolvers, errors, limits)", ("jts_api/",)),
]


def layer_of(key: tuple[str, int, str]) -> str:
    filename, _, name = key
    where = f"{filename} {name}"
    for layer, needles in LAYERS:
        if any(needle in where for needle in needles):
            return layer
    return "other (stdlib, builtins)"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_trivial(base: str, staff: Staff, requests: int) -> list[float]:
    """``{ __typename }`` as a signed-in employee: everything but a use case."""
    person = staff.employees[0]
    headers = {"Authorization": f"Bearer {staff.tokens[person.id]}"}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(requests):
            began = time.perf_counter()
            response = await client.post("/graphql", json=TRIVIAL, headers=headers)
            latencies.append(time.perf_counter() - began)
            if response.json().get("errors"):
                raise RuntimeError(response.text)
    return latencies


async def run_steps(base: str, staff: Staff, steps: int) -> list[float]:
    person = staff.employees[0]
    task_id = str(staff.tasks[person.id])
    headers = {"Authorization": f"Bearer {staff.tokens[person.id]}"}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def step(name: str) -> None:
            variables = {} if name == "stopTimer" else {"id": task_id}
            payload = {"query": STEP_DOCUMENTS[name], "variables": variables}
            began = time.perf_counter()
            response = await client.post("/graphql", json=payload, headers=headers)
            latencies.append(time.perf_counter() - began)
            if response.json().get("errors"):
                raise RuntimeError(response.text)

        await step("startTask")
        for index in range(steps - 1):
            await step(CYCLE[index % len(CYCLE)])
    return latencies


def layer_table(stats_file: str, requests: int, cpu_ms: float) -> None:
    stats = pstats.Stats(stats_file)
    totals: dict[str, float] = {}
    for key, (_, _, own, _, callers) in stats.stats.items():  # type: ignore[attr-defined]
        layer = layer_of(key)
        if key[0] == "~" and callers:
            # a builtin: its time belongs to the layers that called it, pro rata
            called = sum(tt for (_, _, tt, _) in callers.values()) or 1.0
            for caller, (_, _, tt, _) in callers.items():
                share = own * tt / called
                totals[layer_of(caller)] = totals.get(layer_of(caller), 0.0) + share
            continue
        totals[layer] = totals.get(layer, 0.0) + own
    profiled = sum(totals.values())
    print(f"\nprofiled: {profiled / requests * 1000:.2f} ms of profiled time per request")
    print(f"| layer | share | ms per request (of {cpu_ms:.2f}) |")
    print("|---|---|---|")
    for layer, own in sorted(totals.items(), key=lambda item: -item[1]):
        share = own / profiled
        print(f"| {layer} | {share * 100:.1f} % | {share * cpu_ms:.2f} |")


def start_server(url: str, port: int, stats_file: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "JTS_DATABASE_URL": url,
        "JTS_SECRET_KEY": SECRET,
        "JTS_RATE_LIMIT_PER_MINUTE": "100000000",
        "JTS_RATE_LIMIT_BURST": "100000000",
        "JTS_POOL_SIZE": "5",
        "JTS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, str(HERE / "profiled_server.py"), str(port), stats_file]
    return subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and script


async def bench(url: str, steps: int, stats_file: str) -> None:
    await asyncio.to_thread(migrate, url)
    port = free_port()
    server = start_server(url, port, stats_file)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base)
        await run_steps(base, await make_staff(url, 1), 200)  # warm-up
        trivial_cpu, step_cpu, latencies, trivial_latencies = [], [], [], []
        for _ in range(REPEATS):
            staff = await make_staff(url, 1)
            before = cpu_seconds(server.pid)
            trivial_latencies += await run_trivial(base, staff, steps)
            middle = cpu_seconds(server.pid)
            latencies += await run_steps(base, staff, steps)
            trivial_cpu.append((middle - before) / steps * 1000)
            step_cpu.append((cpu_seconds(server.pid) - middle) / steps * 1000)
        cpu_ms = statistics.median(step_cpu)
        server.send_signal(signal.SIGUSR1)
        await run_steps(base, await make_staff(url, 1), steps)
        server.send_signal(signal.SIGUSR2)
        await asyncio.sleep(1.0)  # the stats file is written by the signal handler
    finally:
        server.terminate()
        server.wait(timeout=30)
    for label, cpus, lat in (
        ("{ __typename } signed in", trivial_cpu, sorted(trivial_latencies)),
        ("timer mutations", step_cpu, sorted(latencies)),
    ):
        print(
            f"{label} ({REPEATS} x {steps}, sequential): server CPU "
            f"{statistics.median(cpus):.2f} ms a request (runs: "
            f"{', '.join(f'{c:.2f}' for c in cpus)}); latency p50 "
            f"{statistics.median(lat) * 1000:.2f} ms, p99 {lat[int(len(lat) * 0.99)] * 1000:.2f} ms"
        )
    layer_table(stats_file, steps, cpu_ms)


async def with_database_of(server: str, steps: int, stats_file: str) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await bench(with_database(server, name), steps, stats_file)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--stats", help="keep the profile there (a pstats file)")
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        stats_file = args.stats or str(Path(data_dir) / "request_path.pstats")
        asyncio.run(with_database_of(server, args.steps, stats_file))


if __name__ == "__main__":
    main()
