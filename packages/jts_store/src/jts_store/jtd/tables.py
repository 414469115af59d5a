"""JTD's tables: the master data (seeded from the domain's catalog by the migration), the
tenant's settings, the jobs and their history.

The database guards what the domain decides: a job's status is one of its event type's
(a composite foreign key), its channel and source type exist, its idempotency key is
unique in its organization, and its recipient is an employee or an address.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.jtd.master import StatusType
from jts_domain.model import ActorType
from jts_store.tables.base import Base, one_of, organization_reference, reference


class SystemActorRow(Base):
    """The actors that are not people, with their fixed ids."""

    __tablename__ = "system_actors"
    __table_args__ = (one_of("actor_type", ActorType, "actor_type"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    actor_type: Mapped[str]


class JtdEventTypeRow(Base):
    """An event type: category, allowed channels, scheduling flag, where the agent stops."""

    __tablename__ = "jtd_event_types"

    code: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    category: Mapped[str]
    channels: Mapped[list[Any]]
    scheduling: Mapped[bool]
    agent_target: Mapped[str]
    cancel_status: Mapped[str]
    reschedule_status: Mapped[str | None]
    position: Mapped[int]


class JtdChannelRow(Base):
    """A channel: provider, cost per message in minor units, rate limit per minute."""

    __tablename__ = "jtd_channels"

    code: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    provider: Mapped[str]
    cost_minor: Mapped[int]
    currency: Mapped[str]
    rate_limit_per_minute: Mapped[int]
    position: Mapped[int]


class JtdStatusRow(Base):
    """A status of one event type, of a status type."""

    __tablename__ = "jtd_statuses"
    __table_args__ = (
        PrimaryKeyConstraint("event_type", "code"),
        one_of("status_type", StatusType, "status_type"),
    )

    event_type: Mapped[str] = mapped_column(reference("jtd_event_types.code"))
    code: Mapped[str]
    name: Mapped[str]
    status_type: Mapped[str]
    position: Mapped[int]


class JtdStatusFlowRow(Base):
    """A move an event type's flow has."""

    __tablename__ = "jtd_status_flows"
    __table_args__ = (
        PrimaryKeyConstraint("event_type", "from_status", "to_status"),
        ForeignKeyConstraint(
            ["event_type", "from_status"],
            ["jtd_statuses.event_type", "jtd_statuses.code"],
            name="fk_jtd_status_flows_from_status_jtd_statuses",
        ),
        ForeignKeyConstraint(
            ["event_type", "to_status"],
            ["jtd_statuses.event_type", "jtd_statuses.code"],
            name="fk_jtd_status_flows_to_status_jtd_statuses",
        ),
    )

    event_type: Mapped[str]
    from_status: Mapped[str]
    to_status: Mapped[str]


class JtdSourceTypeRow(Base):
    """What creates jobs: default event type, channels and priority."""

    __tablename__ = "jtd_source_types"

    code: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    event_type: Mapped[str] = mapped_column(reference("jtd_event_types.code"))
    channels: Mapped[list[Any]]
    default_priority: Mapped[int]
    position: Mapped[int]


class JtdSettingsRow(Base):
    """A tenant's JTD settings (no row: the defaults)."""

    __tablename__ = "jtd_settings"

    organization_id: Mapped[UUID] = mapped_column(organization_reference(), primary_key=True)
    agent_enabled: Mapped[bool]
    agent_event_types: Mapped[list[Any]]
    channels_enabled: Mapped[dict[str, Any]]
    daily_limit: Mapped[int]
    monthly_limit: Mapped[int]
    quiet_hours_start: Mapped[time]
    quiet_hours_end: Mapped[time]
    version: Mapped[int]


class JtdSourceSettingsRow(Base):
    """A tenant's overrides for one source type (NULL: the default)."""

    __tablename__ = "jtd_source_settings"
    __table_args__ = (
        PrimaryKeyConstraint("organization_id", "source_type"),
        CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 10", name="priority_range"),
        CheckConstraint("delay_seconds IS NULL OR delay_seconds >= 0", name="delay_positive"),
    )

    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    source_type: Mapped[str] = mapped_column(reference("jtd_source_types.code"))
    channels: Mapped[list[Any] | None]
    auto_execute: Mapped[bool | None]
    priority: Mapped[int | None] = mapped_column(Integer)
    delay_seconds: Mapped[int | None] = mapped_column(Integer)


class JobToDoRow(Base):
    """One job to do."""

    __tablename__ = "jobs_to_do"
    __table_args__ = (
        UniqueConstraint("organization_id", "idempotency_key"),
        ForeignKeyConstraint(
            ["event_type", "status"],
            ["jtd_statuses.event_type", "jtd_statuses.code"],
            name="fk_jobs_to_do_status_jtd_statuses",
            deferrable=True,
            initially="DEFERRED",
        ),
        CheckConstraint("priority BETWEEN 1 AND 10", name="priority_range"),
        CheckConstraint(
            "recipient_employee_id IS NOT NULL OR recipient_address IS NOT NULL",
            name="has_recipient",
        ),
        one_of("performed_by_type", ActorType, "performed_by_type"),
        Index(
            "ix_jobs_to_do_organization_id_scheduled_at_id", "organization_id", "scheduled_at", "id"
        ),
        Index(
            "ix_jobs_to_do_organization_id_recipient_scheduled_at",
            "organization_id",
            "recipient_employee_id",
            "scheduled_at",
        ),
        # the due index a dispatcher reads across tenants
        Index("ix_jobs_to_do_scheduled_at_id", "scheduled_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    event_type: Mapped[str] = mapped_column(reference("jtd_event_types.code"))
    source_type: Mapped[str] = mapped_column(reference("jtd_source_types.code"))
    status: Mapped[str]
    channel: Mapped[str | None] = mapped_column(reference("jtd_channels.code"))
    recipient_employee_id: Mapped[UUID | None] = mapped_column(reference("employees.id"))
    recipient_address: Mapped[str | None]
    recipient_name: Mapped[str | None]
    subject: Mapped[str]
    body: Mapped[str]
    payload: Mapped[dict[str, Any]]
    priority: Mapped[int]
    scheduled_at: Mapped[datetime]
    is_live: Mapped[bool]
    attempts: Mapped[int]
    last_error: Mapped[str | None]
    cost_minor: Mapped[int]
    currency: Mapped[str]
    performed_by_type: Mapped[str]
    performed_by_id: Mapped[UUID | None]
    performed_by_name: Mapped[str]
    valid_transition: Mapped[bool]
    idempotency_key: Mapped[str | None]
    created_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
    version: Mapped[int]


class JobToDoHistoryRow(Base):
    """One move of a job: from, to, the previous status's start and end, who, valid."""

    __tablename__ = "job_to_do_history"
    __table_args__ = (
        one_of("actor_type", ActorType, "actor_type"),
        CheckConstraint("ended_at >= started_at", name="ended_after_start"),
        Index("ix_job_to_do_history_job_id_ended_at_id", "job_id", "ended_at", "id"),
        Index(
            "ix_job_to_do_history_organization_id_actor_type_ended_at_id",
            "organization_id",
            "actor_type",
            "ended_at",
            "id",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    job_id: Mapped[UUID] = mapped_column(reference("jobs_to_do.id"))
    from_status: Mapped[str]
    to_status: Mapped[str]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    seconds_in_previous: Mapped[float]
    actor_type: Mapped[str]
    actor_id: Mapped[UUID | None]
    actor_name: Mapped[str]
    valid: Mapped[bool]
    note: Mapped[str | None]
