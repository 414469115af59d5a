"""A day of one employee, as random sequences of use cases on the in-memory adapter.

Alice clocks in and out, works on a few tasks through the task and timer use cases (the
path the API takes: starting, pausing and resuming go through the task),
takes breaks, and time passes (the shift-end auto-stop runs too); her manager assigns,
reviews and cancels. Whatever happens, the invariants below hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.lifecycle import TASK_TRIGGERS, allowed_task_actions, is_terminal_task_status
from jts_domain.memory import InMemoryDatabase
from jts_domain.model import StopReason, Task, TaskStatus, Timer, TimerState
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.services.attendance import AutoStopResult
from jts_domain.timeline import durations
from tests.services.builders import STORE_LATITUDE, STORE_LONGITUDE, World, build_world

R = TypeVar("R")
START = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
#: The end of Alice's 09:00-17:00 shift (Asia/Kolkata) on the world's day.
SHIFT_END = START + timedelta(hours=8)
TASKS = 3
#: Errors a use case may answer in a random day; anything else is a bug.
EXPECTED = {
    ErrorCode.INVALID_TRANSITION,
    ErrorCode.ATTENDANCE_REQUIRED,
    ErrorCode.NO_ACTIVE_SHIFT,
    ErrorCode.TIMER_ALREADY_RUNNING,
    ErrorCode.VALIDATION_ERROR,
    ErrorCode.NOT_FOUND,
    ErrorCode.NOT_ASSIGNEE,
}
TIMER_ACTIONS: dict[str, Callable[..., Awaitable[Timer]]] = {
    "start_break": timer_service.start_break,
    "end_break": timer_service.end_break,
    "stop": timer_service.stop_timer,
}
WORKING = {TaskStatus.IN_PROGRESS, TaskStatus.PAUSED}


class EmployeeDay(RuleBasedStateMachine):
    """Alice's day; counts the task transitions it expects to find in the history."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.db = InMemoryDatabase()
        self.clock = ManualClock(START)
        self.ctx = ServiceContext(uow=self.db.unit_of_work, clock=self.clock)
        self.world: World = self.run(build_world(self.ctx))
        self.task_ids: list[UUID] = [
            self.run(
                task_service.create_task(
                    self.ctx,
                    self.world.caller(self.world.manager),
                    title=f"Task {n}",
                    assignee_id=self.world.alice.id,
                    requires_review=n == 0,
                    estimated_minutes=30,
                )
            ).id
            for n in range(TASKS)
        ]
        self.transitions = dict.fromkeys(self.task_ids, 0)
        self.terminal: set[UUID] = set()
        self.grace = self.world.org.settings.auto_stop_grace_minutes
        self.clock_in()

    def teardown(self) -> None:
        self.loop.close()

    def run(self, call: Coroutine[Any, Any, R]) -> R:
        return self.loop.run_until_complete(call)

    # -- reading the state -------------------------------------------------------------

    def tasks(self) -> dict[UUID, Task]:
        async def read() -> dict[UUID, Task]:
            async with self.ctx.uow() as uow:
                return {i: await uow.tasks.get(self.world.org.id, i) for i in self.task_ids}

        return self.run(read())

    def timers(self) -> list[Timer]:
        async def read() -> list[Timer]:
            async with self.ctx.uow() as uow:
                return await uow.timers.list_for_employee(
                    self.world.org.id, self.world.alice.id, limit=200
                )

        return self.run(read())

    def attempt(
        self, call: Coroutine[Any, Any, object], *, same_status: UUID | None = None
    ) -> object:
        """Run a use case and return its result (None when refused); count the transitions
        it made (``same_status``: one more)."""
        before = self.tasks()
        failure: DomainError | None = None
        result: object = None
        try:
            result = self.run(call)
        except DomainError as error:
            failure = error
        if failure is not None:
            event(f"refused: {failure.code}")
            assert failure.code in EXPECTED, failure
            after = self.tasks()
            assert {i: (t.status, t.version) for i, t in after.items()} == {
                i: (t.status, t.version) for i, t in before.items()
            }
            return None
        for task_id, task in self.tasks().items():
            if task.status is not before[task_id].status or task_id == same_status:
                event(f"reached {task.status}")
                self.transitions[task_id] += 1
        return result

    # -- rules -------------------------------------------------------------------------

    @rule()
    def clock_in(self) -> None:
        self.attempt(
            attendance_service.clock_in(
                self.ctx,
                self.world.caller(self.world.alice),
                latitude=STORE_LATITUDE,
                longitude=STORE_LONGITUDE,
            )
        )

    @rule()
    def clock_out(self) -> None:
        self.attempt(attendance_service.clock_out(self.ctx, self.world.caller(self.world.alice)))

    @rule(index=st.integers(0, TASKS - 1), data=st.data())
    def allowed_task_trigger(self, index: int, data: st.DataObject) -> None:
        task = self.tasks()[self.task_ids[index]]
        allowed = allowed_task_actions(task)
        if allowed:
            self.task_trigger(index, data.draw(st.sampled_from(allowed)))

    @rule(index=st.integers(0, TASKS - 1), trigger=st.sampled_from(TASK_TRIGGERS))
    def task_trigger(self, index: int, trigger: str) -> None:
        task_id = self.task_ids[index]
        alice, manager = self.world.caller(self.world.alice), self.world.caller(self.world.manager)
        calls: dict[str, Callable[[], Coroutine[Any, Any, Task]]] = {
            "assign": lambda: task_service.assign_task(
                self.ctx, manager, task_id, self.world.alice.id
            ),
            "decline": lambda: task_service.decline_task(self.ctx, alice, task_id, "later"),
            "hold": lambda: task_service.hold_task(self.ctx, alice, task_id, "wait"),
            "approve": lambda: task_service.approve_task(self.ctx, manager, task_id, 5),
            "reject": lambda: task_service.reject_task(self.ctx, manager, task_id, "again"),
            "reopen": lambda: task_service.reopen_task(self.ctx, manager, task_id),
            "cancel": lambda: task_service.cancel_task(self.ctx, manager, task_id, "moot"),
        }
        simple = getattr(task_service, f"{trigger}_task")
        call = calls.get(trigger, lambda: simple(self.ctx, alice, task_id))
        self.attempt(call(), same_status=task_id if trigger == "assign" else None)

    @rule()
    def manager_stops_the_timer(self) -> None:
        timer = next((t for t in self.timers() if t.is_active), None)
        if timer is not None:
            manager = self.world.caller(self.world.manager)
            self.attempt(timer_service.stop_timer(self.ctx, manager, timer.id))

    @rule(action=st.sampled_from(sorted(TIMER_ACTIONS)))
    def timer_action(self, action: str) -> None:
        caller = self.world.caller(self.world.alice)
        self.attempt(TIMER_ACTIONS[action](self.ctx, caller))

    @rule(minutes=st.integers(1, 90))
    def time_passes(self, minutes: int) -> None:
        self.pass_time_to(self.clock.now() + timedelta(minutes=minutes))

    @precondition(lambda self: self.clock.now() < SHIFT_END)
    @rule(offset=st.integers(-30, 60))
    def shift_nears_its_end(self, offset: int) -> None:
        """Jump to around the shift's end, which short steps alone seldom reach."""
        self.pass_time_to(max(self.clock.now(), SHIFT_END + timedelta(minutes=offset)))

    def pass_time_to(self, instant: datetime) -> None:
        """Time passes; past the shift's end and its grace the auto-stop job runs, as its
        five-minute schedule would have made it."""
        self.clock.set(instant)
        if self.clock.now() > SHIFT_END + timedelta(minutes=self.grace):
            self.auto_stop()

    @precondition(lambda self: self.clock.now() > SHIFT_END)
    @rule()
    def auto_stop(self) -> None:
        result = self.attempt(attendance_service.auto_stop_timers(self.ctx, self.world.system))
        assert isinstance(result, AutoStopResult)
        assert result.failed == {}
        for timer in result.stopped:
            event("auto-stopped a timer")
            assert (timer.stop_reason, timer.auto_stopped) == (StopReason.SHIFT_END, True)
            assert timer.stopped_at is not None
            assert timer.stopped_at == max(SHIFT_END, timer.intervals[-1].started_at)
        # Every timer of Alice's starts within today's shift, so once its end and the
        # grace are past, the auto-stop leaves none running.
        if self.clock.now() > SHIFT_END + timedelta(minutes=self.grace):
            assert not any(t.is_active for t in self.timers())

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def at_most_one_active_timer(self) -> None:
        assert sum(t.is_active for t in self.timers()) <= 1

    @invariant()
    def durations_add_up(self) -> None:
        for timer in self.timers():
            if timer.stopped_at is not None:
                spent = durations(timer.intervals, timer.stopped_at)
                assert spent.total == timer.stopped_at - timer.started_at

    @invariant()
    def task_and_timer_agree(self) -> None:
        active = {t.task_id: t for t in self.timers() if t.is_active}
        for task_id, task in self.tasks().items():
            timer = active.get(task_id)
            if task.status is TaskStatus.IN_PROGRESS:
                assert timer is not None
                assert timer.state in {TimerState.RUNNING, TimerState.ON_BREAK}
            elif task.status is TaskStatus.PAUSED:
                assert timer is not None
                assert timer.state is TimerState.PAUSED
            else:
                assert timer is None

    @invariant()
    def actual_time_is_the_sum_of_stopped_timers(self) -> None:
        stopped: dict[UUID, float] = {}
        for timer in self.timers():
            if timer.stopped_at is not None:
                active = durations(timer.intervals, timer.stopped_at).active.total_seconds()
                stopped[timer.task_id] = stopped.get(timer.task_id, 0.0) + active
        for task_id, task in self.tasks().items():
            if task.status not in WORKING:
                assert task.actual_seconds == stopped.get(task_id, 0.0)

    @invariant()
    def history_has_one_row_per_transition(self) -> None:
        for task_id in self.task_ids:
            history = self.run(
                task_service.task_history(self.ctx, self.world.caller(self.world.manager), task_id)
            )
            assert len(history) == 1 + self.transitions[task_id]

    @invariant()
    def terminal_stays_terminal(self) -> None:
        for task_id, task in self.tasks().items():
            if task_id in self.terminal:
                assert is_terminal_task_status(task.status)
            if is_terminal_task_status(task.status):
                self.terminal.add(task_id)

    @invariant()
    def no_timer_runs_without_attendance(self) -> None:
        async def open_attendance() -> bool:
            async with self.ctx.uow() as uow:
                found = await uow.attendance.find_open(self.world.org.id, self.world.alice.id)
                return found is not None

        if any(t.is_active for t in self.timers()):
            assert self.run(open_attendance())


EmployeeDay.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None, print_blob=True
)
TestEmployeeDay = EmployeeDay.TestCase
