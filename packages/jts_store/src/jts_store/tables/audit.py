"""The audit log table."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import ActorType
from jts_store.tables.base import Base, one_of, organization_reference


class AuditEntryRow(Base):
    """One change made through JTS; append-only, read newest first."""

    __tablename__ = "audit_log"
    __table_args__ = (
        one_of("actor_type", ActorType, "actor_type"),
        Index("ix_audit_log_organization_id_at_id", "organization_id", "at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    at: Mapped[datetime]
    actor_type: Mapped[str]
    actor_id: Mapped[UUID | None]
    actor_name: Mapped[str]
    action: Mapped[str]
    entity_type: Mapped[str]
    entity_id: Mapped[UUID | None]
    summary: Mapped[str]
