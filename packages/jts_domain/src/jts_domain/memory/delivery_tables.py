"""The in-memory tables of delivery and of webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Self
from uuid import UUID

from jts_domain.delivery.model import (
    DeliveryAttempt,
    InboxMessage,
    JobDelivery,
    LedgerEntry,
    MessageTemplate,
)
from jts_domain.webhooks.model import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@dataclass(slots=True)
class DeliveryTables:
    """Delivery states, attempts, counters, the ledger, inboxes, templates, and the
    webhook tables."""

    deliveries: dict[UUID, JobDelivery] = field(default_factory=dict)
    attempts: dict[str, DeliveryAttempt] = field(default_factory=dict)
    counters: dict[tuple[str, datetime], int] = field(default_factory=dict)
    ledger: dict[UUID, LedgerEntry] = field(default_factory=dict)
    inbox: dict[UUID, InboxMessage] = field(default_factory=dict)
    templates: dict[tuple[UUID, str, str, str], MessageTemplate] = field(default_factory=dict)
    languages: dict[UUID, str] = field(default_factory=dict)

    def __copy__(self) -> Self:
        return type(self)(
            deliveries=dict(self.deliveries),
            attempts=dict(self.attempts),
            counters=dict(self.counters),
            ledger=dict(self.ledger),
            inbox=dict(self.inbox),
            templates=dict(self.templates),
            languages=dict(self.languages),
        )


@dataclass(slots=True)
class WebhookTables:
    """Endpoints, deliveries and attempts."""

    endpoints: dict[UUID, WebhookEndpoint] = field(default_factory=dict)
    deliveries: dict[UUID, WebhookDelivery] = field(default_factory=dict)
    attempts: dict[UUID, list[WebhookAttempt]] = field(default_factory=dict)

    def __copy__(self) -> Self:
        return type(self)(
            endpoints=dict(self.endpoints),
            deliveries=dict(self.deliveries),
            attempts={key: list(rows) for key, rows in self.attempts.items()},
        )
