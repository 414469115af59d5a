"""Sending webhook deliveries: claim due ones, POST them signed, log every attempt.

Like the message dispatcher, a batch is two transactions around the sends: the claim
holds due deliveries (``SKIP LOCKED``), counts the attempt and leases it
(:data:`LEASE`) so no other worker takes it while it is out; the record writes each
attempt's answer. A 2xx delivers; 410 Gone disables the endpoint (its deliveries stop);
anything else, or no answer, is retried on :data:`RETRY_SCHEDULE` — about a day in all
— and then fails. A worker that stops mid-send leaves the lease to run out, and the
delivery goes again under the same ``webhook-id``: at least once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from jts_domain.errors import DomainError
from jts_domain.ids import new_id
from jts_domain.services.context import ServiceContext
from jts_domain.webhooks.endpoints import TargetPolicy
from jts_domain.webhooks.model import (
    PostResult,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from jts_domain.webhooks.ports import WebhookSender
from jts_domain.webhooks.signing import headers

#: The wait before each retry (after attempt 1, 2, …): 5 s, 5 min, 30 min, 2 h, 5 h,
#: 10 h, 10 h — eight attempts over about 27 hours.
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
LEASE = timedelta(minutes=2)
GONE = 410


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookDispatcher:
    """What webhook deliveries are sent with."""

    sender: WebhookSender
    targets: TargetPolicy
    batch_size: int = 500
    concurrency: int = 64
    #: only these tenants' deliveries; None: everyone's
    tenants: frozenset[UUID] | None = None


@dataclass(slots=True, kw_only=True)
class WebhookRun:
    """What a run did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    disabled_endpoints: int = 0

    def add(self, other: WebhookRun) -> None:
        """Add another run's counts."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


async def _claim(
    ctx: ServiceContext, dispatcher: WebhookDispatcher
) -> tuple[list[tuple[WebhookDelivery, WebhookEndpoint]], datetime]:
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        claimed = await uow.webhooks.claim_deliveries(
            now, dispatcher.batch_size, dispatcher.tenants
        )
        for delivery, _ in claimed:
            delivery.attempts += 1
            delivery.next_attempt_at = now + LEASE
        await uow.webhooks.save_deliveries([d for d, _ in claimed])
        await uow.commit()
    return claimed, now


async def _post(
    dispatcher: WebhookDispatcher,
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    at: datetime,
    gate: asyncio.Semaphore,
) -> PostResult:
    try:
        await dispatcher.targets.check(endpoint.url)
    except DomainError as error:
        return PostResult(status_code=None, error=error.message)
    signed = headers(endpoint.secret, delivery.message_id, int(at.timestamp()), delivery.body)
    async with gate:
        return await dispatcher.sender.post(endpoint.url, signed, delivery.body)


def _outcome(delivery: WebhookDelivery, result: PostResult, now: datetime, run: WebhookRun) -> bool:
    """Apply one answer to its delivery; whether the endpoint is gone."""
    delivery.last_status_code, delivery.last_error = result.status_code, result.error
    code = result.status_code
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            WebhookDeliveryStatus.DELIVERED, now, None,
        )  # fmt: skip
        run.delivered += 1
        return False
    gone = code == GONE
    if gone or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.FAILED, None
        if gone:
            delivery.last_error = "the endpoint answered 410 Gone: it is disabled"
        run.failed += 1
        return gone
    delivery.status = WebhookDeliveryStatus.RETRYING
    delivery.next_attempt_at = now + RETRY_SCHEDULE[delivery.attempts - 1]
    run.retrying += 1
    return False


async def _record(
    ctx: ServiceContext,
    claimed: Sequence[tuple[WebhookDelivery, WebhookEndpoint]],
    results: Sequence[PostResult],
) -> WebhookRun:
    run = WebhookRun(claimed=len(claimed))
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        attempts, gone = [], {}
        for (delivery, endpoint), result in zip(claimed, results, strict=True):
            attempts.append(
                WebhookAttempt(
                    id=new_id(),
                    organization_id=delivery.organization_id,
                    delivery_id=delivery.id,
                    attempt=delivery.attempts,
                    at=now,
                    status_code=result.status_code,
                    error=result.error,
                    response_excerpt=result.excerpt,
                )
            )
            if _outcome(delivery, result, now, run):
                gone[endpoint.id] = endpoint
        await uow.webhooks.add_attempts(attempts)
        await uow.webhooks.save_deliveries([d for d, _ in claimed])
        for endpoint in gone.values():
            fresh = await uow.webhooks.get_endpoint(endpoint.organization_id, endpoint.id)
            fresh.enabled, fresh.disabled_reason = False, "answered 410 Gone"
            fresh.updated_at = now
            await uow.webhooks.update_endpoint(fresh)
        run.disabled_endpoints = len(gone)
        await uow.commit()
    return run


async def send_webhook_batch(ctx: ServiceContext, dispatcher: WebhookDispatcher) -> WebhookRun:
    """One batch: claim, POST, record."""
    claimed, at = await _claim(ctx, dispatcher)
    if not claimed:
        return WebhookRun()
    gate = asyncio.Semaphore(max(dispatcher.concurrency, 1))
    results = await asyncio.gather(*(_post(dispatcher, d, e, at, gate) for d, e in claimed))
    return await _record(ctx, claimed, results)


async def send_due_webhooks(
    ctx: ServiceContext, dispatcher: WebhookDispatcher, *, max_batches: int = 1_000
) -> WebhookRun:
    """Batches until nothing is due."""
    total = WebhookRun()
    for _ in range(max_batches):
        run = await send_webhook_batch(ctx, dispatcher)
        total.add(run)
        if run.claimed == 0:
            break
    return total
