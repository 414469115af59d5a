"""Delivery under real concurrency on PostgreSQL: two workers dispatching one backlog,
each on its own connections, as two worker processes would.

The jobs go to a real local HTTP provider that counts every request by its
``Idempotency-Key`` (the attempt key): each message must arrive exactly once, each
job must have exactly one attempt, and the channel's rate must hold across both.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from jts_domain.delivery.dispatch import Dispatcher, dispatch_due
from jts_domain.jtd import settings as jtd_settings
from jts_domain.jtd.catalog import CATALOG, SYSTEM
from jts_domain.jtd.drafts import JobDraft, build_job
from jts_domain.jtd.model import Recipient
from jts_domain.jtd.recording import load_tenant
from jts_domain.services import ServiceContext
from jts_jobs.delivery.http_provider import HttpProviderSender
from jts_store.delivery.rendering import JinjaRenderer
from tests.receivers import http_receiver
from tests.services.builders import World

JOBS = 600


async def _backlog(ctx: ServiceContext, world: World, count: int) -> list:
    await jtd_settings.update_jtd_settings(
        ctx, world.caller(world.admin), channels_enabled={"push": True}
    )
    async with ctx.uow() as uow:
        tenant = await load_tenant(uow, world.org.id)
        jobs = [
            build_job(
                CATALOG,
                JobDraft(
                    source_type="system",
                    recipient=Recipient(employee_id=world.alice.id, name="Alice"),
                    subject=f"Push {n}",
                    channel="push",
                ),
                tenant,
                actor=SYSTEM,
                now=ctx.clock.now(),
            )
            for n in range(count)
        ]
        await uow.jtd.add_many(jobs)
        await uow.commit()
    return jobs


def _worker(world: World, client: httpx.AsyncClient, url: str) -> Dispatcher:
    return Dispatcher(
        senders={"push": HttpProviderSender(client, url, provider="Firebase")},
        renderer=JinjaRenderer(),
        batch_size=40,
        concurrency=8,
        tenants=frozenset({world.org.id}),
    )


async def test_two_workers_send_each_message_once_within_the_shared_rate(
    ctx: ServiceContext, world: World
) -> None:
    """600 push jobs, 500/min: two workers racing send 500 in this minute, each once;
    the other 100 wait for the next window, and then go, once."""
    jobs = await _backlog(ctx, world, JOBS)
    async with http_receiver() as receiver, httpx.AsyncClient(trust_env=False) as client:
        url = f"{receiver.url}/push"
        first, second = await asyncio.gather(
            dispatch_due(ctx, _worker(world, client, url)),
            dispatch_due(ctx, _worker(world, client, url)),
        )
        assert first.sent > 0
        assert second.sent > 0
        assert first.sent + second.sent == 500
        keys = Counter(r.headers["idempotency-key"] for r in receiver.requests)
        assert len(keys) == 500
        assert set(keys.values()) == {1}
        ctx.clock.advance(minutes=1)  # type: ignore[attr-defined]
        third, fourth = await asyncio.gather(
            dispatch_due(ctx, _worker(world, client, url)),
            dispatch_due(ctx, _worker(world, client, url)),
        )
        assert third.sent + fourth.sent == 100
    keys = Counter(r.headers["idempotency-key"] for r in receiver.requests)
    assert set(keys.values()) == {1}
    assert {key.split(":")[0] for key in keys} == {str(job.id) for job in jobs}
    assert {key.split(":")[1] for key in keys} == {"1"}
    async with ctx.uow() as uow:
        stored = await uow.jtd.get_many(world.org.id, [job.id for job in jobs])
    assert {(job.status, job.attempts) for job in stored} == {("sent", 1)}
