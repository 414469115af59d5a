"""Webhook endpoints: made, listed, changed, their secret rotated, their deliveries read
and replayed (``webhook.manage``).

Decisions where PRODUCT.md is silent:

* The secret is answered only by ``createWebhookEndpoint`` and ``rotateWebhookSecret``;
  rotating replaces it at once (the next attempt is signed with the new one).
* ``eventTypes`` are names from :data:`~jts_domain.webhooks.model.WEBHOOK_EVENTS`, at
  least one, no repeats. Re-enabling a disabled endpoint clears its reason.
* A replay sends the delivery again under the same ``webhook-id`` (a receiver that kept
  it can tell), due at once, its earlier attempts kept in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.jtd.rules import MAX_NOTE_LENGTH, free_text
from jts_domain.model import Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.paging import Cursor, Page, read_page
from jts_domain.webhooks.model import (
    WEBHOOK_EVENTS,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from jts_domain.webhooks.ports import HostResolver
from jts_domain.webhooks.signing import new_secret
from jts_domain.webhooks.targets import check_addresses, check_url

_KNOWN = frozenset(name.value for name in WEBHOOK_EVENTS)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetPolicy:
    """How targets are checked: resolved by ``resolver``; private ones refused in
    production, all but loopback ones in a sandbox."""

    resolver: HostResolver
    production: bool
    #: a sandbox: loopback targets only (the test suite's)
    loopback_only: bool = False

    async def check(self, url: str) -> str:
        """The URL, stripped, once its host is an allowed target."""
        host = check_url(url)
        check_addresses(
            host, await self.resolver.resolve(host), production=self.production,
            loopback_only=self.loopback_only,
        )  # fmt: skip
        return url.strip()


def check_event_types(event_types: Sequence[str]) -> tuple[str, ...]:
    """Known event names, at least one, no repeats."""
    if not event_types:
        raise invalid("an endpoint subscribes to at least one event type", field="eventTypes")
    unknown = sorted(set(event_types) - _KNOWN)
    if unknown:
        raise invalid(
            f"unknown event types: {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN))})",
            field="eventTypes",
        )
    if len(set(event_types)) != len(event_types):
        raise invalid("event types must not repeat", field="eventTypes")
    return tuple(event_types)


async def _audit(
    ctx: ServiceContext, caller: Caller, uow: UnitOfWork, endpoint: WebhookEndpoint,
    *, action: str, summary: str,
) -> None:  # fmt: skip
    await record_change(
        uow,
        caller.organization_id,
        caller.actor,
        ctx.clock.now(),
        action=action,
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        summary=summary,
    )


async def create_webhook_endpoint(
    ctx: ServiceContext,
    caller: Caller,
    targets: TargetPolicy,
    *,
    url: str,
    event_types: Sequence[str],
    description: str = "",
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (the one time it is answered)."""
    caller.require(Permission.WEBHOOK_MANAGE)
    checked = await targets.check(url)
    now = ctx.clock.now()
    endpoint = WebhookEndpoint(
        id=new_id(),
        organization_id=caller.organization_id,
        url=checked,
        event_types=check_event_types(event_types),
        description=free_text(description, "description", MAX_NOTE_LENGTH),
        secret=new_secret(),
        created_at=now,
        updated_at=now,
    )
    async with ctx.uow() as uow:
        await uow.webhooks.add_endpoint(endpoint)
        summary = f"endpoint {endpoint.url} for {', '.join(endpoint.event_types)}"
        await _audit(ctx, caller, uow, endpoint, action="webhook_endpoint.create", summary=summary)
        await uow.commit()
    return endpoint


async def list_webhook_endpoints(ctx: ServiceContext, caller: Caller) -> list[WebhookEndpoint]:
    """The organization's endpoints (their secrets are never answered here)."""
    caller.require(Permission.WEBHOOK_MANAGE)
    async with ctx.uow() as uow:
        return await uow.webhooks.endpoints(caller.organization_id)


