"""Webhooks on both adapters: endpoints, the outbox consumer's deliveries, signed POSTs
to a real local receiver (verified with the ``standardwebhooks`` package), retries on
the schedule with one ``webhook-id``, 410 disabling, replays, refused targets.

The clock starts at the real current time here (from the clock adapter), so the
receiver's signature check — which tolerates five minutes — accepts the first
attempt's timestamp; later attempts are checked against the package's own signing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook

from jts_domain.clock import ManualClock, SystemClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd import jobs as jtd
from jts_domain.ports import UnitOfWorkFactory
from jts_domain.services import ServiceContext
from jts_domain.services.outbox_consumers import consume_all
from jts_domain.webhooks import endpoints as hooks
from jts_domain.webhooks.dispatch import RETRY_SCHEDULE, WebhookDispatcher, send_due_webhooks
from jts_domain.webhooks.endpoints import TargetPolicy
from jts_domain.webhooks.fanout import CONSUMER, webhook_fanout
from jts_domain.webhooks.model import WebhookDeliveryStatus
from jts_jobs.delivery.webhook_sender import HttpWebhookSender
from jts_store.delivery.resolver import SystemResolver
from tests.receivers import HttpReceiver, Request, http_receiver
from tests.services.builders import World, build_world

DEVELOPMENT = TargetPolicy(resolver=SystemResolver(), production=False)
PRODUCTION = TargetPolicy(resolver=SystemResolver(), production=True)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SystemClock().now())


@pytest.fixture
def ctx(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> ServiceContext:
    return ServiceContext(uow=uow_factory, clock=clock)


@pytest.fixture
async def world(ctx: ServiceContext) -> World:
    return await build_world(ctx)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as shared:
        yield shared


def _dispatcher(world: World, client: httpx.AsyncClient) -> WebhookDispatcher:
    return WebhookDispatcher(
        sender=HttpWebhookSender(client), targets=DEVELOPMENT, tenants=frozenset({world.org.id})
    )


async def _event(ctx: ServiceContext, world: World, subject: str = "Payroll run") -> jtd.JobToDo:
    job = await jtd.create_job_to_do(
        ctx, world.caller(world.manager), subject=subject, source_type="system",
        recipient_id=world.alice.id,
    )  # fmt: skip
    return await jtd.move_job_to_do(ctx, world.caller(world.manager), job.id, "pending")


async def _endpoint(
    ctx: ServiceContext, world: World, receiver: HttpReceiver
) -> hooks.WebhookEndpoint:
    return await hooks.create_webhook_endpoint(
        ctx, world.caller(world.admin), DEVELOPMENT, url=f"{receiver.url}/hooks",
        event_types=["job_to_do.status_changed"], description="payroll",
    )  # fmt: skip


def _signed_by(secret: str, request: Request) -> bool:
    """Whether the package signs the request's id, timestamp and body as it was signed."""
    headers = request.headers
    at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=SystemClock().now().tzinfo)
    expected = Webhook(secret).sign(headers["webhook-id"], at, request.body.decode())
    return headers["webhook-signature"] == expected


async def test_a_receiver_failing_three_times_gets_one_webhook_id_signed_each_time(
    ctx: ServiceContext, world: World, clock: ManualClock, client: httpx.AsyncClient
) -> None:
    def respond(request: Request) -> tuple[int, bytes]:
        return (500, b"busy") if len(receiver.requests) <= 3 else (200, b"ok")

    async with http_receiver(respond) as receiver:
        endpoint = await _endpoint(ctx, world, receiver)
        assert endpoint.secret.startswith("whsec_")
        job = await _event(ctx, world)
        made = await consume_all(ctx, CONSUMER, webhook_fanout)
        assert made.counts.get("deliveries", 0) >= 1
        for wait in RETRY_SCHEDULE[:3]:
            run = await send_due_webhooks(ctx, _dispatcher(world, client))
            assert run.retrying == 1
            clock.advance(seconds=wait.total_seconds() - 1)
            assert (await send_due_webhooks(ctx, _dispatcher(world, client))).claimed == 0
            clock.advance(seconds=1)
        assert (await send_due_webhooks(ctx, _dispatcher(world, client))).delivered == 1
    requests = receiver.requests
    assert len(requests) == 4
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    assert all(_signed_by(endpoint.secret, r) for r in requests)
    first = requests[0]
    verified = Webhook(endpoint.secret).verify(first.body, dict(first.headers))
    assert verified["type"] == "job_to_do.status_changed"
    assert verified["data"]["job_id"] == str(job.id)
    assert verified["data"]["to_status"] == "pending"
    page = await hooks.list_webhook_deliveries(ctx, world.caller(world.admin), endpoint.id)
    [delivery] = page.items
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.DELIVERED, 4)
    assert delivery.message_id == first.headers["webhook-id"]
    log = await hooks.delivery_attempts(ctx, world.caller(world.admin), [delivery.id])
    assert [a.status_code for a in log[delivery.id]] == [500, 500, 500, 200]


