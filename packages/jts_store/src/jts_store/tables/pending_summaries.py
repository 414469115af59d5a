"""Pending summaries: each employee's open work as the 5-minute job last counted it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import WorkloadLevel
from jts_store.tables.base import Base, one_of, organization_reference, reference

#: The counted columns, each a whole number of open tasks.
COUNT_COLUMNS = (
    "low",
    "medium",
    "high",
    "urgent",
    "overdue",
    "due_today",
    "due_this_week",
    "due_this_month",
)
LEVEL_COLUMNS = ("level", "pending_level", "urgent_level", "overdue_level")


class PendingSummaryRow(Base):
    """One employee's pending summary (its key leads with the organization)."""

    __tablename__ = "pending_summaries"
    __table_args__ = (
        *(one_of(name, WorkloadLevel, name) for name in LEVEL_COLUMNS),
        CheckConstraint(
            " AND ".join(f"{name} >= 0" for name in COUNT_COLUMNS), name="counts_not_negative"
        ),
    )

    organization_id: Mapped[UUID] = mapped_column(organization_reference(), primary_key=True)
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"), primary_key=True)
    low: Mapped[int]
    medium: Mapped[int]
    high: Mapped[int]
    urgent: Mapped[int]
    overdue: Mapped[int]
    due_today: Mapped[int]
    due_this_week: Mapped[int]
    due_this_month: Mapped[int]
    level: Mapped[str]
    pending_level: Mapped[str]
    urgent_level: Mapped[str]
    overdue_level: Mapped[str]
    computed_at: Mapped[datetime]
