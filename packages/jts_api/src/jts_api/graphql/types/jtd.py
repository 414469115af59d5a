"""Jobs to do: jobs, their history and the agent's plan, as GraphQL types.

Statuses, event types, channels and source types are codes (strings), as the master
data names them (:mod:`jts_api.graphql.types.jtd_settings`); ``allowedNextStatuses``
and ``statusType`` read the domain's catalog, the one definition of the flows. A job's
history and a move's job come through the request's loaders.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import ActorType
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.delivery import JobDeliveryType
from jts_api.graphql.types.paging import PageInfo, encode_cursor
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model
from jts_domain.jtd import model as jtd
from jts_domain.jtd.agent import PlannedAgentMove
from jts_domain.jtd.catalog import CATALOG
from jts_domain.services.paging import Page


@strawberry.type(name="JobToDoActor")
class JobToDoActorType:
    """Who made a change: USER (the employee), AGENT, SYSTEM or WEBHOOK."""

    type: ActorType
    id: strawberry.ID | None
    name: str

    @classmethod
    def of(cls, actor: model.Actor) -> JobToDoActorType:
        """The GraphQL shape of an actor."""
        return cls(type=actor.type, id=to_optional_id(actor.id), name=actor.name)


@strawberry.type(name="JobToDoRecipient")
class JobToDoRecipientType:
    """Whom a job is for: an employee, an address, or both."""

    record: strawberry.Private[jtd.Recipient]

    @strawberry.field
    def employee_id(self) -> strawberry.ID | None:
        return to_optional_id(self.record.employee_id)

    @typed.field(description="The employee (read through the request's loader).")
    async def employee(self, info: Info) -> EmployeeType | None:
        if self.record.employee_id is None:
            return None
        found = await info.context.loaders.employees.load(self.record.employee_id)
        return None if found is None else EmployeeType.of(found)

    @strawberry.field
    def address(self) -> str | None:
        return self.record.address

    @strawberry.field
    def name(self) -> str | None:
        return self.record.name


@strawberry.type(name="JobToDoStatusChange")
class JobToDoStatusChangeType:
    """One move: from, to, when the previous status started and ended, the seconds in it,
    who moved it and whether the flow has the move."""

    record: strawberry.Private[jtd.JobStatusChange]

    @strawberry.field
    def from_status(self) -> str:
        return self.record.from_status

    @strawberry.field
    def to_status(self) -> str:
        return self.record.to_status

    @typed.field(description="When the previous status began.")
    def started_at(self) -> datetime:
        return self.record.started_at

    @typed.field(description="When the previous status ended: the move's instant.")
    def ended_at(self) -> datetime:
        return self.record.ended_at

    @strawberry.field
    def seconds_in_previous(self) -> float:
        return self.record.seconds_in_previous

    @strawberry.field
    def actor(self) -> JobToDoActorType:
        return JobToDoActorType.of(self.record.actor)

    @typed.field(description="Whether the event type's flow has this move.")
    def valid_transition(self) -> bool:
        return self.record.valid

    @strawberry.field
    def note(self) -> str | None:
        return self.record.note

    @typed.field(description="The job moved (read through the request's loader).")
    async def job_to_do(self, info: Info) -> JobToDoType | None:
        found = await info.context.loaders.jobs_to_do.load(self.record.job_id)
        return None if found is None else JobToDoType(record=found)


@strawberry.type(name="JobToDo")
class JobToDoType:
    """One thing to be done or sent, where it stands in its flow, and who moved it."""

    record: strawberry.Private[jtd.JobToDo]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_id(self.record.id)

    @strawberry.field
    def event_type(self) -> str:
        return self.record.event_type

    @strawberry.field
    def source_type(self) -> str:
        return self.record.source_type

    @strawberry.field
    def status(self) -> str:
        return self.record.status

    @typed.field(description="initial, progress, success, failure or terminal.")
    def status_type(self) -> str:
        return CATALOG.event_type(self.record.event_type).status(self.record.status).type.value

    @typed.field(description="The statuses the flow allows next (others are flagged).")
    def allowed_next_statuses(self) -> list[str]:
        return list(CATALOG.event_type(self.record.event_type).next_statuses(self.record.status))

    @typed.field(description="Whether the latest change followed the flow.")
    def valid_transition(self) -> bool:
        return self.record.valid_transition

    @strawberry.field
    def channel(self) -> str | None:
        return self.record.channel

    @strawberry.field
    def recipient(self) -> JobToDoRecipientType:
        return JobToDoRecipientType(record=self.record.recipient)

    @strawberry.field
    def subject(self) -> str:
        return self.record.subject

    @strawberry.field
    def body(self) -> str:
        return self.record.body

    @strawberry.field
    def payload(self) -> JSON:
        return JSON(self.record.payload)

    @typed.field(description="1 (lowest) to 10.")
    def priority(self) -> int:
        return self.record.priority

    @strawberry.field
    def scheduled_at(self) -> datetime:
        return self.record.scheduled_at

    @typed.field(description="False for test-mode jobs (never sent to a provider).")
    def is_live(self) -> bool:
        return self.record.is_live

    @strawberry.field
    def attempts(self) -> int:
        return self.record.attempts

    @strawberry.field
    def last_error(self) -> str | None:
        return self.record.last_error

    @typed.field(description="The channel's cost in minor units (0 in test mode).")
    def cost_minor(self) -> int:
        return self.record.cost_minor

    @strawberry.field
    def currency(self) -> str:
        return self.record.currency

    @typed.field(description="Who made the latest change (the creator until a move).")
    def performed_by(self) -> JobToDoActorType:
        return JobToDoActorType.of(self.record.performed_by)

    @typed.field(description="The moves, oldest first (read through the loader).")
    async def history(self, info: Info) -> list[JobToDoStatusChangeType]:
        changes = await info.context.loaders.job_histories.load(self.record.id)
        return [JobToDoStatusChangeType(record=change) for change in changes or ()]

    @typed.field(
        description="Its delivery: state, why it waits or is held (null until dispatched)."
    )
    async def delivery(self, info: Info) -> JobDeliveryType | None:
        found = await info.context.loaders.job_deliveries.load(self.record.id)
        return None if found is None else JobDeliveryType.of(found)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field
    def status_changed_at(self) -> datetime:
        return self.record.status_changed_at

    @typed.field(description="Grows with every change.")
    def version(self) -> int:
        return self.record.version


@strawberry.type
class JobToDoEdge:
    node: JobToDoType
    cursor: str


@strawberry.type
class JobToDoConnection:
    edges: list[JobToDoEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[jtd.JobToDo]) -> JobToDoConnection:
        """A page of jobs, cursors on (scheduled time, id)."""
        edges = [
            JobToDoEdge(node=JobToDoType(record=j), cursor=encode_cursor(j.scheduled_at, j.id))
            for j in page.items
        ]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end))


@strawberry.type
class JobToDoStatusChangeEdge:
    node: JobToDoStatusChangeType
    cursor: str


@strawberry.type
class JobToDoStatusChangeConnection:
    edges: list[JobToDoStatusChangeEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[jtd.JobStatusChange]) -> JobToDoStatusChangeConnection:
        """A page of moves, cursors on (instant, id)."""
        edges = [
            JobToDoStatusChangeEdge(
                node=JobToDoStatusChangeType(record=c), cursor=encode_cursor(c.ended_at, c.id)
            )
            for c in page.items
        ]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end))


@strawberry.type(name="AgentPlanItem")
class AgentPlanItemType:
    """A job the agent will move: when, and through which statuses."""

    job_to_do: JobToDoType
    at: datetime
    statuses: list[str]

    @classmethod
    def of(cls, planned: PlannedAgentMove) -> AgentPlanItemType:
        """The GraphQL shape of a planned agent move."""
        return cls(
            job_to_do=JobToDoType(record=planned.job),
            at=planned.at,
            statuses=list(planned.statuses),
        )