async def test_an_endpoint_answering_410_is_disabled_and_gets_nothing_more(
    ctx: ServiceContext, world: World, client: httpx.AsyncClient
) -> None:
    async with http_receiver(lambda _: (410, b"gone")) as receiver:
        endpoint = await _endpoint(ctx, world, receiver)
        await _event(ctx, world)
        await consume_all(ctx, CONSUMER, webhook_fanout)
        run = await send_due_webhooks(ctx, _dispatcher(world, client))
        assert (run.failed, run.disabled_endpoints) == (1, 1)
        [stored] = await hooks.list_webhook_endpoints(ctx, world.caller(world.admin))
        assert (stored.enabled, stored.disabled_reason) == (False, "answered 410 Gone")
        await _event(ctx, world, "Another")
        await consume_all(ctx, CONSUMER, webhook_fanout)
        assert (await send_due_webhooks(ctx, _dispatcher(world, client))).claimed == 0
        assert len(receiver.requests) == 1
        page = await hooks.list_webhook_deliveries(ctx, world.caller(world.admin), endpoint.id)
        assert len(page.items) == 1


async def test_a_replay_sends_a_delivery_again_under_its_webhook_id(
    ctx: ServiceContext, world: World, client: httpx.AsyncClient
) -> None:
    async with http_receiver() as receiver:
        endpoint = await _endpoint(ctx, world, receiver)
        await _event(ctx, world)
        await consume_all(ctx, CONSUMER, webhook_fanout)
        await send_due_webhooks(ctx, _dispatcher(world, client))
        [delivery] = (
            await hooks.list_webhook_deliveries(ctx, world.caller(world.admin), endpoint.id)
        ).items
        replayed = await hooks.replay_webhook_delivery(ctx, world.caller(world.admin), delivery.id)
        assert replayed.status is WebhookDeliveryStatus.PENDING
        assert (await send_due_webhooks(ctx, _dispatcher(world, client))).delivered == 1
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.message_id] * 2


async def test_a_rotated_secret_signs_the_next_attempt(
    ctx: ServiceContext, world: World, client: httpx.AsyncClient
) -> None:
    async with http_receiver() as receiver:
        endpoint = await _endpoint(ctx, world, receiver)
        rotated = await hooks.rotate_webhook_secret(ctx, world.caller(world.admin), endpoint.id)
        assert rotated.secret != endpoint.secret
        await _event(ctx, world)
        await consume_all(ctx, CONSUMER, webhook_fanout)
        await send_due_webhooks(ctx, _dispatcher(world, client))
    [request] = receiver.requests
    assert _signed_by(rotated.secret, request)
    assert not _signed_by(endpoint.secret, request)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/h", "http://10.1.2.3/h", "http://[::1]/h", "http://localhost/h",
            "http://169.254.169.254/latest", "http://[::ffff:192.168.0.1]/h"],
)  # fmt: skip
async def test_production_refuses_private_and_loopback_targets(
    ctx: ServiceContext, world: World, url: str
) -> None:
    with pytest.raises(DomainError) as caught:
        await hooks.create_webhook_endpoint(
            ctx, world.caller(world.admin), PRODUCTION, url=url, event_types=["task.completed"]
        )
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert await hooks.list_webhook_endpoints(ctx, world.caller(world.admin)) == []


