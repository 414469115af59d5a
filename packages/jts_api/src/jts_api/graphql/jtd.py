"""Jobs to do: ``createJobToDo``, ``moveJobToDo``, ``rescheduleJobToDo``,
``cancelJobToDo``, ``scheduleServiceVisits``, ``jobToDo``, ``jobsToDo``, ``agentPlan``,
``agentActivity`` and the ``jobToDoUpdated`` subscription (the master data and the
settings are :mod:`jts_api.graphql.jtd_settings`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_id, parse_optional_id, to_id, to_optional_id
from jts_api.graphql.types.jtd import (
    AgentPlanItemType,
    JobToDoActorType,
    JobToDoConnection,
    JobToDoStatusChangeConnection,
    JobToDoType,
)
from jts_api.graphql.types.jtd_inputs import (
    CreateJobToDoInput,
    JobToDoFilterInput,
    JobToDoUpdatedFilterInput,
    ScheduleServiceVisitsInput,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_api.jtd_feed import JobToDoChange
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd import agent as jtd_agent
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.jtd.recurrence import Recurrence
from jts_domain.jtd.visits import schedule_service_visits
from jts_domain.model import ActorType
from jts_store.jtd.recurrence import DateutilRecurrences

DEFAULT_PAGE_SIZE = 50
_EXPANDER = DateutilRecurrences()


def _codes(values: list[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@strawberry.type
class JobToDoUpdate:
    """A job's status change, pushed after commit (at most one per job per 500 ms)."""

    job_id: strawberry.ID
    event_type: str
    from_status: str
    status: str
    valid_transition: bool
    recipient_id: strawberry.ID | None
    actor: JobToDoActorType
    at: datetime

    @classmethod
    def of(cls, change: JobToDoChange) -> JobToDoUpdate:
        """The GraphQL shape of a change."""
        actor = JobToDoActorType(
            type=ActorType(change.actor_type),
            id=to_optional_id(change.actor_id),
            name=change.actor_name,
        )
        return cls(
            job_id=to_id(change.job_id),
            event_type=change.event_type,
            from_status=change.from_status,
            status=change.to_status,
            valid_transition=change.valid_transition,
            recipient_id=to_optional_id(change.recipient_id),
            actor=actor,
            at=change.at,
        )

    @typed.field(description="The job as it is now (null once out of reach).")
    async def job_to_do(self, info: Info) -> JobToDoType | None:
        ctx = info.context
        try:
            job = await jtd.get_job_to_do(
                ctx.services, ctx.require_caller(), parse_id(self.job_id, "jobId")
            )
        except DomainError:
            return None
        return JobToDoType(record=job)


def _job_filter(given: JobToDoFilterInput | None) -> JobToDoFilter:
    f = given or JobToDoFilterInput()
    return JobToDoFilter(
        event_types=_codes(f.event_types),
        statuses=_codes(f.statuses),
        source_types=_codes(f.source_types),
        recipient_id=parse_optional_id(f.recipient_id, "recipientId"),
        scheduled_from=f.scheduled_from,
        scheduled_to=f.scheduled_to,
        is_live=f.is_live,
    )


