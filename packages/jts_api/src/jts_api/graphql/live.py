"""Live updates: ``timerUpdated(employeeId)`` over graphql-transport-ws.

The caller follows their own timer, or (with ``timer.override`` or ``score.read_team``)
that of an employee they reach; every state change of that employee's timers is pushed
with its active seconds and the instant it happened, from whichever API process made it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from jts_api.context import Info
from jts_api.graphql.enums import TimerState
from jts_api.graphql.ids import parse_optional_id, to_id
from jts_api.timer_feed import TimerChange
from jts_domain import model
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.services import timers as timer_service


@strawberry.type
class TimerSnapshot:
    """A timer as an event saw it: which one, and its state then."""

    id: strawberry.ID
    state: TimerState
    task_id: strawberry.ID
    employee_id: strawberry.ID


@strawberry.type
class TimerEvent:
    """One change of a timer's state."""

    timer: TimerSnapshot
    active_seconds: float
    at: datetime

    @classmethod
    def of(cls, change: TimerChange) -> TimerEvent:
        """The GraphQL shape of a timer change."""
        snapshot = TimerSnapshot(
            id=to_id(change.timer_id),
            state=model.TimerState(change.state),
            task_id=to_id(change.task_id),
            employee_id=to_id(change.employee_id),
        )
        return cls(timer=snapshot, active_seconds=change.active_seconds, at=change.at)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every state change of the employee's timers (the caller's by default)."
    )
    async def timer_updated(
        self, info: Info, employee_id: strawberry.ID | None = None
    ) -> AsyncGenerator[TimerEvent, None]:
        ctx = info.context
        caller = ctx.require_caller()
        employee = await timer_service.watched_employee(
            ctx.services, caller, parse_optional_id(employee_id, "employeeId")
        )
        feed = ctx.runtime.timer_feed
        if feed is None:
            raise DomainError(ErrorCode.NOT_FOUND, "live updates are off in this process")
        async with feed.subscribe(caller.organization_id, employee) as changes:
            while True:
                yield TimerEvent.of(await changes.get())
