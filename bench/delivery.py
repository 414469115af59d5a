"""Benchmark: delivery through the dispatcher, and webhooks to three local endpoints.

1. **In-app**: 10,000 due in-app jobs for one tenant, limits raised (daily and monthly
   limits at their maximum, the in-app rate at 1,000,000/min), timed from the first
   claim to the last message in an inbox: each job claimed (``FOR UPDATE SKIP LOCKED``),
   moved created → pending → queued → executing → sent (history, audit, events), its
   attempt written before the "send" and finished after, its ledger row and its inbox
   message. Goal: ≥ 1,000 messages/s.
2. **Webhooks**: 10,000 ``task.completed`` events of a tenant with three endpoints on
   localhost (a raw asyncio HTTP server in another process), timed from the outbox to
   the last 200: the consumer's fan-out into 30,000 deliveries, then the webhook
   dispatcher (batches, a shared keep-alive httpx client, bounded concurrency, every
   attempt logged). Goal: ≥ 500 deliveries/s.

    uv run python bench/delivery.py [--jobs 10000] [--events 10000] [--workers 2]

``--workers`` dispatchers run at once (as that many worker processes would, each on its
own connections). Uses ``JTS_DATABASE_URL``'s server when set, else an embedded server
in a temporary directory; the benchmark database is created, migrated and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg

from jts_domain.clock import ManualClock
from jts_domain.delivery.dispatch import Dispatcher, dispatch_due
from jts_domain.ids import new_id
from jts_domain.jtd.catalog import CATALOG, SYSTEM
from jts_domain.jtd.drafts import JobDraft, build_job
from jts_domain.jtd.model import Recipient
from jts_domain.jtd.recording import load_tenant
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
from jts_domain.webhooks.dispatch import WebhookDispatcher, send_due_webhooks
from jts_domain.webhooks.endpoints import TargetPolicy, create_webhook_endpoint
from jts_domain.webhooks.fanout import CONSUMER, webhook_fanout
from jts_jobs.delivery.loop import http_client
from jts_jobs.delivery.settings import DeliverySettings
from jts_jobs.delivery.webhook_sender import HttpWebhookSender
from jts_store.delivery.rendering import JinjaRenderer
from jts_store.delivery.resolver import SystemResolver
from jts_store.embedded import embedded_server_url
from jts_store.engine import create_engine, with_database
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from score_day import migrate, plain

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 11:30 in Asia/Kolkata: no quiet hours
EMPLOYEES = 100


async def _organization(ctx: ServiceContext) -> tuple[Organization, list[Employee]]:
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
        for n in range(EMPLOYEES)
    ]
    async with ctx.uow() as uow:
        await uow.organizations.add(org)
        for person in people:
            await uow.employees.add(person)
        await uow.commit()
    await update_jtd_settings(
        ctx, Caller.system(org.id), daily_limit=10_000_000, monthly_limit=10_000_000
    )
    return org, people


async def _jobs(ctx: ServiceContext, org: Organization, people: list[Employee], n: int) -> None:
    async with ctx.uow() as uow:
        tenant = await load_tenant(uow, org.id)
        jobs = [
            build_job(
                CATALOG,
                JobDraft(
                    source_type="system",
                    subject=f"Message {i}",
                    recipient=Recipient(employee_id=people[i % len(people)].id),
                ),
                tenant,
                actor=SYSTEM,
                now=NOW,
            )
            for i in range(n)
        ]
        await uow.jtd.add_many(jobs)
        await uow.commit()


async def _inbox_count(url: str, org: UUID) -> int:
    connection = await asyncpg.connect(plain(url))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM inbox_messages WHERE organization_id = $1", org
            )
        )
    finally:
        await connection.close()


async def bench_inapp(url: str, jobs: int, workers: int) -> None:
    engine = create_engine(url, pool_size=4 * workers)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=ManualClock(NOW))
    try:
        org, people = await _organization(ctx)
        await _jobs(ctx, org, people, jobs)
        dispatcher = Dispatcher(
            senders={}, renderer=JinjaRenderer(), batch_size=1_000,
            channel_rates={"inapp": 1_000_000}, tenants=frozenset({org.id}),
        )  # fmt: skip
        start = time.perf_counter()
        runs = await asyncio.gather(*(dispatch_due(ctx, dispatcher) for _ in range(workers)))
        wall = time.perf_counter() - start
        sent = sum(r.sent for r in runs)
        delivered = await _inbox_count(url, org.id)
        print(
            f"in-app: {jobs} jobs → {sent} sent, {delivered} in inboxes in {wall:.2f} s "
            f"({delivered / wall:.0f} messages/s, {workers} dispatchers)"
        )
    finally:
        await engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_receiver(port: int) -> subprocess.Popen[str]:
    """The receiver process, once it listens."""
    receiver = subprocess.Popen(  # noqa: S603 -- our own script, fixed arguments
        [sys.executable, str(Path(__file__).with_name("webhook_receiver.py")), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert receiver.stdout is not None
    assert receiver.stdout.readline().strip() == "ready"
    return receiver


async def _events(ctx: ServiceContext, org: Organization, n: int) -> None:
    async with ctx.uow() as uow:
        for i in range(n):
            uow.emit(
                DomainEvent(
                    name=EventName.TASK_COMPLETED,
                    organization_id=org.id,
                    occurred_at=NOW,
                    payload={"task_id": str(new_id()), "n": i, "employee_id": str(new_id())},
                )
            )
        await uow.commit()


async def bench_webhooks(url: str, events: int, workers: int, args_concurrency: int) -> None:
    engine = create_engine(url, pool_size=4 * workers)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=ManualClock(NOW))
    receivers = []
    try:
        org, _ = await _organization(ctx)
        targets = TargetPolicy(resolver=SystemResolver(), production=False)
        for _ in range(3):
            port = _free_port()
            receiver = _start_receiver(port)
            receivers.append(receiver)
            await create_webhook_endpoint(
                ctx, Caller.system(org.id), targets, url=f"http://127.0.0.1:{port}/hook",
                event_types=["task.completed"],
            )  # fmt: skip
        await consume_all(ctx, CONSUMER, webhook_fanout)  # start from here
        await _events(ctx, org, events)
        settings = DeliverySettings()
        # one client per dispatcher, as each worker process has its own
        clients = [http_client(settings, args_concurrency) for _ in range(workers)]
        dispatchers = [
            WebhookDispatcher(
                sender=HttpWebhookSender(client),
                targets=targets,
                batch_size=1_000,
                concurrency=args_concurrency,
                tenants=frozenset({org.id}),
            )
            for client in clients
        ]
        start = time.perf_counter()
        fanned = await consume_all(ctx, CONSUMER, webhook_fanout, limit=2_000)
        fanout = time.perf_counter() - start
        runs = await asyncio.gather(*(send_due_webhooks(ctx, d) for d in dispatchers))
        wall = time.perf_counter() - start
        for client in clients:
            await client.aclose()
        delivered = sum(r.delivered for r in runs)
        print(
            f"webhooks: {events} events → {fanned.counts.get('deliveries', 0)} deliveries "
            f"(fan-out {fanout:.2f} s), {delivered} delivered in {wall:.2f} s "
            f"({delivered / wall:.0f} deliveries/s, {workers} dispatchers)"
        )
    finally:
        counts = []
        for receiver in receivers:
            receiver.terminate()
            out, _ = receiver.communicate(timeout=10)
            counts.append(out.strip().splitlines()[-1] if out.strip() else "?")
        print(f"receivers: {', '.join(counts)}")
        await engine.dispose()


async def with_database_of(server: str, args: argparse.Namespace) -> None:
    name = f"jts_bench_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    try:
        await asyncio.to_thread(migrate, url)
        if args.jobs:
            await bench_inapp(url, args.jobs, args.workers)
        if args.events:
            await bench_webhooks(url, args.events, args.workers, args.concurrency)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="webhook POSTs at once")
    args = parser.parse_args()
    server = os.environ.get("JTS_DATABASE_URL")
    with tempfile.TemporaryDirectory() as data_dir:
        server = server or embedded_server_url(Path(data_dir))
        asyncio.run(with_database_of(server, args))


if __name__ == "__main__":
    main()
