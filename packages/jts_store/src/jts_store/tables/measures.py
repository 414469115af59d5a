"""What JTS measures and tells: daily scores, alerts and the transactional outbox."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Identity,
    Index,
    Numeric,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import ActorType, AlertKind, SlaStatus
from jts_store.tables.base import Base, Xid8, one_of, organization_reference, reference

#: What a score shows, digested: its score, reliability and breakdown as PostgreSQL prints
#: them. A recalculation compares digests instead of reading every breakdown back, and
#: the database keeps the digest true to the row whoever writes it.
SCORE_FINGERPRINT = (
    "md5(coalesce(score::text, '') || '/' || coalesce(reliability::text, '') || '/' "
    "|| metrics::text)"
)


class DailyScoreRow(Base):
    """An employee's score for a business date, with its breakdown (one per employee and date)."""

    __tablename__ = "daily_scores"
    __table_args__ = (
        UniqueConstraint("employee_id", "business_date"),
        Index("ix_daily_scores_organization_id_business_date", "organization_id", "business_date"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint(
            "reliability IS NULL OR reliability BETWEEN 0 AND 100", name="reliability_range"
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"))
    business_date: Mapped[date]
    score: Mapped[Decimal | None] = mapped_column(Numeric)
    metrics: Mapped[list[Any]]
    reliability: Mapped[Decimal | None] = mapped_column(Numeric)
    calculated_at: Mapped[datetime]
    fingerprint: Mapped[str] = mapped_column(Text, Computed(SCORE_FINGERPRINT, persisted=True))


class AlertRow(Base):
    """A warning, raised once per occasion and resolved once.

    SLA alerts are unique per task and kind, IDLE alerts per timer and spell start,
    OVERTIME alerts per employee and business date (partial unique indexes).
    """

    __tablename__ = "alerts"
    __table_args__ = (
        one_of("kind", AlertKind, "kind"),
        one_of("sla_status", SlaStatus, "sla_status", nullable=True),
        one_of("resolved_by_type", ActorType, "resolved_by_type", nullable=True),
        CheckConstraint(
            "kind NOT IN ('SLA_AT_RISK', 'SLA_BREACHED')"
            " OR (task_id IS NOT NULL AND sla_status IS NOT NULL)",
            name="sla_names_task",
        ),
        CheckConstraint(
            "kind <> 'IDLE' OR (timer_id IS NOT NULL AND idle_since IS NOT NULL)",
            name="idle_names_spell",
        ),
        CheckConstraint(
            "kind <> 'OVERTIME' OR (employee_id IS NOT NULL AND business_date IS NOT NULL)",
            name="overtime_names_day",
        ),
        CheckConstraint(
            "(resolved_at IS NULL) = (resolved_by_type IS NULL)", name="resolved_by_someone"
        ),
        Index("ix_alerts_organization_id_created_at_id", "organization_id", "created_at", "id"),
        Index(
            "ux_alerts_sla_once",
            "task_id",
            "kind",
            unique=True,
            postgresql_where=text("kind IN ('SLA_AT_RISK', 'SLA_BREACHED')"),
        ),
        Index(
            "ux_alerts_idle_spell",
            "timer_id",
            "idle_since",
            unique=True,
            postgresql_where=text("kind = 'IDLE'"),
        ),
        Index(
            "ux_alerts_overtime_day",
            "employee_id",
            "business_date",
            unique=True,
            postgresql_where=text("kind = 'OVERTIME'"),
        ),
        Index(
            "ix_alerts_open_idle",
            "timer_id",
            postgresql_where=text("kind = 'IDLE' AND resolved_at IS NULL"),
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    kind: Mapped[str]
    task_id: Mapped[UUID | None] = mapped_column(reference("tasks.id"))
    employee_id: Mapped[UUID | None] = mapped_column(reference("employees.id"), index=True)
    sla_status: Mapped[str | None]
    message: Mapped[str]
    created_at: Mapped[datetime]
    timer_id: Mapped[UUID | None]
    idle_since: Mapped[datetime | None]
    business_date: Mapped[date | None]
    resolved_at: Mapped[datetime | None]
    resolved_by_type: Mapped[str | None]
    resolved_by_id: Mapped[UUID | None]
    resolved_by_name: Mapped[str | None]


class OutboxRow(Base):
    """An event written in the transaction that caused it; ``txid`` orders commits."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_txid_id", "txid", "id"),
        Index("ix_outbox_organization_id_id", "organization_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    txid: Mapped[int] = mapped_column(Xid8, server_default=text("pg_current_xact_id()"))
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    name: Mapped[str]
    payload: Mapped[dict[str, Any]]
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
