"""Alerts: raised once per occasion, resolved once."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import ActorType, AlertKind, SlaStatus
from jts_store.tables.base import Base, one_of, organization_reference, reference


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
