"""Mapping delivery's and webhooks' records to and from their rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from jts_domain.delivery.model import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryState,
    InboxMessage,
    JobDelivery,
    MessageTemplate,
)
from jts_domain.webhooks.model import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
)


def delivery_values(d: JobDelivery) -> dict[str, Any]:
    return {
        "job_id": d.job_id,
        "organization_id": d.organization_id,
        "state": d.state.value,
        "reason": d.reason,
        "next_attempt_at": d.next_attempt_at,
        "critical_override": d.critical_override,
        "provider_message_id": d.provider_message_id,
        "updated_at": d.updated_at,
    }


def delivery_of(row: Row[Any], prefix: str = "") -> JobDelivery:
    m = row._mapping
    return JobDelivery(
        job_id=m[f"{prefix}job_id"],
        organization_id=m[f"{prefix}organization_id"],
        state=DeliveryState(m[f"{prefix}state"]),
        reason=m[f"{prefix}reason"],
        next_attempt_at=m[f"{prefix}next_attempt_at"],
        critical_override=m[f"{prefix}critical_override"],
        provider_message_id=m[f"{prefix}provider_message_id"],
        updated_at=m[f"{prefix}updated_at"],
    )


def attempt_values(a: DeliveryAttempt) -> dict[str, Any]:
    return {
        "id": a.id,
        "organization_id": a.organization_id,
        "job_id": a.job_id,
        "attempt": a.attempt,
        "key": a.key,
        "channel": a.channel,
        "provider": a.provider,
        "started_at": a.started_at,
        "finished_at": a.finished_at,
        "outcome": None if a.outcome is None else a.outcome.value,
        "error": a.error,
        "provider_message_id": a.provider_message_id,
    }


def attempt_of(row: Row[Any]) -> DeliveryAttempt:
    return DeliveryAttempt(
        id=row.id,
        organization_id=row.organization_id,
        job_id=row.job_id,
        attempt=row.attempt,
        key=row.key,
        channel=row.channel,
        provider=row.provider,
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=None if row.outcome is None else AttemptOutcome(row.outcome),
        error=row.error,
        provider_message_id=row.provider_message_id,
    )


def inbox_of(row: Row[Any]) -> InboxMessage:
    return InboxMessage(
        id=row.id,
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        job_id=row.job_id,
        subject=row.subject,
        body=row.body,
        priority=row.priority,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def template_of(row: Row[Any]) -> MessageTemplate:
    return MessageTemplate(
        id=row.id,
        organization_id=row.organization_id,
        event_type=row.event_type,
        channel=row.channel,
        language=row.language,
        subject=row.subject,
        body=row.body,
        updated_at=row.updated_at,
        version=row.version,
    )


def webhook_delivery_values(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "organization_id": d.organization_id,
        "endpoint_id": d.endpoint_id,
        "message_id": d.message_id,
        "event_name": d.event_name,
        "event_key": d.event_key,
        "body": d.body,
        "status": d.status.value,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "delivered_at": d.delivered_at,
    }


def webhook_delivery_of(row: Row[Any]) -> WebhookDelivery:
    m = row._mapping
    return WebhookDelivery(
        id=m["id"],
        organization_id=m["organization_id"],
        endpoint_id=m["endpoint_id"],
        message_id=m["message_id"],
        event_name=m["event_name"],
        event_key=m["event_key"],
        body=m["body"],
        status=WebhookDeliveryStatus(m["status"]),
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        last_status_code=m["last_status_code"],
        last_error=m["last_error"],
        created_at=m["created_at"],
        delivered_at=m["delivered_at"],
    )


def webhook_attempt_values(a: WebhookAttempt) -> dict[str, Any]:
    return {
        "id": a.id,
        "organization_id": a.organization_id,
        "delivery_id": a.delivery_id,
        "attempt": a.attempt,
        "at": a.at,
        "status_code": a.status_code,
        "error": a.error,
        "response_excerpt": a.response_excerpt,
    }


def webhook_attempt_of(row: Row[Any]) -> WebhookAttempt:
    return WebhookAttempt(
        id=row.id,
        organization_id=row.organization_id,
        delivery_id=row.delivery_id,
        attempt=row.attempt,
        at=row.at,
        status_code=row.status_code,
        error=row.error,
        response_excerpt=row.response_excerpt,
    )
