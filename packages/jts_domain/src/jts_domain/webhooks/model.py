"""Webhook endpoints, the deliveries of events to them, and every attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from jts_domain.model import EventName

#: The outbox events an endpoint may subscribe to.
WEBHOOK_EVENTS: tuple[EventName, ...] = (
    EventName.TASK_COMPLETED,
    EventName.TASK_ASSIGNED,
    EventName.TIMER_STOPPED,
    EventName.DAILY_SCORE_CALCULATED,
    EventName.ALERT_RAISED,
    EventName.JOB_TO_DO_STATUS_CHANGED,
)


@dataclass(slots=True, kw_only=True)
class WebhookEndpoint:
    """Where an organization wants events, and the secret they are signed with.

    ``secret`` is the ``whsec_…`` text (shown once, when made or rotated); the store
    keeps it encrypted. An endpoint answering 410 is disabled with the reason.
    """

    id: UUID
    organization_id: UUID
    url: str
    event_types: tuple[str, ...]
    description: str
    secret: str
    enabled: bool = True
    disabled_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1


class WebhookDeliveryStatus(StrEnum):
    """Where one event's delivery to one endpoint is."""

    PENDING = "PENDING"
    RETRYING = "RETRYING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@dataclass(slots=True, kw_only=True)
class WebhookDelivery:
    """One event for one endpoint. ``message_id`` is the ``webhook-id`` of every attempt
    (so a receiver can drop repeats) and ``body`` the exact bytes each attempt sends."""

    id: UUID
    organization_id: UUID
    endpoint_id: UUID
    message_id: str
    event_name: str
    event_key: str
    body: str
    status: WebhookDeliveryStatus
    attempts: int = 0
    next_attempt_at: datetime | None
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookAttempt:
    """One POST of a delivery: when, what the endpoint answered (or the network error)."""

    id: UUID
    organization_id: UUID
    delivery_id: UUID
    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    response_excerpt: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PostResult:
    """What the HTTP sender got back."""

    status_code: int | None
    error: str | None = None
    excerpt: str | None = None
