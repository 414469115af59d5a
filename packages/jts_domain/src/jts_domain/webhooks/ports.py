"""What webhooks need: storage (``uow.webhooks``), an HTTP sender and a host resolver."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from jts_domain.webhooks.model import (
    PostResult,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class WebhookRepository(Protocol):
    """Endpoints, deliveries and attempts."""

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...

    async def get_endpoint(self, organization_id: UUID, endpoint_id: UUID) -> WebhookEndpoint:
        """NOT_FOUND for an id of another organization."""
        ...

    async def update_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """CONFLICT when its version is stale; bumps it."""
        ...

    async def endpoints(self, organization_id: UUID) -> list[WebhookEndpoint]:
        """The organization's endpoints, oldest first."""
        ...

    async def subscribed(
        self, organization_ids: Sequence[UUID]
    ) -> dict[UUID, list[WebhookEndpoint]]:
        """The enabled endpoints of each organization."""
        ...

    async def add_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> int:
        """Store deliveries, skipping one whose (endpoint, event key) exists; how many."""
        ...

    async def claim_deliveries(
        self, now: datetime, limit: int, tenants: frozenset[UUID] | None = None
    ) -> list[tuple[WebhookDelivery, WebhookEndpoint]]:
        """Hold, for this transaction, up to ``limit`` deliveries due at ``now`` (pending
        or retrying) of enabled endpoints (of ``tenants`` only, when given), oldest due
        first; others' are skipped."""
        ...

    async def save_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> None:
        """Store the deliveries' status, attempts, next attempt and last answer."""
        ...

    async def get_delivery(self, organization_id: UUID, delivery_id: UUID) -> WebhookDelivery: ...

    async def deliveries(
        self,
        organization_id: UUID,
        endpoint_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[WebhookDelivery]:
        """An endpoint's deliveries, newest first by (created_at, id), before the cursor."""
        ...

    async def add_attempts(self, attempts: Sequence[WebhookAttempt]) -> None: ...

    async def attempts(
        self, organization_id: UUID, delivery_ids: Sequence[UUID]
    ) -> dict[UUID, list[WebhookAttempt]]:
        """Each delivery's attempts, oldest first."""
        ...


class WebhookSender(Protocol):
    """POSTs a webhook."""

    async def post(self, url: str, headers: Mapping[str, str], body: str) -> PostResult:
        """Send; never raises for an answer or a network fault (it returns them)."""
        ...


class HostResolver(Protocol):
    """Turns a host name into the addresses it would be reached at."""

    async def resolve(self, host: str) -> list[str]:
        """The host's addresses (an IP literal resolves to itself); empty when unknown."""
        ...
