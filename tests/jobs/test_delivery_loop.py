"""The worker's delivery loop, built from its settings: e-mail to a local SMTP server,
sms, whatsapp and push to a local HTTP provider, a provider receipt, webhooks from the
outbox consumer to a local receiver, and the outbox pruned once every consumer has read
it. The loop is limited to the test's own organization (the database is shared)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import structlog.testing
from sqlalchemy import text

from jts_domain.delivery.receipts import apply_receipt
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings
from jts_domain.services import ServiceContext
from jts_domain.webhooks import endpoints as hooks
from jts_jobs.delivery.loop import DeliveryLoop
from jts_jobs.delivery.settings import DeliverySettings
from jts_jobs.outbox_consumers import CONSUMERS
from jts_jobs.worker import JobsRuntime
from jts_store.delivery.resolver import SystemResolver
from tests.receivers import Request, SmtpInbox, http_receiver
from tests.services.builders import World


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    inbox.start()
    yield inbox
    inbox.stop()


def _loop(runtime: JobsRuntime, world: World, **settings: object) -> DeliveryLoop:
    return DeliveryLoop.build(
        runtime.ctx, runtime.engine, DeliverySettings(**settings),  # type: ignore[arg-type]
        list(CONSUMERS), tenants=frozenset({world.org.id}),
    )  # fmt: skip


async def _job(ctx: ServiceContext, world: World, channel: str) -> jtd.JobToDo:
    """A job for Alice (an e-mail goes to her address, the others to her phone)."""
    phone = None if channel in ("email", "inapp") else "+91 98450 00000"
    return await jtd.create_job_to_do(
        ctx, world.caller(world.admin), subject=f"Gate code by {channel}", source_type="system",
        recipient_id=world.alice.id, recipient_address=phone, channel=channel,
    )  # fmt: skip


async def test_every_channel_leaves_through_its_real_transport(
    runtime: JobsRuntime, world: World, smtp: SmtpInbox
) -> None:
    ctx = runtime.ctx
    await jtd_settings.update_jtd_settings(
        ctx, world.caller(world.admin),
        channels_enabled={"email": True, "sms": True, "whatsapp": True, "push": True},
    )  # fmt: skip

    def provider(request: Request) -> tuple[int, bytes]:
        return 200, b'{"id": "prov-%d"}' % len(provider_requests())

    async with http_receiver(provider) as receiver:

        def provider_requests() -> list[Request]:
            return receiver.requests

        base = receiver.url
        loop = _loop(
            runtime, world, smtp_url=smtp.url, mail_from="JTS <jts@example.test>",
            sms_provider_url=f"{base}/sms", whatsapp_provider_url=f"{base}/whatsapp",
            push_provider_url=f"{base}/push", provider_token="provider-token",
        )  # fmt: skip
        try:
            jobs = {c: await _job(ctx, world, c) for c in ("email", "sms", "whatsapp", "push")}
            sent, _ = await loop.run_once()
        finally:
            await loop.close()
    assert sent.sent == 4
    [(recipients, message)] = smtp.received()
    assert recipients == [world.alice.email]
    assert message["Subject"] == "Gate code by email"
    by_path = {r.path: r for r in receiver.requests}
    assert set(by_path) == {"/sms", "/whatsapp", "/push"}
    for channel in ("sms", "whatsapp", "push"):
        request = by_path[f"/{channel}"]
        document = request.json()
        assert document["channel"] == channel
        assert document["subject"] == f"Gate code by {channel}"
        assert document["employee_id"] == str(world.alice.id)
        assert request.headers["idempotency-key"] == f"{jobs[channel].id}:1"
        assert request.headers["authorization"] == "Bearer provider-token"
    sms_id = next(f"prov-{n}" for n, r in enumerate(receiver.requests, start=1) if r.path == "/sms")
    outcome = await apply_receipt(ctx, sms_id, "delivered")
    assert (outcome.job.id, outcome.job.status) == (jobs["sms"].id, "delivered")


async def test_webhooks_flow_from_the_outbox_and_the_outbox_is_pruned(
    runtime: JobsRuntime, world: World
) -> None:
    ctx = runtime.ctx
    async with http_receiver() as receiver:
        await hooks.create_webhook_endpoint(
            ctx, world.caller(world.admin),
            hooks.TargetPolicy(resolver=SystemResolver(), production=False),
            url=f"{receiver.url}/payroll", event_types=["job_to_do.status_changed"],
        )  # fmt: skip
        loop = _loop(runtime, world, outbox_keep_seconds=0)
        try:
            job = await _job(ctx, world, "inapp")
            await runtime.consumers.run_once()  # the job's moves become deliveries later
            sent, _ = await loop.run_once()  # created → … → sent: four moves, four events
            assert sent.sent == 1
            await runtime.consumers.run_once()
            _, hooks_run = await loop.run_once()
            assert hooks_run.delivered == 4  # the inbox event is not a webhook event
            assert await _events_of(runtime, world) == 5
            runtime.ctx.clock.advance(seconds=1)  # type: ignore[attr-defined]
            late = await jtd.move_job_to_do(ctx, world.caller(world.admin), job.id, "read")
            pruned = await loop.prune()
            assert pruned >= 5
            assert await _events_of(runtime, world) == 1  # the move no consumer has read
            await runtime.consumers.run_once()
            await loop.run_once()
            assert late.status == "read"
        finally:
            await loop.close()
    statuses = [r.json()["data"]["to_status"] for r in receiver.requests]
    assert sorted(statuses[:4]) == ["executing", "pending", "queued", "sent"]
    assert statuses[4:] == ["read"]


async def _events_of(runtime: JobsRuntime, world: World) -> int:
    async with runtime.engine.connect() as connection:
        found = await connection.execute(
            text("SELECT count(*) FROM outbox WHERE organization_id = :org"), {"org": world.org.id}
        )
        return int(found.scalar_one())


@contextmanager
def _every_level() -> Iterator[None]:
    """Let info records through while captured (an API test may have set WARNING)."""
    wrapper = structlog.get_config()["wrapper_class"]
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        yield
    finally:
        structlog.configure(wrapper_class=wrapper)


async def test_failures_log_no_secret(runtime: JobsRuntime, world: World) -> None:
    """An SMTP server that refuses the connection (its password in the URL) and a webhook
    receiver that fails: the loop logs what it did, and no password or secret."""
    ctx = runtime.ctx
    await jtd_settings.update_jtd_settings(
        ctx, world.caller(world.admin), channels_enabled={"email": True}
    )
    async with http_receiver(lambda _: (500, b"down")) as receiver:
        endpoint = await hooks.create_webhook_endpoint(
            ctx, world.caller(world.admin),
            hooks.TargetPolicy(resolver=SystemResolver(), production=False),
            url=f"{receiver.url}/payroll", event_types=["job_to_do.status_changed"],
        )  # fmt: skip
        loop = _loop(runtime, world, smtp_url="smtp://jts:hunter2-smtp-password@127.0.0.1:9")
        try:
            with _every_level(), structlog.testing.capture_logs() as logged:
                await _job(ctx, world, "email")
                await runtime.consumers.run_once()
                await loop.run_once()
                await runtime.consumers.run_once()
                jobs_run, hooks_run = await loop.run_once()
        finally:
            await loop.close()
    assert hooks_run.retrying >= 1
    assert logged, "the loop logs what it did"
    text_of_logs = repr(logged)
    assert "hunter2-smtp-password" not in text_of_logs
    assert endpoint.secret not in text_of_logs
    assert endpoint.secret.removeprefix("whsec_") not in text_of_logs
    del jobs_run
