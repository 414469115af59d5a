"""Delivery's and webhooks' tables.

The database guards what must never happen: one attempt per key (so one key is never
sent twice), one ledger row and one inbox message per job, one delivery of an event to
an endpoint, one template per (organization, event type, channel, language).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.delivery.model import AttemptOutcome, DeliveryState
from jts_domain.webhooks.model import WebhookDeliveryStatus
from jts_store.jtd.tables import JobToDoRow
from jts_store.tables.base import Base, one_of, organization_reference, reference, table_of


class JobDeliveryRow(Base):
    """A job's delivery state (no row: never seen by a dispatcher)."""

    __tablename__ = "job_deliveries"
    __table_args__ = (
        one_of("state", DeliveryState, "state"),
        Index("ix_job_deliveries_organization_id_state", "organization_id", "state"),
    )

    job_id: Mapped[UUID] = mapped_column(reference("jobs_to_do.id"), primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    state: Mapped[str]
    reason: Mapped[str | None]
    next_attempt_at: Mapped[datetime | None]
    critical_override: Mapped[bool]
    provider_message_id: Mapped[str | None]
    updated_at: Mapped[datetime]


class DeliveryAttemptRow(Base):
    """One try at sending a job, written before the send."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (
        UniqueConstraint("job_id", "attempt"),
        one_of("outcome", AttemptOutcome, "outcome", nullable=True),
        Index("ix_delivery_attempts_provider_message_id", "provider_message_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    job_id: Mapped[UUID] = mapped_column(reference("jobs_to_do.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(unique=True)
    channel: Mapped[str]
    provider: Mapped[str]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None]
    error: Mapped[str | None]
    provider_message_id: Mapped[str | None]


class DeliveryCounterRow(Base):
    """A counter shared by every worker: a channel's rate in one minute, a tenant's
    messages in one local day or month (``window`` names which)."""

    __tablename__ = "delivery_counters"
    __table_args__ = (
        PrimaryKeyConstraint("key", "bucket"),
        CheckConstraint("used >= 0", name="used_positive"),
    )

    key: Mapped[str]
    bucket: Mapped[datetime]
    used: Mapped[int] = mapped_column(Integer)


class CostLedgerRow(Base):
    """What one sent message cost."""

    __tablename__ = "cost_ledger"
    __table_args__ = (
        Index("ix_cost_ledger_organization_id_sent_at", "organization_id", "sent_at"),
        CheckConstraint("cost_minor >= 0", name="cost_positive"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    job_id: Mapped[UUID] = mapped_column(reference("jobs_to_do.id"), unique=True)
    channel: Mapped[str] = mapped_column(reference("jtd_channels.code"))
    provider: Mapped[str]
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str]
    is_live: Mapped[bool]
    sent_at: Mapped[datetime]


class InboxMessageRow(Base):
    """An in-app message in an employee's inbox."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        Index(
            "ix_inbox_messages_organization_id_employee_id_created_at_id",
            "organization_id",
            "employee_id",
            "created_at",
            "id",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"))
    job_id: Mapped[UUID] = mapped_column(reference("jobs_to_do.id"), unique=True)
    subject: Mapped[str]
    body: Mapped[str]
    priority: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class MessageTemplateRow(Base):
    """A template of an event type, channel and language."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("organization_id", "event_type", "channel", "language"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    event_type: Mapped[str] = mapped_column(reference("jtd_event_types.code"))
    channel: Mapped[str] = mapped_column(reference("jtd_channels.code"))
    language: Mapped[str]
    subject: Mapped[str]
    body: Mapped[str]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)


class DeliverySettingsRow(Base):
    """A tenant's delivery settings: the language messages fall back to."""

    __tablename__ = "delivery_settings"

    organization_id: Mapped[UUID] = mapped_column(organization_reference(), primary_key=True)
    default_language: Mapped[str]


class WebhookEndpointRow(Base):
    """Where an organization wants events; the secret is kept encrypted."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_organization_id", "organization_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    url: Mapped[str]
    event_types: Mapped[list[Any]]
    description: Mapped[str]
    secret_encrypted: Mapped[str]
    enabled: Mapped[bool]
    disabled_reason: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)


class WebhookDeliveryRow(Base):
    """One event for one endpoint."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_key"),
        one_of("status", WebhookDeliveryStatus, "status"),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('PENDING', 'RETRYING')"),
        ),
        Index("ix_webhook_deliveries_endpoint_id_created_at_id", "endpoint_id", "created_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    endpoint_id: Mapped[UUID] = mapped_column(reference("webhook_endpoints.id"))
    message_id: Mapped[str] = mapped_column(unique=True)
    event_name: Mapped[str]
    event_key: Mapped[str]
    body: Mapped[str]
    status: Mapped[str]
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None]
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class WebhookAttemptRow(Base):
    """One POST of a delivery and its answer."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id_attempt", "delivery_id", "attempt"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    delivery_id: Mapped[UUID] = mapped_column(reference("webhook_deliveries.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None]
    response_excerpt: Mapped[str | None]


#: The claim's index: jobs a dispatcher may still take, by scheduled time (sent and
#: finished jobs, the bulk of the table, are not in it).
DUE_FOR_DELIVERY = Index(
    "ix_jobs_to_do_due_for_delivery",
    table_of(JobToDoRow).c.scheduled_at,
    postgresql_where=text(
        "status IN ('created', 'pending', 'scheduled', 'queued', 'failed', 'executing')"
    ),
)
