"""Timers: breaks, stopping, ``currentTimer`` and ``timerHistory``.

Starting, pausing and resuming a timer go through the task (``startTask``,
``pauseTask``, ``resumeTask``): a timer always moves with its task.
"""

from __future__ import annotations

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_optional_id
from jts_api.graphql.types.paging import PageInfo, decode_cursor, encode_cursor
from jts_api.graphql.types.timers import TimerType
from jts_domain.model import Timer
from jts_domain.services import timers as timer_service
from jts_domain.services.paging import Cursor, read_page

DEFAULT_PAGE_SIZE = 50


@strawberry.type
class TimerEdge:
    node: TimerType
    cursor: str


@strawberry.type
class TimerConnection:
    edges: list[TimerEdge]
    page_info: PageInfo


@strawberry.type
class Query:
    @typed.field(
        description="The employee's timer that is not stopped (the caller's own by default)."
    )
    async def current_timer(
        self, info: Info, employee_id: strawberry.ID | None = None
    ) -> TimerType | None:
        ctx = info.context
        timer = await timer_service.current_timer(
            ctx.services, ctx.require_caller(), parse_optional_id(employee_id, "employeeId")
        )
        return TimerType.of_optional(timer)

    @typed.field(description="The employee's timers, newest first, by pages.")
    async def timer_history(
        self,
        info: Info,
        employee_id: strawberry.ID | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> TimerConnection:
        ctx = info.context
        caller = ctx.require_caller()
        employee = parse_optional_id(employee_id, "employeeId")

        async def fetch(cursor: Cursor | None, limit: int) -> list[Timer]:
            return await timer_service.timer_history(
                ctx.services, caller, employee, after=cursor, limit=limit
            )

        page = await read_page(fetch, first=first, after=decode_cursor(after))
        edges = [
            TimerEdge(node=TimerType.of(t), cursor=encode_cursor(t.started_at, t.id))
            for t in page.items
        ]
        end = edges[-1].cursor if edges else None
        page_info = PageInfo(has_next_page=page.has_next, end_cursor=end)
        return TimerConnection(edges=edges, page_info=page_info)


@strawberry.type
class Mutation:
    @typed.mutation(description="Put the caller's running timer on a break.")
    async def start_break(self, info: Info, timer_id: strawberry.ID | None = None) -> TimerType:
        ctx = info.context
        timer = await timer_service.start_break(
            ctx.services, ctx.require_caller(), parse_optional_id(timer_id, "timerId")
        )
        return TimerType.of(timer)

    @typed.mutation(description="End the caller's break: the timer runs again.")
    async def end_break(self, info: Info, timer_id: strawberry.ID | None = None) -> TimerType:
        ctx = info.context
        timer = await timer_service.end_break(
            ctx.services, ctx.require_caller(), parse_optional_id(timer_id, "timerId")
        )
        return TimerType.of(timer)

    @typed.mutation(
        description="Stop a timer (the caller's current one by default); its task goes ON_HOLD."
    )
    async def stop_timer(self, info: Info, timer_id: strawberry.ID | None = None) -> TimerType:
        ctx = info.context
        timer = await timer_service.stop_timer(
            ctx.services, ctx.require_caller(), parse_optional_id(timer_id, "timerId")
        )
        return TimerType.of(timer)
