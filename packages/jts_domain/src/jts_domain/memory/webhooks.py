"""In-memory webhook endpoints, deliveries and attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.memory.delivery_tables import WebhookTables
from jts_domain.memory.tables import Tables, detached
from jts_domain.webhooks.model import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)

_DUE = (WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.RETRYING)


class MemoryWebhooks:
    """The webhook repository in process memory."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    @property
    def _w(self) -> WebhookTables:
        return self._t.webhooks

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self._w.endpoints[endpoint.id] = detached(endpoint)

    async def get_endpoint(self, organization_id: UUID, endpoint_id: UUID) -> WebhookEndpoint:
        found = self._w.endpoints.get(endpoint_id)
        if found is None or found.organization_id != organization_id:
            raise not_found("webhook endpoint", endpoint_id)
        return detached(found)

    async def update_endpoint(self, endpoint: WebhookEndpoint) -> None:
        stored = await self.get_endpoint(endpoint.organization_id, endpoint.id)
        if stored.version != endpoint.version:
            raise DomainError(
                ErrorCode.CONFLICT, "the endpoint was changed by someone else; reload and retry"
            )
        endpoint.version += 1
        self._w.endpoints[endpoint.id] = detached(endpoint)

    async def endpoints(self, organization_id: UUID) -> list[WebhookEndpoint]:
        rows = [e for e in self._w.endpoints.values() if e.organization_id == organization_id]
        return [detached(e) for e in sorted(rows, key=lambda e: (e.created_at, e.id))]

    async def subscribed(
        self, organization_ids: Sequence[UUID]
    ) -> dict[UUID, list[WebhookEndpoint]]:
        found: dict[UUID, list[WebhookEndpoint]] = {}
        for organization_id in organization_ids:
            rows = [e for e in await self.endpoints(organization_id) if e.enabled]
            if rows:
                found[organization_id] = rows
        return found

    async def add_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> int:
        have = {(d.endpoint_id, d.event_key) for d in self._w.deliveries.values()}
        added = 0
        for delivery in deliveries:
            if (delivery.endpoint_id, delivery.event_key) in have:
                continue
            have.add((delivery.endpoint_id, delivery.event_key))
            self._w.deliveries[delivery.id] = detached(delivery)
            added += 1
        return added

    async def claim_deliveries(
        self, now: datetime, limit: int, tenants: frozenset[UUID] | None = None
    ) -> list[tuple[WebhookDelivery, WebhookEndpoint]]:
        due = [
            d
            for d in self._w.deliveries.values()
            if (tenants is None or d.organization_id in tenants)
            and d.status in _DUE
            and d.next_attempt_at is not None
            and d.next_attempt_at <= now
            and self._w.endpoints[d.endpoint_id].enabled
        ]
        due.sort(key=lambda d: (d.next_attempt_at or now, d.id))
        return [
            (detached(d), detached(self._w.endpoints[d.endpoint_id])) for d in due[: max(limit, 0)]
        ]

    async def save_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> None:
        for delivery in deliveries:
            self._w.deliveries[delivery.id] = detached(delivery)

    async def get_delivery(self, organization_id: UUID, delivery_id: UUID) -> WebhookDelivery:
        found = self._w.deliveries.get(delivery_id)
        if found is None or found.organization_id != organization_id:
            raise not_found("webhook delivery", delivery_id)
        return detached(found)

    async def deliveries(
        self,
        organization_id: UUID,
        endpoint_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[WebhookDelivery]:
        rows = [
            d
            for d in self._w.deliveries.values()
            if d.organization_id == organization_id and d.endpoint_id == endpoint_id
        ]
        rows.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        if after is not None:
            rows = [d for d in rows if (d.created_at, d.id) < after]
        return [detached(d) for d in rows[: max(limit, 0)]]

    async def add_attempts(self, attempts: Sequence[WebhookAttempt]) -> None:
        for attempt in attempts:
            self._w.attempts.setdefault(attempt.delivery_id, []).append(attempt)

    async def attempts(
        self, organization_id: UUID, delivery_ids: Sequence[UUID]
    ) -> dict[UUID, list[WebhookAttempt]]:
        found: dict[UUID, list[WebhookAttempt]] = {}
        for delivery_id in set(delivery_ids):
            rows = [
                a for a in self._w.attempts.get(delivery_id, [])
                if a.organization_id == organization_id
            ]  # fmt: skip
            if rows:
                found[delivery_id] = sorted(rows, key=lambda a: a.attempt)
        return found
