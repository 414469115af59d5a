"""Benchmark: one API process pushing every timer change to 1,000 open subscriptions.

* a real server: uvicorn in a subprocess (uvloop, httptools, websockets), one process,
  the app from ``jts_api.app:create_app``, real clock;
* a separate client process (``push_fanout.py client``, the websockets library) opens
  ``--subscribers`` graphql-transport-ws connections, each subscribed to
  ``timerUpdated`` of the same employee, and says when all are followed;
* this process then makes ``--changes`` timer changes through the API (startTask,
  then pauseTask / resumeTask in turn), ``--interval`` seconds apart.

Every subscriber must receive every change. The latency of a delivery is the client's
receive time minus the event's ``at`` (the server's clock when the change was made,
which is before its commit: the figure is conservative). ``--stalled`` more
connections subscribe and then never read, to show that they delay nobody.

    uv run python bench/push_fanout.py [--subscribers 1000] [--changes 20] [--interval 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import websockets

from api_timer_cycle import SECRET, STEP_DOCUMENTS, free_port, make_staff, wait_healthy
from jts_store.embedded import embedded_server_url
from jts_store.engine import with_database
from request_path import cpu_seconds
from score_day import migrate, plain

HERE = Path(__file__).resolve().parent
SUBSCRIBE = "subscription { timerUpdated { timer { id state } activeSeconds at } }"
CONNECT_BATCH = 50


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    del soft


# --- the client process ---------------------------------------------------------------


async def subscriber(
    url: str, token: str, ready: asyncio.Event, latencies: list[float], *, reads: bool
) -> None:
    """One screen: connect, subscribe, then note the latency of each delivery (seconds)."""
    protocols: Any = ["graphql-transport-ws"]
    async with websockets.connect(url, subprotocols=protocols, max_queue=None) as socket:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        payload = {"query": SUBSCRIBE}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        ready.set()
        if not reads:
            await asyncio.Event().wait()  # a screen that stopped reading
        async for raw in socket:
            received = time.time()
            message = json.loads(raw)
            if message["type"] != "next":
                raise RuntimeError(raw)
            at = datetime.fromisoformat(message["payload"]["data"]["timerUpdated"]["at"])
            latencies.append(received - at.timestamp())


async def client(url: str, token: str, count: int, stalled: int, out: str) -> None:
    raise_file_limit()
    readies = [asyncio.Event() for _ in range(count + stalled)]
    results: list[list[float]] = [[] for _ in range(count + stalled)]
    tasks: list[asyncio.Task[None]] = []
    for start in range(0, count + stalled, CONNECT_BATCH):
        batch = range(start, min(start + CONNECT_BATCH, count + stalled))
        for index in batch:
            reads = index < count
            job = subscriber(url, token, readies[index], results[index], reads=reads)
            tasks.append(asyncio.create_task(job))
        await asyncio.gather(*(readies[index].wait() for index in batch))
    print("ready", flush=True)
    # The driver closes our stdin when every change was made and delivered (or gave up).
    await asyncio.to_thread(sys.stdin.read)
    for task in tasks:
        if task.done() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
        task.cancel()
    await asyncio.to_thread(Path(out).write_text, json.dumps(results[:count]))


# --- the driver -------------------------------------------------------------------------


def start_server(url: str, port: int, *, deflate: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "JTS_DATABASE_URL": url,
        "JTS_SECRET_KEY": SECRET,
        "JTS_RATE_LIMIT_PER_MINUTE": "100000000",
        "JTS_RATE_LIMIT_BURST": "100000000",
        "JTS_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "jts_api.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--loop", "uvloop", "--http", "httptools",
        "--ws", "websockets-sansio", "--ws-per-message-deflate", str(deflate).lower(),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and module


def start_client(url: str, token: str, count: int, stalled: int, out: str) -> subprocess.Popen[str]:
    command = [
        sys.executable, str(Path(__file__)), "client", url, token, str(count), str(stalled), out,
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


async def make_changes(base: str, token: str, task_id: str, changes: int, interval: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    names = ["startTask"] + ["pauseTask", "resumeTask"] * changes
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for name in names[:changes]:
            payload = {"query": STEP_DOCUMENTS[name], "variables": {"id": task_id}}
            response = await http.post("/graphql", json=payload, headers=headers)
            if response.json().get("errors"):
                raise RuntimeError(response.text)
            await asyncio.sleep(interval)


def report(results: list[list[float]], changes: int, subscribers: int) -> None:
    complete = sum(1 for r in results if len(r) == changes)
    flat = sorted(latency for r in results for latency in r)
    print(f"subscribers that got all {changes} changes: {complete} of {subscribers}")
    print(f"deliveries: {len(flat)} of {changes * subscribers}")
    if flat:
        p50 = statistics.median(flat) * 1000
        p99 = flat[min(len(flat) - 1, int(len(flat) * 0.99))] * 1000
        print(f"latency from the change (server time): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {flat[-1] * 1000:.1f} ms")  # fmt: skip


async def bench(url: str, args: argparse.Namespace, out: str) -> None:
    await asyncio.to_thread(migrate, url)
    port = free_port()
    server = start_server(url, port, deflate=args.deflate)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base)
        staff = await make_staff(url, 1)
        person = staff.employees[0]
        token = staff.tokens[person.id]
        ws_url = f"ws://127.0.0.1:{port}/graphql"
        screens = start_client(ws_url, token, args.subscribers, args.stalled, out)
        assert screens.stdout is not None
        line = await asyncio.to_thread(screens.stdout.readline)
        if line.strip() != "ready":
            raise RuntimeError(f"the client did not get ready: {line!r}")
        print(
            f"{args.subscribers} subscribers (+{args.stalled} that never read) are following; "
            f"permessage-deflate {'on' if args.deflate else 'off'}"
        )
        began, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
        await make_changes(base, token, str(staff.tasks[person.id]), args.changes, args.interval)
        await asyncio.sleep(2.0)  # the last change's deliveries; lateness shows in the report
        cpu = cpu_seconds(server.pid) - cpu_before
        print(
            f"{args.changes} changes made in {time.perf_counter() - began:.1f} s; server CPU "
            f"{cpu:.2f} s = {cpu / (args.changes * args.subscribers) * 1e6:.0f} µs a delivery "
            "(the changes' own requests included)"
        )
        assert screens.stdin is not None
        screens.stdin.close()
        await asyncio.to_thread(screens.wait, 120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = json.loads(await asyncio.to_thread(Path(out).read_text))
    report(results, args.changes, args.subscribers)


async def with_database_of(server: str, args: argparse.Namespace, out: str) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await bench(with_database(server, name), args, out)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    if sys.argv[1:2] == ["client"]:
        url, token, count, stalled, out = sys.argv[2:7]
        asyncio.run(client(url, token, int(count), int(stalled), out))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between changes")
    parser.add_argument("--stalled", type=int, default=0, help="subscribers that never read")
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="let the server compress websocket messages (permessage-deflate), as uvicorn does "
        "by default",
    )
    args = parser.parse_args()
    raise_file_limit()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        out = str(Path(data_dir) / "latencies.json")
        asyncio.run(with_database_of(server, args, out))


if __name__ == "__main__":
    main()
