"""Tables that belong to no organization: sign-in attempts per address, and the
operator's execution log of system-wide jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import JobTrigger
from jts_domain.schedule import SystemJobName
from jts_store.tables.base import Base, one_of


class LoginAttemptRow(Base):
    """Sign-in attempts counted for one address (lower-cased) in its current window."""

    __tablename__ = "login_attempts"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)

    email_key: Mapped[str] = mapped_column(primary_key=True)
    failures: Mapped[int]
    window_started_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


class SystemJobRunRow(Base):
    """One run of a system-wide job; a slot has at most one run."""

    __tablename__ = "system_job_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot"),
        one_of("job", SystemJobName, "job"),
        one_of("trigger", JobTrigger, "trigger"),
        CheckConstraint("attempts >= 1", name="attempts_positive"),
        CheckConstraint(
            "finished_at IS NULL OR finished_at >= started_at", name="finished_after_start"
        ),
        Index("ix_system_job_runs_job_started_at_id", "job", "started_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    job: Mapped[str]
    slot: Mapped[datetime | None]
    trigger: Mapped[str]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    success: Mapped[bool | None]
    message: Mapped[str | None]
    error: Mapped[str | None]
    result: Mapped[dict[str, Any]]
    attempts: Mapped[int]
