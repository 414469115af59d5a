"""The scheduled jobs' execution log and pause switches (saq keeps its queue in its own tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import JobTrigger
from jts_domain.schedule import JobName
from jts_store.tables.base import Base, one_of, organization_reference, reference


class JobExecutionRow(Base):
    """One run of a job for one organization; a slot has at most one run."""

    __tablename__ = "job_executions"
    __table_args__ = (
        UniqueConstraint("organization_id", "job", "slot"),
        one_of("job", JobName, "job"),
        one_of("trigger", JobTrigger, "trigger"),
        CheckConstraint("attempts >= 1", name="attempts_positive"),
        CheckConstraint(
            "finished_at IS NULL OR finished_at >= started_at", name="finished_after_start"
        ),
        Index(
            "ix_job_executions_organization_id_job_started_at_id",
            "organization_id",
            "job",
            "started_at",
            "id",
        ),
        Index(
            "ix_job_executions_organization_id_started_at_id", "organization_id", "started_at", "id"
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    job: Mapped[str]
    slot: Mapped[datetime | None]
    trigger: Mapped[str]
    requested_by: Mapped[UUID | None] = mapped_column(reference("employees.id"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    success: Mapped[bool | None]
    message: Mapped[str | None]
    error: Mapped[str | None]
    result: Mapped[dict[str, Any]]
    attempts: Mapped[int]


class JobControlRow(Base):
    """Whether a job is paused for an organization (no row: not paused)."""

    __tablename__ = "job_controls"
    __table_args__ = (one_of("job", JobName, "job"),)

    organization_id: Mapped[UUID] = mapped_column(organization_reference(), primary_key=True)
    job: Mapped[str] = mapped_column(primary_key=True)
    paused: Mapped[bool]
    changed_by: Mapped[UUID | None] = mapped_column(reference("employees.id"))
    changed_at: Mapped[datetime]
