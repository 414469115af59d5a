"""Live updates: ``timerUpdated(employeeId)`` over graphql-transport-ws.

The caller follows their own timer, or (with ``timer.override`` or ``score.read_team``)
that of an employee they reach; every state change of that employee's timers is pushed
with its active seconds and the instant it happened, from whichever API process made it.
A socket whose token expires, or whose employee's access changes, is closed
(:mod:`jts_api.live_sessions`).

Other subscriptions follow the same pattern: a :class:`~jts_api.live_feed.TopicKind`
naming the events that feed it and their key, and :func:`follow` to stream them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

import strawberry

from jts_api.context import GraphQLContext, Info
from jts_api.graphql import typed
from jts_api.graphql.enums import TimerState
from jts_api.graphql.ids import parse_optional_id
from jts_api.live_feed import TopicKind
from jts_api.live_results import SharedPayload
from jts_domain import model
from jts_domain.model import DomainEvent, EventName
from jts_domain.services import timers as timer_service

ViewT = TypeVar("ViewT")

#: Timer state changes, by the employee whose timer it is.
TIMER_UPDATES = TopicKind(
    name="timer",
    events=frozenset({EventName.TIMER_STATE_CHANGED}),
    keys=lambda event: (UUID(str(event.payload["employee_id"])),),
)


async def follow(
    ctx: GraphQLContext,
    kind: TopicKind,
    key: UUID | None,
    view: Callable[[DomainEvent], ViewT],
) -> AsyncGenerator[ViewT, None]:
    """Stream ``view(event)`` of the topic's events to the caller's socket while its
    session lasts (``view`` is computed once per event for every subscriber)."""
    caller = ctx.require_caller()
    session, sessions = ctx.live_session, ctx.runtime.sessions
    view_name = f"{kind.name}:{view.__qualname__}"
    async with ctx.runtime.live_feed.subscribe(kind, caller.organization_id, key) as feed:
        while session is None or sessions.admit(session):
            live = await feed.next()
            if session is not None and not sessions.admit(session):
                break
            yield live.view(view_name, view)
    # The session was closed: the socket goes, and Strawberry cancels this operation.
    await asyncio.Event().wait()


@strawberry.type
class TimerSnapshot:
    """A timer as an event saw it: which one, and its state then."""

    id: strawberry.ID
    state: TimerState
    task_id: strawberry.ID
    employee_id: strawberry.ID


@strawberry.type
class TimerEvent(SharedPayload):
    """One change of a timer's state (plain data: executed once per event and document
    for all its subscribers)."""

    timer: TimerSnapshot
    active_seconds: float
    at: datetime

    @classmethod
    def of(cls, event: DomainEvent) -> TimerEvent:
        """The GraphQL shape of a ``timer.state_changed`` event."""
        payload = event.payload
        snapshot = TimerSnapshot(
            id=strawberry.ID(str(payload["timer_id"])),
            state=model.TimerState(payload["state"]),
            task_id=strawberry.ID(str(payload["task_id"])),
            employee_id=strawberry.ID(str(payload["employee_id"])),
        )
        return cls(
            timer=snapshot,
            active_seconds=float(payload["active_seconds"]),
            at=datetime.fromisoformat(str(payload["at"])),
        )


@strawberry.type
class Subscription:
    @typed.subscription(
        description="Every state change of the employee's timers (the caller's by default)."
    )
    async def timer_updated(
        self, info: Info, employee_id: strawberry.ID | None = None
    ) -> AsyncGenerator[TimerEvent, None]:
        ctx = info.context
        employee = await timer_service.watched_employee(
            ctx.services, ctx.require_caller(), parse_optional_id(employee_id, "employeeId")
        )
        async for event in follow(ctx, TIMER_UPDATES, employee, TimerEvent.of):
            yield event
