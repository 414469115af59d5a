"""The task-and-timer aggregate alone: random triggers, invariants after every step.

No unit of work, no clock port: a :class:`TaskWork` is driven with every trigger (valid or
not) at increasing instants, and whatever the order, the task and its timer agree, each
accepted trigger left exactly one history row (when it moved the task) and one audit entry,
a refused one changed nothing, and durations derived from the intervals add up.
"""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.lifecycle import is_terminal_task_status
from jts_domain.model import (
    Actor,
    ActorType,
    EventName,
    StopReason,
    Task,
    TaskStatus,
    Timer,
    TimerState,
)
from jts_domain.timeline import durations
from jts_domain.work.aggregate import WORKING_STATUSES, TaskWork, WorkChange
from jts_domain.work.start_checks import StartClearance

NINE = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
RAVI_ID = uuid4()
RAVI = Actor(type=ActorType.USER, id=RAVI_ID, name="Ravi")
CLEARED = StartClearance(employee_id=RAVI_ID, skipped=frozenset(), business_date=date(2026, 3, 2))
REFUSALS = {ErrorCode.INVALID_TRANSITION, ErrorCode.VALIDATION_ERROR}


class TaskWorkMachine(RuleBasedStateMachine):
    """One task of Ravi's, moved by any trigger at any moment."""

    def __init__(self) -> None:
        super().__init__()
        self.now = NINE
        task = Task(
            id=uuid4(),
            organization_id=uuid4(),
            title="Restock",
            status=TaskStatus.ASSIGNED,
            assignee_id=RAVI_ID,
            requires_review=False,
            created_at=NINE,
            status_changed_at=NINE,
        )
        self.work = TaskWork(task)
        self.timers: dict[object, Timer] = {}
        self.moves = 0

    def attempt(self, trigger: str) -> None:
        before = copy.deepcopy((self.work.task, self.work.timer, len(self.work.changes)))
        actions = {
            "assign": lambda: self.work.assign(RAVI_ID, None, actor=RAVI, at=self.now),
            "accept": lambda: self.work.accept(actor=RAVI, at=self.now),
            "decline": lambda: self.work.decline(actor=RAVI, at=self.now, note="busy"),
            "start": lambda: self.work.start(CLEARED, actor=RAVI, at=self.now),
            "pause": lambda: self.work.pause(actor=RAVI, at=self.now),
            "resume": lambda: self.work.resume(CLEARED, actor=RAVI, at=self.now),
            "hold": lambda: self.work.hold(actor=RAVI, at=self.now, note="wait"),
            "complete": lambda: self.work.complete(actor=RAVI, at=self.now),
            "cancel": lambda: self.work.cancel(actor=RAVI, at=self.now, note="moot"),
            "start_break": lambda: self.work.start_break(actor=RAVI, at=self.now),
            "end_break": lambda: self.work.end_break(actor=RAVI, at=self.now),
            "stop": lambda: self.work.stop(StopReason.MANUAL, actor=RAVI, at=self.now),
        }
        refused: DomainError | None = None
        try:
            change: WorkChange = actions[trigger]()
        except DomainError as error:
            refused = error
        if refused is not None:
            assert refused.code in REFUSALS, refused
            after = copy.deepcopy((self.work.task, self.work.timer, len(self.work.changes)))
            assert after == before
            return
        assert self.work.changes[-1] is change
        assert len(self.work.changes) == before[2] + 1
        assert change.audit.at == self.now
        if change.status is not None:
            self.moves += 1
            assert change.status.to_status is self.work.task.status
        if change.timer is not None:
            self.timers[change.timer.id] = change.timer
            assert any(e.name is EventName.TIMER_STATE_CHANGED for e in change.events)

    @rule(trigger=st.sampled_from([
        "assign", "accept", "decline", "start", "pause", "resume", "hold", "complete",
        "cancel", "start_break", "end_break", "stop",
    ]))  # fmt: skip
    def trigger(self, trigger: str) -> None:
        self.attempt(trigger)

    @rule(seconds=st.integers(0, 3_600))
    def time_passes(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @invariant()
    def task_and_timer_agree(self) -> None:
        task, timer = self.work.task, self.work.timer
        if task.status is TaskStatus.IN_PROGRESS:
            assert timer is not None
            assert timer.state in {TimerState.RUNNING, TimerState.ON_BREAK}
        elif task.status is TaskStatus.PAUSED:
            assert timer is not None
            assert timer.state is TimerState.PAUSED
        else:
            assert timer is None
        assert (task.status in WORKING_STATUSES) == (timer is not None)

    @invariant()
    def one_history_row_per_move(self) -> None:
        rows = [c.status for c in self.work.changes if c.status is not None]
        assert len(rows) == self.moves
        for earlier, later in itertools.pairwise(rows):
            assert later.from_status is earlier.to_status
            assert later.at >= earlier.at

    @invariant()
    def actual_time_is_the_running_time_of_stopped_timers(self) -> None:
        stopped = [t for t in self.timers.values() if t.state is TimerState.STOPPED]
        for timer in stopped:
            assert timer.stopped_at is not None
            spent = durations(timer.intervals, timer.stopped_at)
            assert spent.total == timer.stopped_at - timer.started_at
        running = sum(durations(t.intervals, self.now).active.total_seconds() for t in stopped)
        assert self.work.task.actual_seconds == running

    @invariant()
    def a_finished_task_has_no_way_out(self) -> None:
        if is_terminal_task_status(self.work.task.status):
            assert self.work.allowed_actions() == ()


TaskWorkMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40)
TestTaskWork = TaskWorkMachine.TestCase
