"""Tasks: ``createTask``, every lifecycle trigger, ``task`` and ``tasks``."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import Environment, JobCategory, TaskPriority, TaskStatus
from jts_api.graphql.ids import parse_id, parse_optional_id
from jts_api.graphql.types.paging import PageInfo, decode_cursor, encode_cursor
from jts_api.graphql.types.tasks import TaskType
from jts_domain.ports import TaskFilter
from jts_domain.services import listings
from jts_domain.services import tasks as task_service

DEFAULT_PAGE_SIZE = 50


@strawberry.input
class CreateTaskInput:
    """A new task: PENDING, or ASSIGNED when it names an assignee."""

    title: str
    description: str = ""
    priority: TaskPriority = TaskPriority.MEDIUM
    assignee_id: strawberry.ID | None = None
    planned_date: date | None = None
    due_at: datetime | None = None
    sla_deadline: datetime | None = None
    estimated_minutes: int = 0
    requires_review: bool = False
    department_id: strawberry.ID | None = None
    store_id: strawberry.ID | None = None
    job_category: JobCategory | None = None
    environment: Environment | None = None
    project_id: strawberry.ID | None = None


@strawberry.input
class TaskFilterInput:
    """Filters of ``tasks``; every one given must match."""

    assignee_id: strawberry.ID | None = None
    department_id: strawberry.ID | None = None
    statuses: list[TaskStatus] | None = None
    planned_date: date | None = None


@strawberry.type
class TaskEdge:
    node: TaskType
    cursor: str


@strawberry.type
class TaskConnection:
    edges: list[TaskEdge]
    page_info: PageInfo


@strawberry.type
class Query:
    @typed.field(description="A task within the caller's reach.")
    async def task(self, info: Info, id: strawberry.ID) -> TaskType:
        ctx = info.context
        task = await task_service.get_task(ctx.services, ctx.require_caller(), parse_id(id, "id"))
        return TaskType.of(task)

    @typed.field(description="Tasks within the caller's reach, oldest first, by pages.")
    async def tasks(
        self,
        info: Info,
        filters: TaskFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> TaskConnection:
        ctx = info.context
        given = filters or TaskFilterInput()
        task_filter = TaskFilter(
            assignee_id=parse_optional_id(given.assignee_id, "assigneeId"),
            department_id=parse_optional_id(given.department_id, "departmentId"),
            statuses=None if given.statuses is None else frozenset(given.statuses),
            planned_date=given.planned_date,
        )
        page = await listings.list_tasks(
            ctx.services, ctx.require_caller(), task_filter, first=first, after=decode_cursor(after)
        )
        edges = [
            TaskEdge(node=TaskType.of(task), cursor=encode_cursor(task.created_at, task.id))
            for task in page.items
        ]
        end = edges[-1].cursor if edges else None
        return TaskConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end)
        )


@strawberry.type
class Mutation:
    @typed.mutation(
        description="Create a task (task.create; naming another assignee needs task.assign)."
    )
    async def create_task(self, info: Info, input: CreateTaskInput) -> TaskType:
        ctx = info.context
        task = await task_service.create_task(
            ctx.services,
            ctx.require_caller(),
            title=input.title,
            description=input.description,
            priority=input.priority,
            assignee_id=parse_optional_id(input.assignee_id, "assigneeId"),
            department_id=parse_optional_id(input.department_id, "departmentId"),
            store_id=parse_optional_id(input.store_id, "storeId"),
            job_category=input.job_category,
            environment=input.environment,
            planned_date=input.planned_date,
            due_at=input.due_at,
            sla_deadline=input.sla_deadline,
            estimated_minutes=input.estimated_minutes,
            requires_review=input.requires_review,
            project_id=parse_optional_id(input.project_id, "projectId"),
        )
        return TaskType.of(task)

    @typed.mutation(description="Give the task to an employee (task.assign).")
    async def assign_task(
        self, info: Info, id: strawberry.ID, employee_id: strawberry.ID
    ) -> TaskType:
        ctx = info.context
        task = await task_service.assign_task(
            ctx.services,
            ctx.require_caller(),
            parse_id(id, "id"),
            parse_id(employee_id, "employeeId"),
        )
        return TaskType.of(task)

    @typed.mutation(description="The assignee accepts an ASSIGNED task.")
    async def accept_task(self, info: Info, id: strawberry.ID) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        return TaskType.of(
            await task_service.accept_task(ctx.services, ctx.require_caller(), task_id)
        )

    @typed.mutation(description="The assignee declines an ASSIGNED task; it is unassigned.")
    async def decline_task(self, info: Info, id: strawberry.ID, note: str) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        task = await task_service.decline_task(ctx.services, ctx.require_caller(), task_id, note)
        return TaskType.of(task)

    @typed.mutation(description="The assignee starts the task: its timer starts.")
    async def start_task(
        self, info: Info, id: strawberry.ID, override_reason: str | None = None
    ) -> TaskType:
        ctx = info.context
        task = await task_service.start_task(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), override_reason=override_reason
        )
        return TaskType.of(task)

    @typed.mutation(description="Pause the task and its timer.")
    async def pause_task(self, info: Info, id: strawberry.ID) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        return TaskType.of(
            await task_service.pause_task(ctx.services, ctx.require_caller(), task_id)
        )

    @typed.mutation(description="Resume a PAUSED or ON_HOLD task: its timer runs.")
    async def resume_task(
        self, info: Info, id: strawberry.ID, override_reason: str | None = None
    ) -> TaskType:
        ctx = info.context
        task = await task_service.resume_task(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), override_reason=override_reason
        )
        return TaskType.of(task)

    @typed.mutation(description="Put the task ON_HOLD with a reason; its timer stops.")
    async def hold_task(self, info: Info, id: strawberry.ID, reason: str) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        task = await task_service.hold_task(ctx.services, ctx.require_caller(), task_id, reason)
        return TaskType.of(task)

    @typed.mutation(description="Hand in a task that requires review; its timer stops.")
    async def submit_task(self, info: Info, id: strawberry.ID) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        return TaskType.of(
            await task_service.submit_task(ctx.services, ctx.require_caller(), task_id)
        )

    @typed.mutation(description="Complete a task that needs no review; its timer stops.")
    async def complete_task(self, info: Info, id: strawberry.ID) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        task = await task_service.complete_task(ctx.services, ctx.require_caller(), task_id)
        return TaskType.of(task)

    @typed.mutation(description="Approve a task PENDING_REVIEW with a quality of 1 to 5.")
    async def approve_task(self, info: Info, id: strawberry.ID, quality: int) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        task = await task_service.approve_task(ctx.services, ctx.require_caller(), task_id, quality)
        return TaskType.of(task)

    @typed.mutation(description="Reject a task PENDING_REVIEW with a note.")
    async def reject_task(self, info: Info, id: strawberry.ID, note: str) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        task = await task_service.reject_task(ctx.services, ctx.require_caller(), task_id, note)
        return TaskType.of(task)

    @typed.mutation(description="Reopen a REJECTED task: ASSIGNED again.")
    async def reopen_task(self, info: Info, id: strawberry.ID) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        return TaskType.of(
            await task_service.reopen_task(ctx.services, ctx.require_caller(), task_id)
        )

    @typed.mutation(description="Cancel an open task with a reason; any timer stops.")
    async def cancel_task(self, info: Info, id: strawberry.ID, reason: str) -> TaskType:
        ctx = info.context
        task_id = parse_id(id, "id")
        task = await task_service.cancel_task(ctx.services, ctx.require_caller(), task_id, reason)
        return TaskType.of(task)
