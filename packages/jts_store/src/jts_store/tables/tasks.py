"""Tasks, their status history and the templates that generate them."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, Identity, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jts_domain.model import (
    ActorType,
    Environment,
    JobCategory,
    SlaStatus,
    TaskPriority,
    TaskSource,
    TaskStatus,
)
from jts_store.tables.base import Base, one_of, organization_reference, reference


class TaskTemplateRow(Base):
    """Generates one task per employee and date for a department, shift and category."""

    __tablename__ = "task_templates"
    __table_args__ = (
        one_of("job_category", JobCategory, "job_category"),
        one_of("priority", TaskPriority, "priority"),
        CheckConstraint("estimated_minutes >= 0", name="estimated_minutes_not_negative"),
        CheckConstraint("sla_minutes IS NULL OR sla_minutes >= 0", name="sla_minutes_not_negative"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    department_id: Mapped[UUID] = mapped_column(reference("departments.id"), index=True)
    shift_template_id: Mapped[UUID] = mapped_column(reference("shift_templates.id"), index=True)
    job_category: Mapped[str]
    title: Mapped[str]
    estimated_minutes: Mapped[int]
    priority: Mapped[str]
    due_offset_minutes: Mapped[int | None]
    sla_minutes: Mapped[int | None]
    requires_review: Mapped[bool]
    archived_at: Mapped[datetime | None]


class TaskRow(Base):
    """A unit of work; ``version`` guards against lost updates."""

    __tablename__ = "tasks"
    __table_args__ = (
        one_of("status", TaskStatus, "status"),
        one_of("priority", TaskPriority, "priority"),
        one_of("source", TaskSource, "source"),
        one_of("job_category", JobCategory, "job_category", nullable=True),
        one_of("environment", Environment, "environment", nullable=True),
        one_of("last_sla_status", SlaStatus, "last_sla_status", nullable=True),
        CheckConstraint("quality_rating IS NULL OR quality_rating BETWEEN 1 AND 5", name="quality"),
        CheckConstraint("estimated_minutes >= 0", name="estimated_minutes_not_negative"),
        CheckConstraint("actual_seconds >= 0", name="actual_seconds_not_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "ux_tasks_generated_once",
            "template_id",
            "generated_for",
            "planned_date",
            unique=True,
            postgresql_where=text("template_id IS NOT NULL"),
        ),
        Index(
            "ix_tasks_organization_id_assignee_id_status",
            "organization_id",
            "assignee_id",
            "status",
        ),
        Index("ix_tasks_organization_id_planned_date", "organization_id", "planned_date"),
        Index(
            "ix_tasks_organization_id_department_id_status",
            "organization_id",
            "department_id",
            "status",
        ),
        Index("ix_tasks_organization_id_created_at_id", "organization_id", "created_at", "id"),
        Index("ix_tasks_organization_id_project_id", "organization_id", "project_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    title: Mapped[str]
    description: Mapped[str]
    priority: Mapped[str]
    status: Mapped[str]
    assignee_id: Mapped[UUID | None] = mapped_column(reference("employees.id"))
    department_id: Mapped[UUID | None] = mapped_column(reference("departments.id"))
    store_id: Mapped[UUID | None] = mapped_column(reference("stores.id"), index=True)
    job_category: Mapped[str | None]
    environment: Mapped[str | None]
    planned_date: Mapped[date | None]
    due_at: Mapped[datetime | None]
    sla_deadline: Mapped[datetime | None]
    estimated_minutes: Mapped[int]
    actual_seconds: Mapped[float]
    requires_review: Mapped[bool]
    quality_rating: Mapped[int | None]
    source: Mapped[str]
    template_id: Mapped[UUID | None] = mapped_column(reference("task_templates.id"))
    generated_for: Mapped[UUID | None] = mapped_column(reference("employees.id"), index=True)
    created_by: Mapped[UUID | None]
    created_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    last_sla_status: Mapped[str | None]
    project_id: Mapped[UUID | None] = mapped_column(reference("projects.id"))
    version: Mapped[int]

    history: Mapped[list[TaskStatusHistoryRow]] = relationship(
        lazy="raise", order_by="TaskStatusHistoryRow.position"
    )


class TaskStatusHistoryRow(Base):
    """One status change of a task; ``position`` keeps the order they were recorded in."""

    __tablename__ = "task_status_history"
    __table_args__ = (
        one_of("from_status", TaskStatus, "from_status", nullable=True),
        one_of("to_status", TaskStatus, "to_status"),
        one_of("actor_type", ActorType, "actor_type"),
        CheckConstraint("seconds_in_previous >= 0", name="seconds_in_previous_not_negative"),
        Index("ix_task_status_history_task_id_position", "task_id", "position"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    task_id: Mapped[UUID] = mapped_column(reference("tasks.id"))
    from_status: Mapped[str | None]
    to_status: Mapped[str]
    at: Mapped[datetime]
    actor_type: Mapped[str]
    actor_id: Mapped[UUID | None]
    actor_name: Mapped[str]
    note: Mapped[str | None]
    seconds_in_previous: Mapped[float]
