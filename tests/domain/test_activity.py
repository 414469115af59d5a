"""Activity tracking's calculators: the span union, productivity, idle spells, intake, months."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from jts_domain.activity.intake import first_occurrences, refusal
from jts_domain.activity.model import ActivityItem, ActivityKind, RejectionReason, TimerActivity
from jts_domain.activity.months import add_months, month_of, month_plan
from jts_domain.activity.rules import idle_spell, productivity
from jts_domain.activity.spans import (
    Span,
    activity_time,
    covered,
    heartbeat_spans,
    idle_time,
    length,
    merge,
    running_windows,
)
from jts_domain.model import TimerInterval, TimerState
from tests.domain.strategies import ACTIVITY_T0, activity_timers, heartbeat_lists, heartbeat_pairs

_ZERO = timedelta(0)


def _running_total(intervals: list[TimerInterval], until: datetime) -> timedelta:
    return sum((end - start for start, end in running_windows(intervals, until)), _ZERO)


def _by_the_second(beats: list[tuple[datetime, int]], windows: list[Span]) -> timedelta:
    """A naive oracle: a microsecond grid is too fine, so count the covered seconds of the
    whole-second heartbeats and clip the windows exactly around them."""
    seconds = {b + timedelta(seconds=k) for b, n in beats for k in range(n)}
    return sum(
        (covered([(s, s + timedelta(seconds=1))], windows) for s in seconds),
        _ZERO,
    )


@given(heartbeat_lists, activity_timers())
def test_activity_never_exceeds_the_timers_running_time(beats, timer):
    intervals, until = timer
    result = activity_time(beats, intervals, until)
    assert _ZERO <= result <= _running_total(intervals, until)
    assert result <= sum((timedelta(seconds=s) for _, s in beats), _ZERO)


@given(heartbeat_lists, activity_timers())
def test_activity_agrees_with_counting_second_by_second(beats, timer):
    intervals, until = timer
    windows = running_windows(intervals, until)
    assert activity_time(beats, intervals, until) == _by_the_second(beats, windows)


@given(heartbeat_lists, activity_timers(), st.randoms(use_true_random=False))
def test_duplicating_and_reordering_heartbeats_changes_nothing(beats, timer, rng):
    intervals, until = timer
    shuffled = beats + beats[: len(beats) // 2]
    rng.shuffle(shuffled)
    assert activity_time(shuffled, intervals, until) == activity_time(beats, intervals, until)


@given(heartbeat_lists, activity_timers(), st.data())
def test_splitting_a_heartbeat_changes_nothing(beats, timer, data):
    intervals, until = timer
    split: list[tuple[datetime, int]] = []
    for at, seconds in beats:
        if seconds > 1 and data.draw(st.booleans()):
            cut = data.draw(st.integers(1, seconds - 1))
            split += [(at, cut), (at + timedelta(seconds=cut), seconds - cut)]
        else:
            split.append((at, seconds))
    assert activity_time(split, intervals, until) == activity_time(beats, intervals, until)


@given(heartbeat_lists, heartbeat_lists, activity_timers())
def test_activity_adds_up_over_disjoint_spans(first, second, timer):
    """Heartbeats whose spans do not meet count the sum of what each set counts alone."""
    intervals, until = timer
    shift = timedelta(hours=5)  # every span of `first` ends before any of the moved `second`
    moved = [(at + shift, s) for at, s in second]
    long_timer = [
        *intervals[:-1],
        TimerInterval(state=TimerState.RUNNING, started_at=ACTIVITY_T0 - timedelta(hours=1)),
    ]
    both = activity_time(first + moved, long_timer, until + 2 * shift)
    alone = activity_time(first, long_timer, until + 2 * shift) + activity_time(
        moved, long_timer, until + 2 * shift
    )
    assert both == alone


@given(heartbeat_lists, activity_timers(), st.integers(0, 8))
def test_activity_adds_up_over_disjoint_running_intervals(beats, timer, cut):
    """Clipping to part of the timer's intervals and to the rest adds up to the whole."""
    intervals, until = timer
    windows = running_windows(intervals, until)
    cut = min(cut, len(windows))
    spans = heartbeat_spans(beats)
    assert covered(spans, windows[:cut]) + covered(spans, windows[cut:]) == covered(spans, windows)


@given(heartbeat_lists, heartbeat_lists, activity_timers())
def test_idle_time_is_what_idle_adds_outside_activity(idle, active, timer):
    intervals, until = timer
    spent = idle_time(idle, active, intervals, until)
    windows = running_windows(intervals, until)
    assert _ZERO <= spent <= covered(heartbeat_spans(idle), windows)
    assert spent + activity_time(active, intervals, until) <= _running_total(intervals, until)


