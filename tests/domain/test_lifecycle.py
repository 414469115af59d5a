"""The state machines against PRODUCT.md's tables, over random trigger sequences."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.lifecycle import (
    TASK_TRIGGERS,
    TIMER_TRIGGERS,
    allowed_task_actions,
    allowed_task_triggers,
    allowed_timer_triggers,
    is_terminal_task_status,
    task_transition,
    timer_transition,
)
from jts_domain.model import Task, TaskStatus, TimerState

S = TaskStatus
_OPEN = [s for s in TaskStatus if s not in {S.COMPLETED, S.CANCELLED}]

#: PRODUCT.md's task table, written out independently of the machine.
TASK_TABLE: dict[str, tuple[list[TaskStatus], TaskStatus]] = {
    "assign": ([S.PENDING, S.ASSIGNED, S.ACCEPTED], S.ASSIGNED),
    "accept": ([S.ASSIGNED], S.ACCEPTED),
    "decline": ([S.ASSIGNED], S.PENDING),
    "start": ([S.ASSIGNED, S.ACCEPTED], S.IN_PROGRESS),
    "pause": ([S.IN_PROGRESS], S.PAUSED),
    "resume": ([S.PAUSED, S.ON_HOLD], S.IN_PROGRESS),
    "hold": ([S.IN_PROGRESS, S.PAUSED], S.ON_HOLD),
    "submit": ([S.IN_PROGRESS, S.PAUSED], S.PENDING_REVIEW),
    "complete": ([S.IN_PROGRESS, S.PAUSED], S.COMPLETED),
    "approve": ([S.PENDING_REVIEW], S.COMPLETED),
    "reject": ([S.PENDING_REVIEW], S.REJECTED),
    "reopen": ([S.REJECTED], S.ASSIGNED),
    "cancel": (_OPEN, S.CANCELLED),
}

T = TimerState
#: The timer table (None: the timer does not exist yet; ``start`` creates it).
TIMER_TABLE: dict[str, tuple[list[TimerState | None], TimerState]] = {
    "start": ([None], T.RUNNING),
    "pause": ([T.RUNNING, T.ON_BREAK], T.PAUSED),
    "resume": ([T.PAUSED], T.RUNNING),
    "start_break": ([T.RUNNING], T.ON_BREAK),
    "end_break": ([T.ON_BREAK], T.RUNNING),
    "stop": ([T.RUNNING, T.PAUSED, T.ON_BREAK], T.STOPPED),
}

triggers_with_junk = st.sampled_from([*TASK_TRIGGERS, "to_COMPLETED", "fly", ""])
timer_triggers_with_junk = st.sampled_from([*TIMER_TRIGGERS, "to_STOPPED", "jump"])


def _expected_task(status: TaskStatus, trigger: str) -> TaskStatus | None:
    sources, dest = TASK_TABLE.get(trigger, ([], status))
    return dest if status in sources else None


def _expected_timer(state: TimerState | None, trigger: str) -> TimerState | None:
    sources, dest = TIMER_TABLE.get(trigger, ([], T.STOPPED))
    return dest if state in sources else None


def _task(status: TaskStatus, *, requires_review: bool) -> Task:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    return Task(
        id=uuid4(),
        organization_id=uuid4(),
        title="t",
        status=status,
        requires_review=requires_review,
        created_at=now,
        status_changed_at=now,
    )


@pytest.mark.parametrize("status", list(TaskStatus))
def test_allowed_task_triggers_are_the_product_table(status: TaskStatus) -> None:
    expected = tuple(t for t in TASK_TRIGGERS if status in TASK_TABLE[t][0])
    assert allowed_task_triggers(status) == expected
    assert tuple(TASK_TABLE) == TASK_TRIGGERS


@pytest.mark.parametrize("state", [None, *TimerState])
def test_allowed_timer_triggers_are_the_table(state: TimerState | None) -> None:
    expected = tuple(t for t in TIMER_TRIGGERS if state in TIMER_TABLE[t][0])
    assert allowed_timer_triggers(state) == expected


def test_terminal_statuses() -> None:
    assert {s for s in TaskStatus if is_terminal_task_status(s)} == {S.COMPLETED, S.CANCELLED}
    assert allowed_timer_triggers(T.STOPPED) == ()


@settings(max_examples=300)
@given(
    start=st.sampled_from(list(TaskStatus)),
    triggers=st.lists(triggers_with_junk, max_size=25),
)
def test_random_task_sequences_follow_the_table(start: TaskStatus, triggers: list[str]) -> None:
    status = start
    for trigger in triggers:
        expected = _expected_task(status, trigger)
        if expected is None:
            with pytest.raises(DomainError) as caught:
                task_transition(status, trigger)
            error = caught.value
            assert error.code is ErrorCode.INVALID_TRANSITION
            assert error.details == {
                "state": status.value,
                "trigger": trigger,
                "allowed": list(allowed_task_triggers(status)),
            }
        else:
            was_terminal = is_terminal_task_status(status)
            status = task_transition(status, trigger)
            assert not was_terminal
            assert status is expected


@settings(max_examples=300)
@given(
    start=st.sampled_from(list(TaskStatus)),
    requires_review=st.booleans(),
    triggers=st.lists(triggers_with_junk, max_size=25),
)
def test_allowed_actions_of_a_task_respect_requires_review(
    start: TaskStatus, requires_review: bool, triggers: list[str]
) -> None:
    status = start
    for trigger in triggers:
        actions = allowed_task_actions(_task(status, requires_review=requires_review))
        assert set(actions) <= set(allowed_task_triggers(status))
        assert ("complete" in actions) == (
            not requires_review and "complete" in allowed_task_triggers(status)
        )
        assert ("submit" in actions) == (
            requires_review and "submit" in allowed_task_triggers(status)
        )
        if trigger in actions:
            expected = _expected_task(status, trigger)
            status = task_transition(status, trigger, requires_review=requires_review)
            assert status is expected
        else:
            with pytest.raises(DomainError) as caught:
                task_transition(status, trigger, requires_review=requires_review)
            assert caught.value.details["allowed"] == list(actions)


@settings(max_examples=300)
@given(triggers=st.lists(timer_triggers_with_junk, max_size=25))
def test_random_timer_sequences_follow_the_table(triggers: list[str]) -> None:
    state: TimerState | None = None
    for trigger in triggers:
        expected = _expected_timer(state, trigger)
        if expected is None:
            with pytest.raises(DomainError) as caught:
                timer_transition(state, trigger)
            assert caught.value.code is ErrorCode.INVALID_TRANSITION
            assert caught.value.details["allowed"] == list(allowed_timer_triggers(state))
            assert caught.value.details["trigger"] == trigger
        else:
            assert state is not T.STOPPED
            state = timer_transition(state, trigger)
            assert state is expected
    if state is T.STOPPED:
        for trigger in TIMER_TRIGGERS:
            with pytest.raises(DomainError):
                timer_transition(T.STOPPED, trigger)