async def test_development_allows_loopback_and_bad_input_is_refused(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    made = await hooks.create_webhook_endpoint(
        ctx, admin, DEVELOPMENT, url="http://127.0.0.1:9/h", event_types=["task.completed"]
    )
    assert made.url == "http://127.0.0.1:9/h"
    for url, kinds in (
        ("ftp://example.test/h", ["task.completed"]),
        ("http://user:pw@127.0.0.1/h", ["task.completed"]),
        ("http://127.0.0.1/h", ["task.exploded"]),
        ("http://127.0.0.1/h", []),
        ("http://127.0.0.1/h", ["task.completed", "task.completed"]),
    ):
        with pytest.raises(DomainError) as caught:
            await hooks.create_webhook_endpoint(ctx, admin, DEVELOPMENT, url=url, event_types=kinds)
        assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert [e.id for e in await hooks.list_webhook_endpoints(ctx, admin)] == [made.id]


async def test_endpoints_are_the_admins_and_their_organizations(
    ctx: ServiceContext, world: World
) -> None:
    made = await hooks.create_webhook_endpoint(
        ctx, world.caller(world.admin), DEVELOPMENT, url="http://127.0.0.1:9/h",
        event_types=["daily_score.calculated"],
    )  # fmt: skip
    with pytest.raises(DomainError) as forbidden:
        await hooks.list_webhook_endpoints(ctx, world.caller(world.manager))
    assert forbidden.value.code is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    with pytest.raises(DomainError) as foreign:
        await hooks.rotate_webhook_secret(ctx, other.caller(other.admin), made.id)
    assert foreign.value.code is ErrorCode.NOT_FOUND
    updated = await hooks.update_webhook_endpoint(
        ctx, world.caller(world.admin), DEVELOPMENT, made.id, enabled=False,
        event_types=["daily_score.calculated", "timer.stopped"],
    )  # fmt: skip
    assert (updated.enabled, updated.event_types) == (
        False,
        ("daily_score.calculated", "timer.stopped"),
    )
    assert json.dumps(updated.event_types)


async def test_a_receiver_that_never_answers_200_fails_after_about_a_day(
    ctx: ServiceContext, world: World, clock: ManualClock, client: httpx.AsyncClient
) -> None:
    async with http_receiver(lambda _: (503, b"down")) as receiver:
        endpoint = await _endpoint(ctx, world, receiver)
        await _event(ctx, world)
        await consume_all(ctx, CONSUMER, webhook_fanout)
        started = clock.now()
        for wait in RETRY_SCHEDULE:
            assert (await send_due_webhooks(ctx, _dispatcher(world, client))).retrying == 1
            clock.advance(seconds=wait.total_seconds())
        last = await send_due_webhooks(ctx, _dispatcher(world, client))
        assert (last.failed, last.retrying) == (1, 0)
        assert timedelta(hours=24) < clock.now() - started < timedelta(hours=30)
        clock.advance(days=2)
        assert (await send_due_webhooks(ctx, _dispatcher(world, client))).claimed == 0
    assert len(receiver.requests) == 8
    [delivery] = (
        await hooks.list_webhook_deliveries(ctx, world.caller(world.admin), endpoint.id)
    ).items
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookDeliveryStatus.FAILED, 8, 503,
    )  # fmt: skip
    [stored] = await hooks.list_webhook_endpoints(ctx, world.caller(world.admin))
    assert stored.enabled is True  # only a 410 disables


async def test_a_sandbox_allows_loopback_targets_only(ctx: ServiceContext, world: World) -> None:
    sandbox = TargetPolicy(resolver=SystemResolver(), production=False, loopback_only=True)
    admin = world.caller(world.admin)
    made = await hooks.create_webhook_endpoint(
        ctx, admin, sandbox, url="http://127.0.0.1:9/h", event_types=["task.completed"]
    )
    for url in ("http://93.184.216.34/h", "http://10.0.0.1/h", "http://[::ffff:8.8.8.8]/h"):
        with pytest.raises(DomainError) as caught:
            await hooks.create_webhook_endpoint(
                ctx, admin, sandbox, url=url, event_types=["task.completed"]
            )
        assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert [e.id for e in await hooks.list_webhook_endpoints(ctx, admin)] == [made.id]
