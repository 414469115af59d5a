"""Webhooks in PostgreSQL: endpoints (secrets sealed by :mod:`jts_store.delivery.
secrets`), deliveries claimed with ``FOR UPDATE SKIP LOCKED``, attempts appended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, true, tuple_
from sqlalchemy.dialects.postgresql import insert

from jts_domain.errors import not_found
from jts_domain.webhooks.model import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from jts_store.delivery.rows import (
    webhook_attempt_of,
    webhook_attempt_values,
    webhook_delivery_of,
    webhook_delivery_values,
)
from jts_store.delivery.secrets import secret_box
from jts_store.delivery.tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow
from jts_store.repositories.transaction import TransactionConnection
from jts_store.repositories.unnest import column_arrays, unnest_insert, unnest_update
from jts_store.tables.base import table_of

_endpoints = table_of(WebhookEndpointRow)
_deliveries = table_of(WebhookDeliveryRow)
_attempts = table_of(WebhookAttemptRow)
_DUE = ("PENDING", "RETRYING")
_E = "e_"
_ENDPOINT_COLUMNS = [c.label(f"{_E}{c.name}") for c in _endpoints.c]
_DELIVERY_NAMES = tuple(c.name for c in _deliveries.c)
_ADD_DELIVERIES = unnest_insert(
    _deliveries, _DELIVERY_NAMES, "ON CONFLICT (endpoint_id, event_key) DO NOTHING RETURNING id"
)
_MUTABLE = ("status", "attempts", "next_attempt_at", "last_status_code", "last_error",
            "delivered_at")  # fmt: skip
_SAVE_DELIVERIES = unnest_update(_deliveries, "id", _MUTABLE)
_ATTEMPT_NAMES = tuple(c.name for c in _attempts.c)
_ADD_ATTEMPTS = unnest_insert(_attempts, _ATTEMPT_NAMES)


def _endpoint_values(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "organization_id": endpoint.organization_id,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "description": endpoint.description,
        "secret_encrypted": secret_box().seal(endpoint.secret),
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
        "version": endpoint.version,
    }


def _endpoint_of(row: Row[Any], prefix: str = "") -> WebhookEndpoint:
    m = row._mapping
    return WebhookEndpoint(
        id=m[f"{prefix}id"],
        organization_id=m[f"{prefix}organization_id"],
        url=m[f"{prefix}url"],
        event_types=tuple(m[f"{prefix}event_types"]),
        description=m[f"{prefix}description"],
        secret=secret_box().open(m[f"{prefix}secret_encrypted"]),
        enabled=m[f"{prefix}enabled"],
        disabled_reason=m[f"{prefix}disabled_reason"],
        created_at=m[f"{prefix}created_at"],
        updated_at=m[f"{prefix}updated_at"],
        version=m[f"{prefix}version"],
    )


class SqlWebhooks:
    """The webhook repository of a unit of work."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        await self._db.execute(insert(_endpoints).values(**_endpoint_values(endpoint)))

    async def get_endpoint(self, organization_id: UUID, endpoint_id: UUID) -> WebhookEndpoint:
        statement = select(_endpoints).where(
            _endpoints.c.organization_id == organization_id, _endpoints.c.id == endpoint_id
        )
        row = (await self._db.execute(statement)).first()
        if row is None:
            raise not_found("webhook endpoint", endpoint_id)
        return _endpoint_of(row)

    async def update_endpoint(self, endpoint: WebhookEndpoint) -> None:
        values = _endpoint_values(endpoint)
        await self._db.update_versioned(
            _endpoints,
            [
                _endpoints.c.organization_id == endpoint.organization_id,
                _endpoints.c.id == endpoint.id,
            ],
            entity="webhook endpoint",
            record_id=endpoint.id,
            version=endpoint.version,
            values={
                k: v
                for k, v in values.items()
                if k not in ("id", "organization_id", "created_at", "version")
            },
        )
        endpoint.version += 1

    async def endpoints(self, organization_id: UUID) -> list[WebhookEndpoint]:
        statement = (
            select(_endpoints)
            .where(_endpoints.c.organization_id == organization_id)
            .order_by(_endpoints.c.created_at, _endpoints.c.id)
        )
        return [_endpoint_of(row) for row in await self._db.execute(statement)]

    async def subscribed(
        self, organization_ids: Sequence[UUID]
    ) -> dict[UUID, list[WebhookEndpoint]]:
        if not organization_ids:
            return {}
        statement = (
            select(_endpoints)
            .where(_endpoints.c.organization_id.in_(set(organization_ids)), _endpoints.c.enabled)
            .order_by(_endpoints.c.created_at, _endpoints.c.id)
        )
        found: dict[UUID, list[WebhookEndpoint]] = {}
        for row in await self._db.execute(statement):
            found.setdefault(row.organization_id, []).append(_endpoint_of(row))
        return found

    async def add_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> int:
        if not deliveries:
            return 0
        rows = [webhook_delivery_values(d) for d in deliveries]
        found = await self._db.execute(_ADD_DELIVERIES, column_arrays(rows, _DELIVERY_NAMES))
        return len(list(found))

    async def claim_deliveries(
        self, now: datetime, limit: int, tenants: frozenset[UUID] | None = None
    ) -> list[tuple[WebhookDelivery, WebhookEndpoint]]:
        d = _deliveries.c
        statement = (
            select(_deliveries, *_ENDPOINT_COLUMNS)
            .join(_endpoints, _endpoints.c.id == d.endpoint_id)
            .where(d.status.in_(_DUE), d.next_attempt_at <= now, _endpoints.c.enabled)
            .where(d.organization_id.in_(sorted(tenants)) if tenants is not None else true())
            .order_by(d.next_attempt_at, d.id)
            .limit(max(limit, 0))
            .with_for_update(of=_deliveries, skip_locked=True)
        )
        endpoints: dict[UUID, WebhookEndpoint] = {}
        claimed = []
        for row in await self._db.execute(statement):
            endpoint_id = row._mapping[f"{_E}id"]
            if endpoint_id not in endpoints:
                endpoints[endpoint_id] = _endpoint_of(row, _E)
            claimed.append((webhook_delivery_of(row), endpoints[endpoint_id]))
        return claimed

    async def save_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> None:
        if deliveries:
            rows = [webhook_delivery_values(d) for d in deliveries]
            await self._db.execute(_SAVE_DELIVERIES, column_arrays(rows, ("id", *_MUTABLE)))

    async def get_delivery(self, organization_id: UUID, delivery_id: UUID) -> WebhookDelivery:
        statement = select(_deliveries).where(
            _deliveries.c.organization_id == organization_id, _deliveries.c.id == delivery_id
        )
        row = (await self._db.execute(statement)).first()
        if row is None:
            raise not_found("webhook delivery", delivery_id)
        return webhook_delivery_of(row)

    async def deliveries(
        self,
        organization_id: UUID,
        endpoint_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[WebhookDelivery]:
        d = _deliveries.c
        statement = select(_deliveries).where(
            d.organization_id == organization_id, d.endpoint_id == endpoint_id
        )
        if after is not None:
            statement = statement.where(tuple_(d.created_at, d.id) < tuple_(*after))
        statement = statement.order_by(d.created_at.desc(), d.id.desc()).limit(max(limit, 0))
        return [webhook_delivery_of(row) for row in await self._db.execute(statement)]

    async def add_attempts(self, attempts: Sequence[WebhookAttempt]) -> None:
        if attempts:
            rows = [webhook_attempt_values(a) for a in attempts]
            await self._db.execute(_ADD_ATTEMPTS, column_arrays(rows, _ATTEMPT_NAMES))

    async def attempts(
        self, organization_id: UUID, delivery_ids: Sequence[UUID]
    ) -> dict[UUID, list[WebhookAttempt]]:
        if not delivery_ids:
            return {}
        a = _attempts.c
        statement = (
            select(_attempts)
            .where(a.organization_id == organization_id, a.delivery_id.in_(set(delivery_ids)))
            .order_by(a.delivery_id, a.attempt, a.at)
        )
        found: dict[UUID, list[WebhookAttempt]] = {}
        for row in await self._db.execute(statement):
            found.setdefault(row.delivery_id, []).append(webhook_attempt_of(row))
        return found
