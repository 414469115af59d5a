"""Activity tracking's tables.

* ``heartbeats`` is partitioned by month on ``at`` (``heartbeats_YYYY_MM``, made by
  :mod:`jts_store.activity.partitions`; there is no default partition). Its key leads with
  the organization, then the employee and the time, which is also how it is read.
* ``activity_keys`` holds every client id an organization has sent, unpartitioned: a
  unique key that must hold across months cannot live in a partitioned table.
* The two high-volume tables carry no foreign keys: they are written only by the ingest
  statement, which takes the organization and employee from the caller and the timer
  from the join that finds it, and heartbeats outlive timers (13 months against 6).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, Numeric, PrimaryKeyConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.activity.intake import MAX_SECONDS, MIN_SECONDS
from jts_domain.activity.model import ActivityKind, RejectionReason
from jts_store.tables.base import Base, one_of, organization_reference, reference

#: The partitioned parent table of heartbeats.
HEARTBEATS = "heartbeats"


class HeartbeatRow(Base):
    """An accepted heartbeat on the timer that was RUNNING at its ``at``."""

    __tablename__ = HEARTBEATS
    __table_args__ = (
        Index(
            "ix_heartbeats_organization_id_employee_id_at", "organization_id", "employee_id", "at"
        ),
        one_of("kind", ActivityKind, "kind"),
        CheckConstraint(f"seconds BETWEEN {MIN_SECONDS} AND {MAX_SECONDS}", name="seconds_range"),
        {"postgresql_partition_by": "RANGE (at)"},
    )
    # No primary key in the table: the key table makes each client id once, and rows are
    # read by the index above (a unique key here would repeat that check on a wider
    # index). The mapper needs an identity all the same.
    __mapper_args__ = {  # noqa: RUF012 -- SQLAlchemy reads this class attribute
        "primary_key": ["organization_id", "employee_id", "at", "client_id"]
    }

    organization_id: Mapped[UUID]
    employee_id: Mapped[UUID]
    at: Mapped[datetime]
    client_id: Mapped[str]
    timer_id: Mapped[UUID]
    kind: Mapped[str]
    seconds: Mapped[int]
    app: Mapped[str | None]
    url: Mapped[str | None]
    title: Mapped[str | None]


class ActivityKeyRow(Base):
    """A client id the organization has sent (accepted or rejected): exactly once."""

    __tablename__ = "activity_keys"
    __table_args__ = (PrimaryKeyConstraint("organization_id", "client_id"),)

    organization_id: Mapped[UUID]
    client_id: Mapped[str]
    received_at: Mapped[datetime]


class ActivityRejectionRow(Base):
    """A rejected item, with what the client sent (as far as it could be stored)."""

    __tablename__ = "activity_rejections"
    __table_args__ = (
        one_of("reason", RejectionReason, "reason"),
        one_of("kind", ActivityKind, "kind", nullable=True),
        Index(
            "ix_activity_rejections_organization_id_received_at_id",
            "organization_id",
            "received_at",
            "id",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"), index=True)
    client_id: Mapped[str | None]
    at: Mapped[datetime | None]
    kind: Mapped[str | None]
    seconds: Mapped[int | None]
    app: Mapped[str | None]
    url: Mapped[str | None]
    title: Mapped[str | None]
    reason: Mapped[str]
    message: Mapped[str]
    received_at: Mapped[datetime]


class DailyActivityRow(Base):
    """An employee's activity summary for a business date (one per employee and date)."""

    __tablename__ = "activity_daily"
    __table_args__ = (
        PrimaryKeyConstraint("organization_id", "employee_id", "business_date"),
        CheckConstraint(
            "productivity IS NULL OR productivity BETWEEN 0 AND 100", name="productivity_range"
        ),
        CheckConstraint("active_seconds <= timer_seconds", name="active_within_timer"),
    )

    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"))
    business_date: Mapped[date]
    active_seconds: Mapped[float]
    timer_seconds: Mapped[float]
    idle_seconds: Mapped[float]
    heartbeats: Mapped[int]
    productivity: Mapped[Decimal | None] = mapped_column(Numeric)
    by_task: Mapped[list[Any]]
    top_apps: Mapped[list[Any]]
    settled: Mapped[bool]
    computed_at: Mapped[datetime]


class ProjectRow(Base):
    """A group of tasks; names are unique within an organization, ignoring case."""

    __tablename__ = "projects"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    name: Mapped[str]
    description: Mapped[str]
    created_at: Mapped[datetime]
    created_by: Mapped[UUID | None] = mapped_column(reference("employees.id"))


#: Two projects of one organization never share a name, whatever its case.
PROJECT_NAME_INDEX = "ux_projects_organization_id_lower_name"
Index(PROJECT_NAME_INDEX, ProjectRow.organization_id, func.lower(ProjectRow.name), unique=True)
