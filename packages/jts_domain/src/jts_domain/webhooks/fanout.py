"""The webhook outbox consumer: each committed event JTS delivers becomes one delivery
per enabled endpoint of its organization that subscribes to it.

A delivery's body is fixed here — ``{"type", "timestamp", "data"}`` as the Standard
Webhooks spec suggests — so every attempt sends the same bytes under the same
``webhook-id``. Its key is the event's place in the outbox, so a batch handled again
could not make a second delivery of one event to one endpoint.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from jts_domain.ids import new_id
from jts_domain.ports import OutboxBatch, UnitOfWork
from jts_domain.webhooks.model import WEBHOOK_EVENTS, WebhookDelivery, WebhookDeliveryStatus

CONSUMER = "webhooks.deliveries"
_NAMES = frozenset(name.value for name in WEBHOOK_EVENTS)


def webhook_body(name: str, occurred_at: datetime, payload: dict[str, object]) -> str:
    """The JSON an endpoint receives for an event."""
    document = {"type": name, "timestamp": occurred_at.isoformat(), "data": payload}
    return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str)


async def webhook_fanout(uow: UnitOfWork, batch: OutboxBatch, now: datetime) -> dict[str, int]:
    """The consumer's handler: deliveries for the batch's subscribed events."""
    wanted = [
        (key, event)
        for key, event in zip(batch.keys, batch.events, strict=True)
        if event.name.value in _NAMES
    ]
    if not wanted:
        return {}
    endpoints = await uow.webhooks.subscribed(sorted({e.organization_id for _, e in wanted}))
    deliveries = []
    counts: dict[str, int] = defaultdict(int)
    for key, event in wanted:
        for endpoint in endpoints.get(event.organization_id, []):
            if event.name.value not in endpoint.event_types:
                continue
            delivery_id = new_id()
            deliveries.append(
                WebhookDelivery(
                    id=delivery_id,
                    organization_id=event.organization_id,
                    endpoint_id=endpoint.id,
                    message_id=f"msg_{delivery_id.hex}",
                    event_name=event.name.value,
                    event_key=key,
                    body=webhook_body(event.name.value, event.occurred_at, event.payload),
                    status=WebhookDeliveryStatus.PENDING,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    counts["deliveries"] = await uow.webhooks.add_deliveries(deliveries)
    return dict(counts)
