"""Timers: time spent by one employee on one task.

A timer's task and employee resolve through the request's DataLoaders; its durations
derive from its intervals, up to the server clock's now while it runs. ``allowedActions``
reads the timer state machine's table (:mod:`jts_domain.lifecycle`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import StartCheck, StopReason, TimerState
from jts_api.graphql.ids import to_id
from jts_api.graphql.types.people import EmployeeType
from jts_domain import lifecycle, model
from jts_domain.timeline import Durations, durations

if TYPE_CHECKING:
    from jts_api.graphql.types.tasks import TaskType


@strawberry.type(name="Timer")
class TimerType:
    """Time spent by one employee on one task; durations derive from its intervals."""

    record: strawberry.Private[model.Timer]

    @classmethod
    def of(cls, timer: model.Timer) -> TimerType:
        """The GraphQL shape of a timer."""
        return cls(record=timer)

    @classmethod
    def of_optional(cls, timer: model.Timer | None) -> TimerType | None:
        """The GraphQL shape of a timer, or None."""
        return None if timer is None else cls(record=timer)

    def _durations(self, info: Info) -> Durations:
        timer = self.record
        return durations(timer.intervals, timer.stopped_at or info.context.services.clock.now())

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_id(self.record.id)

    @strawberry.field
    def state(self) -> TimerState:
        return self.record.state

    @typed.field(description="The task timed (read through the request's loader).")
    async def task(
        self, info: Info
    ) -> Annotated[TaskType, strawberry.lazy("jts_api.graphql.types.tasks")] | None:
        # A task shows its timer and a timer its task: one of the two modules has to
        # import the other when it runs rather than when it loads.
        from jts_api.graphql.types.tasks import TaskType

        return TaskType.of_optional(await info.context.loaders.tasks.load(self.record.task_id))

    @typed.field(description="Whose time it is (read through the request's loader).")
    async def employee(self, info: Info) -> EmployeeType | None:
        found = await info.context.loaders.employees.load(self.record.employee_id)
        return None if found is None else EmployeeType.of(found)

    @strawberry.field
    def started_at(self) -> datetime:
        return self.record.started_at

    @strawberry.field
    def stopped_at(self) -> datetime | None:
        return self.record.stopped_at

    @typed.field(description="Seconds RUNNING (up to now while not stopped).")
    def active_seconds(self, info: Info) -> float:
        return self._durations(info).active.total_seconds()

    @typed.field(description="Seconds PAUSED.")
    def pause_seconds(self, info: Info) -> float:
        return self._durations(info).pause.total_seconds()

    @typed.field(description="Seconds ON_BREAK.")
    def break_seconds(self, info: Info) -> float:
        return self._durations(info).break_.total_seconds()

    @strawberry.field
    def auto_stopped(self) -> bool:
        return self.record.auto_stopped

    @strawberry.field
    def auto_stop_reason(self) -> StopReason | None:
        return self.record.auto_stop_reason

    @typed.field(description="Why the timer stopped, automatic or not.")
    def stop_reason(self) -> StopReason | None:
        return self.record.stop_reason

    @typed.field(description="Start checks a holder of timer.override skipped.")
    def skipped_checks(self) -> list[StartCheck]:
        return sorted(self.record.skipped_checks)

    @strawberry.field
    def override_reason(self) -> str | None:
        return self.record.override_reason

    @typed.field(description="Timer triggers allowed from its state now.")
    def allowed_actions(self) -> list[str]:
        return list(lifecycle.allowed_timer_triggers(self.record.state))
