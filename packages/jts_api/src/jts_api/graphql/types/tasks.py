"""Tasks and their status history.

Related records (a task's assignee, active timer and history) resolve through the
request's DataLoaders, so a list costs one read per kind of record, not one per row.
``allowedActions`` reads the task state machine's table (:mod:`jts_domain.lifecycle`);
``slaStatus`` is computed at the server clock's now.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import (
    ActorType,
    Environment,
    JobCategory,
    SlaStatus,
    TaskPriority,
    TaskSource,
    TaskStatus,
)
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.people import EmployeeType
from jts_api.graphql.types.timers import TimerType
from jts_domain import lifecycle, model, sla


@strawberry.type(name="StatusChange")
class StatusChangeType:
    """One move of a task's lifecycle, and who made it."""

    from_status: TaskStatus | None
    to_status: TaskStatus
    at: datetime
    actor_type: ActorType
    actor_id: strawberry.ID | None
    actor_name: str
    note: str | None
    seconds_in_previous: float

    @classmethod
    def of(cls, change: model.StatusChange) -> StatusChangeType:
        """The GraphQL shape of a status change."""
        return cls(
            from_status=change.from_status,
            to_status=change.to_status,
            at=change.at,
            actor_type=change.actor.type,
            actor_id=to_optional_id(change.actor.id),
            actor_name=change.actor.name,
            note=change.note,
            seconds_in_previous=change.seconds_in_previous,
        )


@strawberry.type(name="Task")
class TaskType:
    """A unit of work and where it stands."""

    record: strawberry.Private[model.Task]

    @classmethod
    def of(cls, task: model.Task) -> TaskType:
        """The GraphQL shape of a task."""
        return cls(record=task)

    @classmethod
    def of_optional(cls, task: model.Task | None) -> TaskType | None:
        """The GraphQL shape of a task, or None."""
        return None if task is None else cls(record=task)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_id(self.record.id)

    @strawberry.field
    def title(self) -> str:
        return self.record.title

    @strawberry.field
    def description(self) -> str:
        return self.record.description

    @strawberry.field
    def status(self) -> TaskStatus:
        return self.record.status

    @strawberry.field
    def priority(self) -> TaskPriority:
        return self.record.priority

    @typed.field(description="Who the task is assigned to (read through the loader).")
    async def assignee(self, info: Info) -> EmployeeType | None:
        if self.record.assignee_id is None:
            return None
        found = await info.context.loaders.employees.load(self.record.assignee_id)
        return None if found is None else EmployeeType.of(found)

    @strawberry.field
    def department_id(self) -> strawberry.ID | None:
        return to_optional_id(self.record.department_id)

    @strawberry.field
    def project_id(self) -> strawberry.ID | None:
        return to_optional_id(self.record.project_id)

    @strawberry.field
    def store_id(self) -> strawberry.ID | None:
        return to_optional_id(self.record.store_id)

    @strawberry.field
    def job_category(self) -> JobCategory | None:
        return self.record.job_category

    @strawberry.field
    def environment(self) -> Environment | None:
        return self.record.environment

    @strawberry.field
    def planned_date(self) -> date | None:
        return self.record.planned_date

    @strawberry.field
    def due_at(self) -> datetime | None:
        return self.record.due_at

    @strawberry.field
    def sla_deadline(self) -> datetime | None:
        return self.record.sla_deadline

    @strawberry.field
    def estimated_minutes(self) -> int:
        return self.record.estimated_minutes

    @typed.field(description="Active time of all the task's timers, in minutes.")
    def actual_minutes(self) -> float:
        return self.record.actual_minutes

    @strawberry.field
    def requires_review(self) -> bool:
        return self.record.requires_review

    @strawberry.field
    def quality_rating(self) -> int | None:
        return self.record.quality_rating

    @strawberry.field
    def source(self) -> TaskSource:
        return self.record.source

    @typed.field(description="Optimistic-locking version; grows with every change.")
    def version(self) -> int:
        return self.record.version

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field
    def completed_at(self) -> datetime | None:
        return self.record.completed_at

    @typed.field(description="Standing against the SLA deadline now (null without one).")
    async def sla_status(self, info: Info) -> SlaStatus | None:
        task = self.record
        if task.sla_deadline is None:
            return None
        settings = await info.context.loaders.organization_settings()
        return sla.sla_status(
            deadline=task.sla_deadline,
            completed_at=task.completed_at,
            now=info.context.services.clock.now(),
            remaining_minutes=sla.remaining_minutes(task.estimated_minutes, task.actual_seconds),
            warning_minutes=settings.sla_warning_minutes,
        )

    @typed.field(description="Task triggers valid now (as INVALID_TRANSITION lists them).")
    def allowed_actions(self) -> list[str]:
        return list(lifecycle.allowed_task_actions(self.record))

    @typed.field(description="Status changes, oldest first (creation included).")
    async def history(self, info: Info) -> list[StatusChangeType]:
        changes = await info.context.loaders.histories.load(self.record.id)
        return [StatusChangeType.of(change) for change in changes or ()]

    @typed.field(description="The task's timer that is not stopped, if any.")
    async def timer(self, info: Info) -> TimerType | None:
        return TimerType.of_optional(await info.context.loaders.active_timers.load(self.record.id))
