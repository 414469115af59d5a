"""GraphQL shapes of delivery (inbox, templates, usage, a job's delivery state) and of
webhooks (endpoints, deliveries, attempts)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

import strawberry

from jts_api.graphql.ids import to_id
from jts_api.graphql.types.paging import PageInfo, encode_cursor
from jts_domain.delivery import model as delivery
from jts_domain.services.paging import Page
from jts_domain.webhooks import model as hooks

strawberry.enum(hooks.WebhookDeliveryStatus)


@strawberry.type
class JobDeliveryType:
    """A job's delivery: its state, why it waits or is held, the next attempt."""

    state: str
    reason: str | None
    next_attempt_at: datetime | None
    critical_override: bool
    provider_message_id: str | None
    updated_at: datetime

    @classmethod
    def of(cls, d: delivery.JobDelivery) -> JobDeliveryType:
        return cls(
            state=d.state.value,
            reason=d.reason,
            next_attempt_at=d.next_attempt_at,
            critical_override=d.critical_override,
            provider_message_id=d.provider_message_id,
            updated_at=d.updated_at,
        )


@strawberry.type
class InboxMessageType:
    id: strawberry.ID
    job_id: strawberry.ID
    subject: str
    body: str
    priority: int
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, m: delivery.InboxMessage) -> InboxMessageType:
        return cls(
            id=to_id(m.id),
            job_id=to_id(m.job_id),
            subject=m.subject,
            body=m.body,
            priority=m.priority,
            created_at=m.created_at,
            read_at=m.read_at,
        )


@strawberry.type
class InboxMessageEdge:
    node: InboxMessageType
    cursor: str


@strawberry.type
class InboxConnection:
    edges: list[InboxMessageEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[delivery.InboxMessage]) -> InboxConnection:
        """A page of messages, newest first, cursors on (created at, id)."""
        edges = [
            InboxMessageEdge(node=InboxMessageType.of(m), cursor=encode_cursor(m.created_at, m.id))
            for m in page.items
        ]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end))


@strawberry.type
class MessageTemplateType:
    id: strawberry.ID
    event_type: str
    channel: str
    language: str
    subject: str
    body: str
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, t: delivery.MessageTemplate) -> MessageTemplateType:
        return cls(
            id=to_id(t.id),
            event_type=t.event_type,
            channel=t.channel,
            language=t.language,
            subject=t.subject,
            body=t.body,
            updated_at=t.updated_at,
            version=t.version,
        )


@strawberry.input
class SaveMessageTemplateInput:
    event_type: str
    channel: str
    language: str
    subject: str
    body: str
    version: int = strawberry.field(
        default=0, description="The version you read (0 for a new template)."
    )


@strawberry.type
class JtdUsageRow:
    """Messages sent and their cost (minor units) on one channel on one local day."""

    day: str
    channel: str
    messages: int
    cost_minor: int
    currency: str


@strawberry.type
class InboxMessageEvent:
    """A message just put in the subscriber's inbox."""

    message: InboxMessageType


@strawberry.type
class WebhookEndpointType:
    id: strawberry.ID
    url: str
    event_types: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, e: hooks.WebhookEndpoint) -> WebhookEndpointType:
        """The endpoint without its secret (shown only when made or rotated)."""
        return cls(
            id=to_id(e.id),
            url=e.url,
            event_types=list(e.event_types),
            description=e.description,
            enabled=e.enabled,
            disabled_reason=e.disabled_reason,
            created_at=e.created_at,
            updated_at=e.updated_at,
            version=e.version,
        )


@strawberry.type
class WebhookEndpointSecret:
    """An endpoint and its secret: the one time the secret is shown."""

    endpoint: WebhookEndpointType
    secret: str


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    event_types: list[str]
    description: str = ""


@strawberry.input
class UpdateWebhookEndpointInput:
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@strawberry.type
class WebhookAttemptType:
    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    response_excerpt: str | None


@strawberry.type
class WebhookDeliveryType:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    webhook_id: str = strawberry.field(description="The webhook-id header of every attempt.")
    event_type: str
    payload: str = strawberry.field(description="The exact JSON body each attempt sends.")
    status: hooks.WebhookDeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[WebhookAttemptType]


@strawberry.type
class WebhookDeliveryEdge:
    node: WebhookDeliveryType
    cursor: str


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo

    @classmethod
    def of(
        cls,
        page: Page[hooks.WebhookDelivery],
        attempts: Mapping[UUID, list[hooks.WebhookAttempt]],
    ) -> WebhookDeliveryConnection:
        """A page of deliveries, newest first, each with its attempts."""
        edges = [
            WebhookDeliveryEdge(
                node=delivery_of(d, attempts.get(d.id, [])),
                cursor=encode_cursor(d.created_at, d.id),
            )
            for d in page.items
        ]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end))


def delivery_of(
    d: hooks.WebhookDelivery, attempts: list[hooks.WebhookAttempt]
) -> WebhookDeliveryType:
    """The GraphQL shape of a delivery and its attempts."""
    return WebhookDeliveryType(
        id=to_id(d.id),
        endpoint_id=to_id(d.endpoint_id),
        webhook_id=d.message_id,
        event_type=d.event_name,
        payload=d.body,
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
        attempt_log=[
            WebhookAttemptType(
                attempt=a.attempt,
                at=a.at,
                status_code=a.status_code,
                error=a.error,
                response_excerpt=a.response_excerpt,
            )
            for a in attempts
        ],
    )
