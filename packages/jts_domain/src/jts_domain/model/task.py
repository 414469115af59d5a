"""Tasks, their status history and the templates that generate them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from jts_domain.model.organization import Environment, JobCategory


class TaskStatus(StrEnum):
    """States of the task lifecycle (see :mod:`jts_domain.lifecycle`)."""

    PENDING = "PENDING"
    ASSIGNED = "ASSIGNED"
    ACCEPTED = "ACCEPTED"
    IN_PROGRESS = "IN_PROGRESS"
    PAUSED = "PAUSED"
    ON_HOLD = "ON_HOLD"
    PENDING_REVIEW = "PENDING_REVIEW"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


OPEN_TASK_STATUSES = frozenset(TaskStatus) - {TaskStatus.COMPLETED, TaskStatus.CANCELLED}


class TaskPriority(StrEnum):
    """Priority; :attr:`rank` orders URGENT (0) before LOW (3)."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    URGENT = "URGENT"

    @property
    def rank(self) -> int:
        """0 for URGENT up to 3 for LOW: sort ascending to put urgent work first."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {
    TaskPriority.URGENT: 0,
    TaskPriority.HIGH: 1,
    TaskPriority.MEDIUM: 2,
    TaskPriority.LOW: 3,
}


class SlaStatus(StrEnum):
    """A task's standing against its SLA deadline (see :mod:`jts_domain.sla`)."""

    ON_TIME = "ON_TIME"
    AT_RISK = "AT_RISK"
    BREACHED = "BREACHED"
    MET = "MET"


class TaskSource(StrEnum):
    """Where a task came from."""

    MANUAL = "MANUAL"
    ROSTER = "ROSTER"
    RECURRING = "RECURRING"


class ActorType(StrEnum):
    """Who made a change."""

    USER = "USER"
    AGENT = "AGENT"
    SYSTEM = "SYSTEM"
    WEBHOOK = "WEBHOOK"


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """The author of a change, as recorded in history and audit rows."""

    type: ActorType
    id: UUID | None
    name: str


SYSTEM_ACTOR = Actor(type=ActorType.SYSTEM, id=None, name="system")


@dataclass(slots=True, kw_only=True)
class Task:
    """A unit of work; ``version`` guards against lost updates."""

    id: UUID
    organization_id: UUID
    title: str
    description: str = ""
    priority: TaskPriority = TaskPriority.MEDIUM
    status: TaskStatus = TaskStatus.PENDING
    assignee_id: UUID | None = None
    department_id: UUID | None = None
    store_id: UUID | None = None
    job_category: JobCategory | None = None
    environment: Environment | None = None
    planned_date: date | None = None
    due_at: datetime | None = None
    sla_deadline: datetime | None = None
    estimated_minutes: int = 0
    actual_seconds: float = 0.0
    requires_review: bool = False
    quality_rating: int | None = None
    source: TaskSource = TaskSource.MANUAL
    template_id: UUID | None = None
    generated_for: UUID | None = None
    created_by: UUID | None = None
    created_at: datetime
    status_changed_at: datetime
    completed_at: datetime | None = None
    approved_at: datetime | None = None
    last_sla_status: SlaStatus | None = None
    project_id: UUID | None = None
    version: int = 1

    @property
    def actual_minutes(self) -> float:
        """The sum of this task's timers' active time, in minutes."""
        return self.actual_seconds / 60

    @property
    def is_open(self) -> bool:
        """Neither completed nor cancelled."""
        return self.status in OPEN_TASK_STATUSES


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """One row of a task's status history."""

    id: UUID
    organization_id: UUID
    task_id: UUID
    from_status: TaskStatus | None
    to_status: TaskStatus
    at: datetime
    actor: Actor
    note: str | None
    seconds_in_previous: float


@dataclass(slots=True, kw_only=True)
class TaskTemplate:
    """Generates one task per employee and date for a department, shift and category.

    An archived template (``archived_at`` set) generates nothing more; the tasks it made
    stay.
    """

    id: UUID
    organization_id: UUID
    department_id: UUID
    shift_template_id: UUID
    job_category: JobCategory
    title: str
    estimated_minutes: int
    priority: TaskPriority = TaskPriority.MEDIUM
    due_offset_minutes: int | None = None
    sla_minutes: int | None = None
    requires_review: bool = False
    archived_at: datetime | None = None
