"""Daily scores, with their breakdown and the digest of what they show."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Computed, Index, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jts_store.tables.base import Base, organization_reference, reference

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
