"""Jobs to do: the master data, jobs and their history, the tenant's settings, the agent.

Statuses, event types, channels and source types are codes (strings), as the master
data names them; ``allowedNextStatuses`` and ``statusType`` read the domain's catalog,
the one definition of the flows. A job's history and a move's job come through the
request's loaders.
"""

from __future__ import annotations

from datetime import datetime, time

import strawberry
from strawberry.scalars import JSON

from jts_api.context import Info
from jts_api.graphql.enums import ActorType
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.paging import PageInfo, encode_cursor
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model
from jts_domain.jtd import master
from jts_domain.jtd import model as jtd
from jts_domain.jtd.agent import PlannedAgentMove
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.settings import JtdConfiguration
from jts_domain.services.paging import Page


@strawberry.type(name="JtdStatus")
class JtdStatusType:
    """A status of an event type and its status type (initial, progress, success,
    failure, terminal)."""

    code: str
    name: str
    type: str


@strawberry.type(name="JtdFlowMove")
class JtdFlowMoveType:
    """A move an event type's flow has."""

    from_status: str
    to_status: str


@strawberry.type(name="JtdEventType")
class JtdEventTypeType:
    """An event type: category, allowed channels, scheduling flag, statuses and flow."""

    code: str
    name: str
    category: str
    channels: list[str]
    scheduling: bool
    statuses: list[JtdStatusType]
    flows: list[JtdFlowMoveType]
    agent_target: str
    cancel_status: str
    reschedule_status: str | None

    @classmethod
    def of(cls, definition: master.EventTypeDefinition) -> JtdEventTypeType:
        """The GraphQL shape of an event type."""
        order = {s.code: i for i, s in enumerate(definition.statuses)}
        moves = sorted(definition.flows, key=lambda m: (order[m[0]], order[m[1]]))
        return cls(
            code=definition.code,
            name=definition.name,
            category=definition.category,
            channels=list(definition.channels),
            scheduling=definition.scheduling,
            statuses=[
                JtdStatusType(code=s.code, name=s.name, type=s.type.value)
                for s in definition.statuses
            ],
            flows=[JtdFlowMoveType(from_status=a, to_status=b) for a, b in moves],
            agent_target=definition.agent_target,
            cancel_status=definition.cancel_status,
            reschedule_status=definition.reschedule_status,
        )


@strawberry.type(name="JtdChannel")
class JtdChannelType:
    """A channel: provider, cost per message (minor units) and rate limit per minute."""

    code: str
    name: str
    provider: str
    cost_minor: int
    currency: str
    rate_limit_per_minute: int


@strawberry.type(name="JtdSourceType")
class JtdSourceTypeType:
    """What creates jobs, with its default event type, channels and priority."""

    code: str
    name: str
    event_type: str
    channels: list[str]
    default_priority: int


@strawberry.type(name="JtdSystemActor")
class JtdSystemActorType:
    """An actor that is not a person, with its fixed id."""

    code: str
    id: strawberry.ID
    name: str
    type: ActorType


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

    @strawberry.field(description="The employee (read through the request's loader).")
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

    @strawberry.field(description="When the previous status began.")
    def started_at(self) -> datetime:
        return self.record.started_at

    @strawberry.field(description="When the previous status ended: the move's instant.")
    def ended_at(self) -> datetime:
        return self.record.ended_at

    @strawberry.field
    def seconds_in_previous(self) -> float:
        return self.record.seconds_in_previous

    @strawberry.field
    def actor(self) -> JobToDoActorType:
        return JobToDoActorType.of(self.record.actor)

    @strawberry.field(description="Whether the event type's flow has this move.")
    def valid_transition(self) -> bool:
        return self.record.valid

    @strawberry.field
    def note(self) -> str | None:
        return self.record.note

    @strawberry.field(description="The job moved (read through the request's loader).")
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

    @strawberry.field(description="initial, progress, success, failure or terminal.")
    def status_type(self) -> str:
        return CATALOG.event_type(self.record.event_type).status(self.record.status).type.value

    @strawberry.field(description="The statuses the flow allows next (others are flagged).")
    def allowed_next_statuses(self) -> list[str]:
        return list(CATALOG.event_type(self.record.event_type).next_statuses(self.record.status))

    @strawberry.field(description="Whether the latest change followed the flow.")
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
        return self.record.payload

    @strawberry.field(description="1 (lowest) to 10.")
    def priority(self) -> int:
        return self.record.priority

    @strawberry.field
    def scheduled_at(self) -> datetime:
        return self.record.scheduled_at

    @strawberry.field(description="False for test-mode jobs (never sent to a provider).")
    def is_live(self) -> bool:
        return self.record.is_live

    @strawberry.field
    def attempts(self) -> int:
        return self.record.attempts

    @strawberry.field
    def last_error(self) -> str | None:
        return self.record.last_error

    @strawberry.field(description="The channel's cost in minor units (0 in test mode).")
    def cost_minor(self) -> int:
        return self.record.cost_minor

    @strawberry.field
    def currency(self) -> str:
        return self.record.currency

    @strawberry.field(description="Who made the latest change (the creator until a move).")
    def performed_by(self) -> JobToDoActorType:
        return JobToDoActorType.of(self.record.performed_by)

    @strawberry.field(description="The moves, oldest first (read through the loader).")
    async def history(self, info: Info) -> list[JobToDoStatusChangeType]:
        changes = await info.context.loaders.job_histories.load(self.record.id)
        return [JobToDoStatusChangeType(record=change) for change in changes or ()]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field
    def status_changed_at(self) -> datetime:
        return self.record.status_changed_at

    @strawberry.field(description="Grows with every change.")
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


@strawberry.type(name="JtdChannelSetting")
class JtdChannelSettingType:
    """Whether the tenant has a channel on."""

    channel: str
    enabled: bool


@strawberry.type(name="JtdSourceSettings")
class JtdSourceSettingsType:
    """A tenant's overrides for one source type (null: the default)."""

    source_type: str
    channels: list[str] | None
    auto_execute: bool | None
    priority: int | None
    delay_seconds: int | None

    @classmethod
    def of(cls, settings: jtd.SourceSettings) -> JtdSourceSettingsType:
        """The GraphQL shape of source overrides."""
        return cls(
            source_type=settings.source_type,
            channels=None if settings.channels is None else list(settings.channels),
            auto_execute=settings.auto_execute,
            priority=settings.priority,
            delay_seconds=settings.delay_seconds,
        )


@strawberry.type(name="JtdSettings")
class JtdSettingsType:
    """A tenant's JTD settings (quiet hours in the organization's timezone)."""

    agent_enabled: bool
    agent_event_types: list[str]
    channels_enabled: list[JtdChannelSettingType]
    daily_limit: int
    monthly_limit: int
    quiet_hours_start: time
    quiet_hours_end: time
    version: int
    sources: list[JtdSourceSettingsType]

    @classmethod
    def of(cls, configuration: JtdConfiguration) -> JtdSettingsType:
        """The GraphQL shape of a tenant's configuration."""
        s = configuration.settings
        return cls(
            agent_enabled=s.agent_enabled,
            agent_event_types=sorted(s.agent_event_types),
            channels_enabled=[
                JtdChannelSettingType(channel=code, enabled=s.channel_enabled(code))
                for code in CATALOG.channels
            ],
            daily_limit=s.daily_limit,
            monthly_limit=s.monthly_limit,
            quiet_hours_start=s.quiet_hours_start,
            quiet_hours_end=s.quiet_hours_end,
            version=s.version,
            sources=[JtdSourceSettingsType.of(o) for o in configuration.sources.values()],
        )
