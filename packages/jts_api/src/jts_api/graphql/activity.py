"""Activity tracking: ``recordActivity``, ``uploadActivity``, ``createProject``,
``projects``, ``activitySummary``, ``activityReport``, ``presence`` and
``activityRejections`` (the live updates are in :mod:`jts_api.graphql.activity_live`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_optional_id
from jts_api.graphql.types.activity import (
    ActivityInput,
    ActivityRejectionConnection,
    ActivityResultType,
    ActivitySummaryType,
    ActivityUploadType,
    PresenceType,
    ProjectType,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_domain.activity import ingest, projects, reads

DEFAULT_PAGE_SIZE = 50


@strawberry.input
class CreateProjectInput:
    """A new project."""

    name: str
    description: str = ""


@strawberry.type
class Query:
    @typed.field(description="The organization's projects, by name.")
    async def projects(self, info: Info) -> list[ProjectType]:
        ctx = info.context
        found = await projects.list_projects(ctx.services, ctx.require_caller())
        return [ProjectType.of(p) for p in found]

    @typed.field(description="An employee's activity on a business date (the caller's by default).")
    async def activity_summary(
        self, info: Info, date: date, employee_id: strawberry.ID | None = None
    ) -> ActivitySummaryType:
        ctx = info.context
        day = await reads.activity_summary(
            ctx.services, ctx.require_caller(), date, parse_optional_id(employee_id, "employeeId")
        )
        return ActivitySummaryType.of(day)

    @typed.field(
        description="One row per employee and day that had a timer: of an employee, a"
        " department, or the work on a project's tasks (the caller's reach by default)."
    )
    async def activity_report(  # noqa: PLR0917 -- one per GraphQL argument
        self,
        info: Info,
        date_from: Annotated[date, strawberry.argument(name="from")],
        date_to: Annotated[date, strawberry.argument(name="to")],
        employee_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
        project_id: strawberry.ID | None = None,
    ) -> list[ActivitySummaryType]:
        ctx = info.context
        rows = await reads.activity_report(
            ctx.services,
            ctx.require_caller(),
            date_from,
            date_to,
            employee_id=parse_optional_id(employee_id, "employeeId"),
            department_id=parse_optional_id(department_id, "departmentId"),
            project_id=parse_optional_id(project_id, "projectId"),
        )
        return [ActivitySummaryType.of(r) for r in rows]

    @typed.field(
        description="Where each active employee of a department (or of the caller's reach)"
        " stands now: OFFLINE, ON_SHIFT, WORKING, IDLE or ON_BREAK."
    )
    async def presence(
        self, info: Info, department_id: strawberry.ID | None = None
    ) -> list[PresenceType]:
        ctx = info.context
        found = await reads.team_presence(
            ctx.services, ctx.require_caller(), parse_optional_id(department_id, "departmentId")
        )
        return [PresenceType.of(p) for p in found]

    @typed.field(description="Rejected heartbeats, newest first (admins).")
    async def activity_rejections(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> ActivityRejectionConnection:
        ctx = info.context
        page = await reads.activity_rejections(
            ctx.services, ctx.require_caller(), first=first, after=decode_cursor(after)
        )
        return ActivityRejectionConnection.of(page)


@strawberry.type
class Mutation:
    @typed.mutation(
        description="Record one heartbeat of the caller (without clientId the server makes one)."
    )
    async def record_activity(self, info: Info, input: ActivityInput) -> ActivityResultType:
        ctx = info.context
        result = await ingest.record_activity(ctx.services, ctx.require_caller(), input.to_item())
        return ActivityResultType.of(result)

    @typed.mutation(
        description="Upload an offline queue of the caller's heartbeats (at most"
        " JTS_ACTIVITY_MAX_BATCH, each with a clientId): one result per item."
    )
    async def upload_activity(self, info: Info, items: list[ActivityInput]) -> ActivityUploadType:
        ctx = info.context
        upload = await ingest.upload_activity(
            ctx.services,
            ctx.require_caller(),
            [item.to_item() for item in items],
            max_items=ctx.runtime.settings.activity_max_batch,
        )
        return ActivityUploadType.of(upload)

    @typed.mutation(description="Create a project (task.assign).")
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectType:
        ctx = info.context
        project = await projects.create_project(
            ctx.services, ctx.require_caller(), name=input.name, description=input.description
        )
        return ProjectType.of(project)