@given(st.lists(st.tuples(heartbeat_pairs), max_size=30))
def test_merge_gives_disjoint_ordered_spans_of_the_same_length(pairs):
    spans = heartbeat_spans([p for (p,) in pairs])
    merged = merge(spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert length(merged) == length(spans) <= sum((e - s for s, e in spans), _ZERO)


def test_overlaps_and_repeats_count_once_clipped_to_running_time():
    t0 = ACTIVITY_T0
    intervals = [
        TimerInterval(state=TimerState.RUNNING, started_at=t0, ended_at=t0 + timedelta(minutes=2)),
        TimerInterval(
            state=TimerState.PAUSED,
            started_at=t0 + timedelta(minutes=2),
            ended_at=t0 + timedelta(minutes=3),
        ),
        TimerInterval(state=TimerState.RUNNING, started_at=t0 + timedelta(minutes=3)),
    ]
    beats = [
        (t0 - timedelta(seconds=30), 60),  # 30 s before the start: half counts
        (t0 + timedelta(seconds=20), 30),  # overlaps the first by 10 s: 20 s more
        (t0 + timedelta(seconds=20), 30),  # repeated: nothing more
        (t0 + timedelta(seconds=100), 60),  # 20 s running, 40 s into the pause
        (t0 + timedelta(minutes=3, seconds=50), 600),  # until `until` only
    ]
    until = t0 + timedelta(minutes=4)
    assert activity_time(beats, intervals, until) == timedelta(seconds=30 + 20 + 20 + 10)


def test_productivity_is_active_over_tracked_time_to_two_decimals():
    assert productivity(1, 3) == Decimal("33.33")
    assert productivity(2, 3) == Decimal("66.67")
    assert productivity(3600, 3600) == Decimal("100.00")
    assert productivity(0, 10) == Decimal("0.00")
    assert productivity(0, 0) is None


@given(st.floats(0, 10**6), st.floats(0, 10**6))
def test_productivity_stays_between_0_and_100(active, tracked):
    value = productivity(min(active, tracked), tracked)
    assert value is None if tracked == 0 else Decimal(0) <= value <= Decimal(100)


def _timer(**kw: object) -> TimerActivity:
    values: dict[str, object] = {
        "timer_id": UUID(int=1),
        "employee_id": UUID(int=2),
        "task_id": UUID(int=3),
        "state": "RUNNING",
        "state_since": ACTIVITY_T0,
        "tracked": True,
        "last_active_end": None,
        **kw,
    }
    return TimerActivity(**values)  # type: ignore[arg-type]


def test_idle_spells_start_at_the_last_activity_or_the_current_interval():
    five = timedelta(minutes=5)
    later = ACTIVITY_T0 + timedelta(minutes=20)
    assert idle_spell(_timer(), ACTIVITY_T0 + five, five) == ACTIVITY_T0
    assert idle_spell(_timer(), ACTIVITY_T0 + five - timedelta(microseconds=1), five) is None
    resumed = _timer(state_since=later, last_active_end=ACTIVITY_T0)
    assert idle_spell(resumed, later + five, five) == later
    assert idle_spell(_timer(tracked=False), later, five) is None
    assert idle_spell(_timer(state="PAUSED"), later, five) is None
    assert idle_spell(_timer(state="ON_BREAK"), later, five) is None


def _item(client_id: str | None = "c-1", **kw: object) -> ActivityItem:
    values: dict[str, object] = {
        "client_id": client_id,
        "at": ACTIVITY_T0,
        "kind": ActivityKind.ACTIVE,
        "seconds": 30,
        **kw,
    }
    return ActivityItem(**values)  # type: ignore[arg-type]


def test_intake_refuses_what_cannot_be_stored_and_what_is_out_of_window():
    now, week = ACTIVITY_T0, timedelta(days=7)
    cases = {
        "no client id": (_item(None), RejectionReason.INVALID),
        "long client id": (_item("x" * 256), RejectionReason.INVALID),
        "NUL in title": (_item(title="a\x00b"), RejectionReason.INVALID),
        "lone surrogate": (_item(app="\ud800"), RejectionReason.INVALID),
        "zero seconds": (_item(seconds=0), RejectionReason.INVALID),
        "601 seconds": (_item(seconds=601), RejectionReason.INVALID),
        "naive at": (_item(at=datetime(2026, 3, 2, 9, 0)), RejectionReason.INVALID),  # noqa: DTZ001
        "8 days old": (_item(at=now - timedelta(days=8)), RejectionReason.TOO_OLD),
        "3 minutes ahead": (_item(at=now + timedelta(minutes=3)), RejectionReason.IN_FUTURE),
    }
    for name, (item, reason) in cases.items():
        refused = refusal(item, now, week)
        assert refused is not None, name
        assert refused.reason is reason, name
    for fine in (
        _item("x" * 255, seconds=600),
        _item(at=now - week + timedelta(seconds=1)),
        _item(at=now + timedelta(minutes=2)),
    ):
        assert refusal(fine, now, week) is None


def test_the_first_item_of_a_client_id_wins_within_a_batch():
    items = [_item("a"), _item("b"), _item("a", seconds=60), _item(None), _item(None), _item("b")]
    kept, repeats = first_occurrences(items)
    assert (kept, repeats) == ([0, 1, 3, 4], {2, 5})


def test_month_arithmetic_and_the_maintenance_plan():
    assert month_of(datetime(2026, 1, 1, 0, 0, tzinfo=UTC) - timedelta(microseconds=1)) == date(
        2025, 12, 1
    )
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    plan = month_plan([], datetime(2026, 11, 15, tzinfo=UTC), [])
    assert plan.create == tuple(
        date(y, m, 1) for y, m in ((2026, 11), (2026, 12), (2027, 1), (2027, 2))
    )
    assert plan.drop == ()
    everything = [add_months(date(2024, 1, 1), n) for n in range(40)]
    plan = month_plan(everything, datetime(2026, 3, 2, tzinfo=UTC), [13])
    assert plan.create == ()
    assert plan.drop == tuple(add_months(date(2024, 1, 1), n) for n in range(13))  # up to 2025-01