async def update_webhook_endpoint(
    ctx: ServiceContext,
    caller: Caller,
    targets: TargetPolicy,
    endpoint_id: UUID,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given; None keeps it."""
    caller.require(Permission.WEBHOOK_MANAGE)
    checked = None if url is None else await targets.check(url)
    kinds = None if event_types is None else check_event_types(event_types)
    text = None if description is None else free_text(description, "description", MAX_NOTE_LENGTH)
    async with ctx.uow() as uow:
        endpoint = await uow.webhooks.get_endpoint(caller.organization_id, endpoint_id)
        before = f"{endpoint.url} {list(endpoint.event_types)} enabled={endpoint.enabled}"
        endpoint.url = checked or endpoint.url
        endpoint.event_types = kinds or endpoint.event_types
        endpoint.description = endpoint.description if text is None else text
        if enabled is not None:
            endpoint.enabled = enabled
            endpoint.disabled_reason = None if enabled else "disabled by hand"
        endpoint.updated_at = ctx.clock.now()
        await uow.webhooks.update_endpoint(endpoint)
        after = f"{endpoint.url} {list(endpoint.event_types)} enabled={endpoint.enabled}"
        await _audit(
            ctx,
            caller,
            uow,
            endpoint,
            action="webhook_endpoint.update",
            summary=f"{before} → {after}",
        )
        await uow.commit()
    return endpoint


async def rotate_webhook_secret(
    ctx: ServiceContext, caller: Caller, endpoint_id: UUID
) -> WebhookEndpoint:
    """A new secret for the endpoint (answered this once); the old one stops at once."""
    caller.require(Permission.WEBHOOK_MANAGE)
    async with ctx.uow() as uow:
        endpoint = await uow.webhooks.get_endpoint(caller.organization_id, endpoint_id)
        endpoint.secret = new_secret()
        endpoint.updated_at = ctx.clock.now()
        await uow.webhooks.update_endpoint(endpoint)
        await _audit(
            ctx,
            caller,
            uow,
            endpoint,
            action="webhook_endpoint.rotate_secret",
            summary="secret rotated",
        )
        await uow.commit()
    return endpoint


async def list_webhook_deliveries(
    ctx: ServiceContext,
    caller: Caller,
    endpoint_id: UUID,
    *,
    first: int = 50,
    after: Cursor | None = None,
) -> Page[WebhookDelivery]:
    """An endpoint's deliveries, newest first."""
    caller.require(Permission.WEBHOOK_MANAGE)
    async with ctx.uow() as uow:
        await uow.webhooks.get_endpoint(caller.organization_id, endpoint_id)

        async def fetch(cursor: Cursor | None, limit: int) -> list[WebhookDelivery]:
            return await uow.webhooks.deliveries(
                caller.organization_id, endpoint_id, after=cursor, limit=limit
            )

        return await read_page(fetch, first=first, after=after)


async def delivery_attempts(
    ctx: ServiceContext, caller: Caller, delivery_ids: Sequence[UUID]
) -> dict[UUID, list[WebhookAttempt]]:
    """The attempts of deliveries already read, in one read."""
    caller.require(Permission.WEBHOOK_MANAGE)
    async with ctx.uow() as uow:
        return await uow.webhooks.attempts(caller.organization_id, delivery_ids)


async def replay_webhook_delivery(
    ctx: ServiceContext, caller: Caller, delivery_id: UUID
) -> WebhookDelivery:
    """Send a delivery again, under the same ``webhook-id``, now."""
    caller.require(Permission.WEBHOOK_MANAGE)
    async with ctx.uow() as uow:
        delivery = await uow.webhooks.get_delivery(caller.organization_id, delivery_id)
        endpoint = await uow.webhooks.get_endpoint(caller.organization_id, delivery.endpoint_id)
        if not endpoint.enabled:
            raise invalid("the endpoint is disabled; enable it first", field="id")
        delivery.status = WebhookDeliveryStatus.PENDING
        delivery.next_attempt_at = ctx.clock.now()
        await uow.webhooks.save_deliveries([delivery])
        summary = f"delivery {delivery.message_id} ({delivery.event_name}) replayed"
        await _audit(ctx, caller, uow, endpoint, action="webhook_delivery.replay", summary=summary)
        await uow.commit()
    return delivery