@strawberry.type
class Query:
    @typed.field(description="A job to do the caller may see.")
    async def job_to_do(self, info: Info, id: strawberry.ID) -> JobToDoType:
        ctx = info.context
        job = await jtd.get_job_to_do(ctx.services, ctx.require_caller(), parse_id(id, "id"))
        return JobToDoType(record=job)

    @typed.field(description="Jobs the caller may see, soonest scheduled first, by pages.")
    async def jobs_to_do(
        self,
        info: Info,
        filters: JobToDoFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> JobToDoConnection:
        ctx = info.context
        page = await jtd.list_jobs_to_do(
            ctx.services,
            ctx.require_caller(),
            _job_filter(filters),
            first=first,
            after=decode_cursor(after),
        )
        return JobToDoConnection.of(page)

    @typed.field(description="What the agent will do next (empty while agent mode is off).")
    async def agent_plan(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE
    ) -> list[AgentPlanItemType]:
        ctx = info.context
        plan = await jtd_agent.agent_plan(ctx.services, ctx.require_caller(), first=first)
        return [AgentPlanItemType.of(item) for item in plan]

    @typed.field(description="What the agent did: its moves, newest first.")
    async def agent_activity(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> JobToDoStatusChangeConnection:
        ctx = info.context
        page = await jtd_agent.agent_activity(
            ctx.services, ctx.require_caller(), first=first, after=decode_cursor(after)
        )
        return JobToDoStatusChangeConnection.of(page)


@strawberry.type
class Mutation:
    @typed.mutation(description="Create one job to do (jtd.manage).")
    async def create_job_to_do(self, info: Info, input: CreateJobToDoInput) -> JobToDoType:
        ctx = info.context
        job = await jtd.create_job_to_do(
            ctx.services,
            ctx.require_caller(),
            subject=input.subject,
            source_type=input.source_type,
            event_type=input.event_type,
            recipient_id=parse_optional_id(input.recipient_id, "recipientId"),
            recipient_address=input.recipient_address,
            recipient_name=input.recipient_name,
            body=input.body,
            payload=input.payload,
            priority=input.priority,
            scheduled_at=input.scheduled_at,
            channel=input.channel,
            is_live=input.is_live,
            idempotency_key=input.idempotency_key,
        )
        return JobToDoType(record=job)

    @typed.mutation(description="Move a job to any status of its type; off-flow is flagged.")
    async def move_job_to_do(
        self, info: Info, id: strawberry.ID, status: str, note: str | None = None
    ) -> JobToDoType:
        ctx = info.context
        job = await jtd.move_job_to_do(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), status, note
        )
        return JobToDoType(record=job)

    @typed.mutation(description="Give a scheduled job a new time (jtd.manage).")
    async def reschedule_job_to_do(
        self, info: Info, id: strawberry.ID, scheduled_at: datetime
    ) -> JobToDoType:
        ctx = info.context
        job = await jtd.reschedule_job_to_do(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), scheduled_at
        )
        return JobToDoType(record=job)

    @typed.mutation(description="Cancel a job with a reason (jtd.manage).")
    async def cancel_job_to_do(self, info: Info, id: strawberry.ID, reason: str) -> JobToDoType:
        ctx = info.context
        job = await jtd.cancel_job_to_do(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), reason
        )
        return JobToDoType(record=job)

    @typed.mutation(description="One service-visit job per occurrence, idempotent by key.")
    async def schedule_service_visits(
        self, info: Info, input: ScheduleServiceVisitsInput
    ) -> list[JobToDoType]:
        ctx = info.context
        rule = input.recurrence
        recurrence = Recurrence(
            frequency=rule.frequency,
            start=input.start_date,
            at=input.time,
            interval=rule.interval,
            count=rule.count,
            until=rule.until,
            by_weekday=tuple(rule.by_weekday or ()),
            by_month_day=tuple(rule.by_month_day or ()),
        )
        jobs = await schedule_service_visits(
            ctx.services,
            ctx.require_caller(),
            client_key=input.client_key,
            recurrence=recurrence,
            expander=_EXPANDER,
            subject=input.subject,
            body=input.body,
            payload=input.payload,
            recipient_id=parse_optional_id(input.recipient_id, "recipientId"),
            recipient_address=input.recipient_address,
            recipient_name=input.recipient_name,
            timezone=input.timezone,
            priority=input.priority,
            channel=input.channel,
            is_live=input.is_live,
            source_type=input.source_type,
        )
        return [JobToDoType(record=job) for job in jobs]


@strawberry.type
class Subscription:
    @typed.subscription(
        description="Status changes of the jobs the caller may see (coalesced per job, 500 ms)."
    )
    async def job_to_do_updated(
        self, info: Info, filters: JobToDoUpdatedFilterInput | None = None
    ) -> AsyncGenerator[JobToDoUpdate, None]:
        ctx = info.context
        caller = ctx.require_caller()
        given = filters or JobToDoUpdatedFilterInput()
        job_id, allowed = await jtd.watch_filter(
            ctx.services,
            caller,
            job_id=parse_optional_id(given.job_id, "jobId"),
            recipient_id=parse_optional_id(given.recipient_id, "recipientId"),
            job_filter=JobToDoFilter(
                event_types=_codes(given.event_types), statuses=_codes(given.statuses)
            ),
        )
        feed = ctx.runtime.jtd_feed
        if feed is None:
            raise DomainError(ErrorCode.NOT_FOUND, "live updates are off in this process")

        def wanted(change: JobToDoChange) -> bool:
            return (
                (job_id is None or change.job_id == job_id)
                and (allowed.event_types is None or change.event_type in allowed.event_types)
                and (allowed.statuses is None or change.to_status in allowed.statuses)
                and (allowed.recipient_id is None or change.recipient_id == allowed.recipient_id)
            )

        async with feed.subscribe(caller.organization_id, wanted) as changes:
            while True:
                yield JobToDoUpdate.of(await changes.get())
