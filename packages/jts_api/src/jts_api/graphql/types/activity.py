"""Activity tracking's GraphQL types: heartbeats in, results out, summaries, presence,
projects and rejected items.

``ActivityInput`` values are built straight from GraphQL's coerced input (Strawberry's
``from_input`` hook): an upload carries up to a thousand of them, and Strawberry's
generic per-field conversion would cost more than the rest of the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types.arguments import InputContext

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import ActivityKind, ActivityStatus, PresenceState, RejectionReason
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.paging import PageInfo, encode_cursor, page_info
from jts_api.graphql.types.people import EmployeeType
from jts_api.graphql.types.tasks import TaskType
from jts_domain.activity import model
from jts_domain.services.paging import Page


@strawberry.input(
    description="One heartbeat: at `at` the person was ACTIVE (or IDLE) for `seconds`."
)
class ActivityInput:
    client_id: str | None = strawberry.field(
        default=None,
        description="The item's idempotency key, 1–255 characters (required in uploads).",
    )
    at: datetime
    kind: ActivityKind
    seconds: int = strawberry.field(description="1–600.")
    app: str | None = None
    url: str | None = None
    title: str | None = None

    def to_item(self) -> model.ActivityItem:
        """The domain's item."""
        return model.ActivityItem(
            client_id=self.client_id,
            at=self.at,
            kind=model.ActivityKind(self.kind),
            seconds=self.seconds,
            app=self.app,
            url=self.url,
            title=self.title,
        )


def _activity_input(cls: type, value: Mapping[str, Any], context: InputContext) -> ActivityInput:
    """Build an ActivityInput from its coerced GraphQL value (types already checked)."""
    return ActivityInput(
        client_id=value.get("clientId"),
        at=value["at"],
        kind=value["kind"],
        seconds=value["seconds"],
        app=value.get("app"),
        url=value.get("url"),
        title=value.get("title"),
    )


ActivityInput.__strawberry_definition__.from_input = _activity_input  # type: ignore[attr-defined]


@strawberry.type(name="ActivityResult")
class ActivityResultType:
    """What became of one item."""

    client_id: str | None
    status: ActivityStatus
    reason: RejectionReason | None
    message: str | None = strawberry.field(description="Why it was rejected, in words.")
    timer_id: strawberry.ID | None

    @classmethod
    def of(cls, result: model.ActivityResult) -> ActivityResultType:
        """The GraphQL shape of a result."""
        return cls(
            client_id=result.client_id,
            status=result.status,
            reason=result.reason,
            message=result.message,
            timer_id=to_optional_id(result.timer_id),
        )


@strawberry.type(name="ActivityUpload")
class ActivityUploadType:
    """An upload's counts and one result per item, in the order sent."""

    accepted: int
    duplicates: int
    rejected: int
    record: strawberry.Private[model.ActivityUpload]

    @typed.field(description="Each item's result in order (only those of `status`, if given).")
    def results(self, status: list[ActivityStatus] | None = None) -> list[ActivityResultType]:
        wanted = None if status is None else set(status)
        return [
            ActivityResultType.of(r)
            for r in self.record.results
            if wanted is None or r.status in wanted
        ]

    @classmethod
    def of(cls, upload: model.ActivityUpload) -> ActivityUploadType:
        """The GraphQL shape of an upload."""
        return cls(
            accepted=upload.accepted,
            duplicates=upload.duplicates,
            rejected=upload.rejected,
            record=upload,
        )


@strawberry.type
class TaskActivity:
    """Activity seconds on one task."""

    active_seconds: float
    task_uuid: strawberry.Private[Any]

    @strawberry.field
    async def task(self, info: Info) -> TaskType | None:
        return TaskType.of_optional(await info.context.loaders.tasks.load(self.task_uuid))


@strawberry.type
class AppActivity:
    """Activity seconds in one application."""

    app: str
    seconds: float


