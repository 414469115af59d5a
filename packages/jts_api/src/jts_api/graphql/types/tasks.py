"""Tasks as other features show them (the planner, auto-assignment, alerts)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql.enums import JobCategory, TaskPriority, TaskSource, TaskStatus
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model


@strawberry.type(name="Task")
class TaskType:
    """A unit of work."""

    id: strawberry.ID
    title: str
    description: str
    status: TaskStatus
    priority: TaskPriority
    assignee_id: strawberry.ID | None
    department_id: strawberry.ID | None
    store_id: strawberry.ID | None
    job_category: JobCategory | None
    planned_date: date | None
    due_at: datetime | None
    sla_deadline: datetime | None
    estimated_minutes: int
    actual_minutes: float = strawberry.field(
        description="The sum of the task's timers' active time, in minutes."
    )
    requires_review: bool
    quality_rating: int | None
    source: TaskSource
    version: int
    created_at: datetime
    completed_at: datetime | None
    assignee_uuid: strawberry.Private[UUID | None]

    @strawberry.field(description="Who the task is assigned to.")
    async def assignee(self, info: Info) -> EmployeeType | None:
        if self.assignee_uuid is None:
            return None
        employee = await info.context.loaders.employees.load(self.assignee_uuid)
        return None if employee is None else EmployeeType.of(employee)

    @classmethod
    def of(cls, task: model.Task) -> TaskType:
        """The GraphQL shape of a domain task."""
        return cls(
            id=to_id(task.id),
            title=task.title,
            description=task.description,
            status=task.status,
            priority=task.priority,
            assignee_id=to_optional_id(task.assignee_id),
            department_id=to_optional_id(task.department_id),
            store_id=to_optional_id(task.store_id),
            job_category=task.job_category,
            planned_date=task.planned_date,
            due_at=task.due_at,
            sla_deadline=task.sla_deadline,
            estimated_minutes=task.estimated_minutes,
            actual_minutes=task.actual_minutes,
            requires_review=task.requires_review,
            quality_rating=task.quality_rating,
            source=task.source,
            version=task.version,
            created_at=task.created_at,
            completed_at=task.completed_at,
            assignee_uuid=task.assignee_id,
        )
