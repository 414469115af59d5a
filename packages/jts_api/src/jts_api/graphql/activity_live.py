"""Live activity over graphql-transport-ws: ``presenceChanged``, ``activityUpdated`` and
``alertRaised``, pushed after commit from whichever replica (or worker) made the change,
with the reach of ``timerUpdated``: the caller's own, or of the people they reach.

``alertRaised`` follows the live feed's topic of raised alerts (keyed by employee, by
department, and organization-wide); presence and activity seconds are read for what the
events announce by :mod:`jts_api.activity_feed`. A socket whose session ends stops
receiving, as every live subscription does (:mod:`jts_api.live_sessions`).

Without arguments ``presenceChanged`` and ``alertRaised`` follow the whole organization
for an admin and the caller alone for anyone else (a manager names the department).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime
from uuid import UUID

import strawberry

from jts_api.activity_feed import ActivityFeed, ActivityPush
from jts_api.context import GraphQLContext, Info
from jts_api.graphql import typed
from jts_api.graphql.enums import AlertKind
from jts_api.graphql.ids import parse_optional_id, to_id
from jts_api.graphql.live import follow
from jts_api.graphql.types.activity import PresenceType
from jts_api.live_feed import TopicKind
from jts_api.live_results import SharedPayload
from jts_domain.activity.model import Presence
from jts_domain.activity.reads import Watch, watch_people
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import AlertKind as DomainAlertKind
from jts_domain.model import DomainEvent, EventName, Permission
from jts_domain.services import timers as timer_service


def _alert_keys(event: DomainEvent) -> tuple[UUID | None, ...]:
    payload = event.payload
    found = (payload.get("employee_id"), payload.get("department_id"))
    return (None, *(UUID(str(key)) for key in found if key is not None))


#: Raised alerts, by employee, by department and for the whole organization (None).
ALERTS_RAISED = TopicKind(
    name="alert", events=frozenset({EventName.ALERT_RAISED}), keys=_alert_keys
)


@strawberry.type
class ActivityEvent:
    """A timer's activity seconds (the union of its ACTIVE heartbeats within its RUNNING
    time) as of ``at``; at most one a second per employee."""

    employee_id: strawberry.ID
    timer_id: strawberry.ID
    activity_seconds: float
    at: datetime

    @classmethod
    def of(cls, push: ActivityPush) -> ActivityEvent:
        return cls(
            employee_id=to_id(push.employee_id),
            timer_id=to_id(push.timer_id),
            activity_seconds=push.activity_seconds,
            at=push.at,
        )


def _optional_id(payload: dict[str, object], name: str) -> strawberry.ID | None:
    value = payload.get(name)
    return None if value is None else strawberry.ID(str(value))


@strawberry.type
class AlertEvent(SharedPayload):
    """An alert just raised (plain data, shared by its subscribers)."""

    alert_id: strawberry.ID
    kind: AlertKind
    message: str
    employee_id: strawberry.ID | None
    department_id: strawberry.ID | None
    task_id: strawberry.ID | None
    at: datetime

    @classmethod
    def of(cls, event: DomainEvent) -> AlertEvent:
        """The GraphQL shape of an ``alert.raised`` event."""
        p = event.payload
        return cls(
            alert_id=strawberry.ID(str(p["alert_id"])),
            kind=DomainAlertKind(str(p["kind"])),
            message=str(p["message"]),
            employee_id=_optional_id(p, "employee_id"),
            department_id=_optional_id(p, "department_id"),
            task_id=_optional_id(p, "task_id"),
            at=datetime.fromisoformat(str(p.get("at") or event.occurred_at.isoformat())),
        )


def _activity_feed(ctx: GraphQLContext) -> ActivityFeed:
    feed = ctx.runtime.activity_feed
    if feed is None:
        raise DomainError(ErrorCode.NOT_FOUND, "live updates are off in this process")
    return feed


async def _pushes(
    ctx: GraphQLContext, topic: str, watch: Watch
) -> AsyncGenerator[ActivityPush | Presence, None]:
    """The activity feed's pushes while the caller's session lasts."""
    caller = ctx.require_caller()
    session, sessions = ctx.live_session, ctx.runtime.sessions
    async with _activity_feed(ctx).subscribe(caller.organization_id, topic, watch) as queue:
        while session is None or sessions.admit(session):
            push = await queue.get()
            if session is not None and not sessions.admit(session):
                break
            yield push
    # The session was closed: the socket goes, and Strawberry cancels this operation.
    await asyncio.Event().wait()


async def _people(
    ctx: GraphQLContext, employee_id: UUID | None, department_id: UUID | None
) -> tuple[Watch, UUID | None]:
    """Whom a subscription follows, and under which key: a named employee or department
    (within reach), the organization for an admin, the caller alone for anyone else."""
    caller = ctx.require_caller()
    if employee_id is None and department_id is None and not caller.can(Permission.ORG_MANAGE):
        employee_id = caller.employee_id
    watch = await watch_people(
        ctx.services, caller, employee_id=employee_id, department_id=department_id
    )
    return watch, employee_id or department_id


@strawberry.type
class Subscription:
    @typed.subscription(
        description="Presence changes of a department's people (without one: everyone, for"
        " an admin; the caller, for anyone else)."
    )
    async def presence_changed(
        self, info: Info, department_id: strawberry.ID | None = None
    ) -> AsyncGenerator[PresenceType, None]:
        ctx = info.context
        watch, _ = await _people(ctx, None, parse_optional_id(department_id, "departmentId"))
        async for push in _pushes(ctx, "presence", watch):
            assert isinstance(push, Presence)
            yield PresenceType.of(push)

    @typed.subscription(
        description="The employee's timer activity seconds (the caller's by default), at most"
        " once a second."
    )
    async def activity_updated(
        self, info: Info, employee_id: strawberry.ID | None = None
    ) -> AsyncGenerator[ActivityEvent, None]:
        ctx = info.context
        employee = await timer_service.watched_employee(
            ctx.services, ctx.require_caller(), parse_optional_id(employee_id, "employeeId")
        )
        async for push in _pushes(ctx, "activity", Watch(employee_ids=frozenset({employee}))):
            assert isinstance(push, ActivityPush)
            yield ActivityEvent.of(push)

    @typed.subscription(
        description="Alerts as they are raised: of an employee, of a department (without"
        " either: everyone's, for an admin; the caller's own, for anyone else)."
    )
    async def alert_raised(
        self,
        info: Info,
        employee_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[AlertEvent, None]:
        ctx = info.context
        _, key = await _people(
            ctx,
            parse_optional_id(employee_id, "employeeId"),
            parse_optional_id(department_id, "departmentId"),
        )
        async for event in follow(ctx, ALERTS_RAISED, key, AlertEvent.of):
            yield event
