"""Timer interval arithmetic: durations derived from intervals, exact to the microsecond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import TimerInterval, TimerState
from jts_domain.timeline import (
    Durations,
    durations,
    ended_running_time,
    switch_interval,
)
from tests.domain.strategies import instants, running_timers, spans, stopped_timers, timer_states

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@given(st.lists(st.tuples(timer_states, spans), min_size=1, max_size=12), instants)
def test_a_stopped_timer_adds_up_to_its_wall_time(steps, started_at):
    """Built through switch_interval, as the lifecycle does: active + pause + break == t - start."""
    intervals: list[TimerInterval] = []
    at = started_at
    for state, span in steps:
        intervals = switch_interval(intervals, state, at)
        at += span
    intervals = switch_interval(intervals, TimerState.STOPPED, at)

    assert all(interval.ended_at is not None for interval in intervals)
    result = durations(intervals, until=at + timedelta(days=3))  # `until` is moot once stopped
    assert result.active + result.pause + result.break_ == at - started_at
    assert result.total == at - started_at


@given(stopped_timers())
def test_each_state_sums_its_own_intervals(timer):
    intervals, _, _ = timer
    result = durations(intervals, until=T0)

    def sum_of(state: TimerState) -> timedelta:
        return sum(
            (i.ended_at - i.started_at for i in intervals if i.state is state and i.ended_at),
            timedelta(0),
        )

    assert result == Durations(
        active=sum_of(TimerState.RUNNING),
        pause=sum_of(TimerState.PAUSED),
        break_=sum_of(TimerState.ON_BREAK),
    )


@given(running_timers(), spans)
def test_an_open_interval_counts_until_the_given_instant(timer, extra):
    intervals, started_at = timer
    until = intervals[-1].started_at + extra
    before = durations(intervals, until=intervals[-1].started_at)
    after = durations(intervals, until=until)

    assert after.total == until - started_at
    grown = {
        TimerState.RUNNING: "active",
        TimerState.PAUSED: "pause",
        TimerState.ON_BREAK: "break_",
    }
    name = grown[intervals[-1].state]
    assert getattr(after, name) - getattr(before, name) == extra


@given(running_timers(), timer_states, spans)
def test_switching_closes_the_open_interval_and_opens_the_next(timer, state, wait):
    intervals, _ = timer
    at = intervals[-1].started_at + wait
    switched = switch_interval(intervals, state, at)

    assert switched[: len(intervals) - 1] == intervals[:-1]
    assert switched[len(intervals) - 1] == TimerInterval(
        state=intervals[-1].state, started_at=intervals[-1].started_at, ended_at=at
    )
    assert switched[-1] == TimerInterval(state=state, started_at=at)
    assert intervals[-1].ended_at is None, "the input list is left alone"


@given(running_timers(), spans)
def test_stopping_only_closes(timer, wait):
    intervals, _ = timer
    at = intervals[-1].started_at + wait
    stopped = switch_interval(intervals, TimerState.STOPPED, at)
    assert len(stopped) == len(intervals)
    assert stopped[-1].ended_at == at


@given(running_timers(), st.integers(1, 10**9).map(lambda us: timedelta(microseconds=us)))
def test_switching_before_the_open_interval_started_is_rejected(timer, early):
    intervals, _ = timer
    with pytest.raises(DomainError) as caught:
        switch_interval(intervals, TimerState.PAUSED, intervals[-1].started_at - early)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


def test_stopping_a_timer_with_nothing_open_is_rejected():
    closed = [TimerInterval(state=TimerState.RUNNING, started_at=T0, ended_at=T0 + _minutes(5))]
    with pytest.raises(DomainError) as caught:
        switch_interval(closed, TimerState.STOPPED, T0 + _minutes(10))
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


def test_starting_a_timer_opens_its_first_interval():
    assert switch_interval([], TimerState.RUNNING, T0) == [
        TimerInterval(state=TimerState.RUNNING, started_at=T0)
    ]


@given(stopped_timers())
def test_a_stopped_timers_ended_running_time_is_its_active_time(timer):
    intervals, _, stopped_at = timer
    assert ended_running_time(intervals) == durations(intervals, stopped_at).active


@given(running_timers(), spans)
def test_an_open_interval_counts_only_once_it_ends(timer, extra):
    """Reading later never changes the result while the last interval is open."""
    intervals, _ = timer
    open_interval = intervals[-1]
    until = open_interval.started_at + extra
    counted = ended_running_time(intervals)

    assert counted == ended_running_time(intervals[:-1])
    assert counted <= durations(intervals, until).active
    if open_interval.state is TimerState.RUNNING:
        assert durations(intervals, until).active - counted == extra


def test_a_worked_timer_example():
    """09:00 start, pause 09:25-09:30, break 10:00-10:15, running again until 10:40 stop.

    active = 25 + 30 + 25 = 80 min, pause = 5 min, break = 15 min; 80 + 5 + 15 = 100 min
    = 10:40 - 09:00, and all 80 active minutes have ended.
    """
    intervals: list[TimerInterval] = []
    for state, minute in [
        (TimerState.RUNNING, 0),
        (TimerState.PAUSED, 25),
        (TimerState.RUNNING, 30),
        (TimerState.ON_BREAK, 60),
        (TimerState.RUNNING, 75),
        (TimerState.STOPPED, 100),
    ]:
        intervals = switch_interval(intervals, state, T0 + _minutes(minute))

    result = durations(intervals, until=T0 + _minutes(500))
    assert result == Durations(active=_minutes(80), pause=_minutes(5), break_=_minutes(15))
    assert result.total == _minutes(100)
    assert ended_running_time(intervals) == _minutes(80)


def test_a_running_timer_counts_until_now():
    """Running since 09:00, paused at 09:10, running again at 09:12; at 09:20.5 active is
    10 + 8.5 = 18.5 min and pause 2 min; only the 10 min before the pause have ended."""
    intervals: list[TimerInterval] = []
    for state, minute in [
        (TimerState.RUNNING, 0),
        (TimerState.PAUSED, 10),
        (TimerState.RUNNING, 12),
    ]:
        intervals = switch_interval(intervals, state, T0 + _minutes(minute))
    now = T0 + _minutes(20.5)

    result = durations(intervals, until=now)
    assert (result.active, result.pause, result.break_) == (
        _minutes(18.5),
        _minutes(2),
        _minutes(0),
    )
    assert ended_running_time(intervals) == _minutes(10)