@strawberry.type(name="ActivitySummary")
class ActivitySummaryType:
    """An employee's activity on a business date.

    ``timerSeconds`` is the RUNNING time of the timers that received heartbeats;
    ``productivity`` is activeSeconds ÷ timerSeconds × 100 (null when none ran);
    ``idleSeconds`` the time reported IDLE and not also ACTIVE.
    """

    date: date
    employee_id: strawberry.ID
    active_seconds: float
    timer_seconds: float
    idle_seconds: float
    productivity: float | None
    heartbeats: int
    by_task: list[TaskActivity]
    top_apps: list[AppActivity]
    settled: bool = strawberry.field(description="Computed after every timer of the date stopped.")
    computed_at: datetime
    employee_uuid: strawberry.Private[Any]

    @strawberry.field
    async def employee(self, info: Info) -> EmployeeType | None:
        found = await info.context.loaders.employees.load(self.employee_uuid)
        return None if found is None else EmployeeType.of(found)

    @classmethod
    def of(cls, day: model.DailyActivity) -> ActivitySummaryType:
        """The GraphQL shape of a day's activity."""
        return cls(
            date=day.business_date,
            employee_id=to_id(day.employee_id),
            active_seconds=day.active_seconds,
            timer_seconds=day.timer_seconds,
            idle_seconds=day.idle_seconds,
            productivity=None if day.productivity is None else float(day.productivity),
            heartbeats=day.heartbeats,
            by_task=[
                TaskActivity(active_seconds=t.seconds, task_uuid=t.task_id) for t in day.by_task
            ],
            top_apps=[AppActivity(app=a.app, seconds=a.seconds) for a in day.top_apps],
            settled=day.settled,
            computed_at=day.computed_at,
            employee_uuid=day.employee_id,
        )


@strawberry.type(name="Presence")
class PresenceType:
    """Where one person stands now, and since when."""

    state: PresenceState
    since: datetime | None
    employee_id: strawberry.ID
    department_id: strawberry.ID | None
    employee_uuid: strawberry.Private[Any]

    @strawberry.field
    async def employee(self, info: Info) -> EmployeeType | None:
        found = await info.context.loaders.employees.load(self.employee_uuid)
        return None if found is None else EmployeeType.of(found)

    @classmethod
    def of(cls, presence: model.Presence) -> PresenceType:
        """The GraphQL shape of a presence."""
        return cls(
            state=presence.state,
            since=presence.since,
            employee_id=to_id(presence.employee_id),
            department_id=to_optional_id(presence.department_id),
            employee_uuid=presence.employee_id,
        )


@strawberry.type(name="Project")
class ProjectType:
    """A group of tasks."""

    id: strawberry.ID
    name: str
    description: str
    created_at: datetime

    @classmethod
    def of(cls, project: model.Project) -> ProjectType:
        """The GraphQL shape of a project."""
        return cls(
            id=to_id(project.id),
            name=project.name,
            description=project.description,
            created_at=project.created_at,
        )


@strawberry.type(name="ActivityRejection")
class ActivityRejectionType:
    """A rejected item, as the client sent it (texts of INVALID items are not kept)."""

    id: strawberry.ID
    employee_id: strawberry.ID
    client_id: str | None
    at: datetime | None
    kind: ActivityKind | None
    seconds: int | None
    app: str | None
    url: str | None
    title: str | None
    reason: RejectionReason
    message: str
    received_at: datetime

    @classmethod
    def of(cls, r: model.ActivityRejection) -> ActivityRejectionType:
        """The GraphQL shape of a rejection."""
        return cls(
            id=to_id(r.id),
            employee_id=to_id(r.employee_id),
            client_id=r.client_id,
            at=r.at,
            kind=r.kind,
            seconds=r.seconds,
            app=r.app,
            url=r.url,
            title=r.title,
            reason=r.reason,
            message=r.message,
            received_at=r.received_at,
        )


@strawberry.type
class ActivityRejectionEdge:
    node: ActivityRejectionType
    cursor: str


@strawberry.type
class ActivityRejectionConnection:
    """Rejected items, newest first."""

    edges: list[ActivityRejectionEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[model.ActivityRejection]) -> ActivityRejectionConnection:
        """The connection of a page of rejections."""
        edges = [
            ActivityRejectionEdge(
                node=ActivityRejectionType.of(r), cursor=encode_cursor(r.received_at, r.id)
            )
            for r in page.items
        ]
        return cls(edges=edges, page_info=page_info([e.cursor for e in edges], page.has_next))
