"""Timers and their intervals; at most one non-stopped timer per employee."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jts_domain.model import StopReason, TimerState
from jts_store.tables.base import Base, one_of, organization_reference, reference

#: The partial unique index that lets one employee have one active timer, whatever races.
ONE_ACTIVE_TIMER_INDEX = "ux_timers_one_active_per_employee"


class TimerRow(Base):
    """Time spent by one employee on one task; ``version`` guards against lost updates.

    ``business_date`` is the date its time counts toward, decided by the domain at start.
    """

    __tablename__ = "timers"
    __table_args__ = (
        one_of("state", TimerState, "state"),
        one_of("stop_reason", StopReason, "stop_reason", nullable=True),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "stopped_at IS NULL OR stopped_at >= started_at", name="stopped_after_start"
        ),
        Index(
            ONE_ACTIVE_TIMER_INDEX,
            "employee_id",
            unique=True,
            postgresql_where=text("state <> 'STOPPED'"),
        ),
        Index("ix_timers_employee_id_state", "employee_id", "state"),
        Index("ix_timers_organization_id_state", "organization_id", "state"),
        Index("ix_timers_organization_id_business_date", "organization_id", "business_date"),
        Index("ix_timers_task_id_started_at", "task_id", "started_at"),
        Index(
            "ix_timers_organization_id_employee_id_stopped_at",
            "organization_id",
            "employee_id",
            "stopped_at",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"))
    task_id: Mapped[UUID] = mapped_column(reference("tasks.id"))
    state: Mapped[str]
    started_at: Mapped[datetime]
    business_date: Mapped[date]
    stopped_at: Mapped[datetime | None]
    auto_stopped: Mapped[bool]
    stop_reason: Mapped[str | None]
    skipped_checks: Mapped[list[str]] = mapped_column(ARRAY(Text))
    override_by: Mapped[UUID | None] = mapped_column(reference("employees.id"), index=True)
    override_reason: Mapped[str | None]
    version: Mapped[int]

    intervals: Mapped[list[TimerIntervalRow]] = relationship(
        lazy="raise", order_by="TimerIntervalRow.seq"
    )


class TimerIntervalRow(Base):
    """A stretch of one timer state; ``seq`` orders a timer's intervals from 0."""

    __tablename__ = "timer_intervals"
    __table_args__ = (
        one_of("state", TimerState, "state"),
        CheckConstraint("seq >= 0", name="seq_not_negative"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ended_after_start"),
    )

    timer_id: Mapped[UUID] = mapped_column(reference("timers.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
