"""Webhooks: ``webhookEndpoints``, ``webhookDeliveries``, ``createWebhookEndpoint``
(its secret shown once), ``updateWebhookEndpoint``, ``rotateWebhookSecret`` and
``replayWebhookDelivery`` — all ``webhook.manage``."""

from __future__ import annotations

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_id
from jts_api.graphql.types.delivery import (
    CreateWebhookEndpointInput,
    UpdateWebhookEndpointInput,
    WebhookDeliveryConnection,
    WebhookDeliveryType,
    WebhookEndpointSecret,
    WebhookEndpointType,
    delivery_of,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_domain.webhooks import endpoints as hooks
from jts_store.delivery.resolver import SystemResolver

DEFAULT_PAGE_SIZE = 50
_RESOLVER = SystemResolver()


def _targets(info: Info) -> hooks.TargetPolicy:
    settings = info.context.runtime.settings
    return hooks.TargetPolicy(
        resolver=_RESOLVER,
        production=settings.is_production,
        loopback_only=settings.webhook_loopback_only,
    )


@strawberry.type
class Query:
    @typed.field(description="The organization's webhook endpoints (no secrets).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpointType]:
        ctx = info.context
        found = await hooks.list_webhook_endpoints(ctx.services, ctx.require_caller())
        return [WebhookEndpointType.of(e) for e in found]

    @typed.field(description="An endpoint's deliveries, newest first, with every attempt.")
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> WebhookDeliveryConnection:
        ctx = info.context
        caller = ctx.require_caller()
        page = await hooks.list_webhook_deliveries(
            ctx.services, caller, parse_id(endpoint_id, "endpointId"), first=first,
            after=decode_cursor(after),
        )  # fmt: skip
        attempts = await hooks.delivery_attempts(ctx.services, caller, [d.id for d in page.items])
        return WebhookDeliveryConnection.of(page, attempts)


@strawberry.type
class Mutation:
    @typed.mutation(description="A new endpoint and its secret (shown this once).")
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointSecret:
        ctx = info.context
        made = await hooks.create_webhook_endpoint(
            ctx.services, ctx.require_caller(), _targets(info), url=input.url,
            event_types=input.event_types, description=input.description,
        )  # fmt: skip
        return WebhookEndpointSecret(endpoint=WebhookEndpointType.of(made), secret=made.secret)

    @typed.mutation(description="Change an endpoint's url, events, description or enabled.")
    async def update_webhook_endpoint(
        self, info: Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointType:
        ctx = info.context
        updated = await hooks.update_webhook_endpoint(
            ctx.services, ctx.require_caller(), _targets(info), parse_id(id, "id"),
            url=input.url, event_types=input.event_types, description=input.description,
            enabled=input.enabled,
        )  # fmt: skip
        return WebhookEndpointType.of(updated)

    @typed.mutation(description="A new secret for the endpoint (shown this once).")
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID) -> WebhookEndpointSecret:
        ctx = info.context
        rotated = await hooks.rotate_webhook_secret(
            ctx.services, ctx.require_caller(), parse_id(id, "id")
        )
        return WebhookEndpointSecret(
            endpoint=WebhookEndpointType.of(rotated), secret=rotated.secret
        )

    @typed.mutation(description="Send a delivery again now, under the same webhook-id.")
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDeliveryType:
        ctx = info.context
        caller = ctx.require_caller()
        replayed = await hooks.replay_webhook_delivery(ctx.services, caller, parse_id(id, "id"))
        attempts = await hooks.delivery_attempts(ctx.services, caller, [replayed.id])
        return delivery_of(replayed, attempts.get(replayed.id, []))
