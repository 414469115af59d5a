"""Hypothesis strategies shared by the domain calculator tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID
from zoneinfo import available_timezones

from hypothesis import strategies as st

from jts_domain.assignment import AssignableTask, AssigneeCapacity
from jts_domain.login_throttle import LoginThrottle
from jts_domain.model import (
    JobCategory,
    ScoreInputs,
    ScoreWeights,
    TaskPriority,
    TimerInterval,
    TimerState,
)
from jts_domain.planner import PlanCandidate

ALL_TIMEZONES = sorted(available_timezones())

# Zones whose daylight-saving shifts are whole hours and never jump over midnight to
# another date, so a local day lasts 23, 24 or 25 hours (America/Santiago changes at 24:00).
ONE_HOUR_DST_TIMEZONES = [
    "UTC",
    "Asia/Kolkata",
    "America/New_York",
    "America/Los_Angeles",
    "America/Santiago",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Pacific/Auckland",
]

timezones = st.sampled_from(ALL_TIMEZONES)
one_hour_dst_timezones = st.sampled_from(ONE_HOUR_DST_TIMEZONES)

# Recent and near-future dates: the rules of today's zones, with some history mixed in.
local_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))

instants = st.datetimes(
    min_value=datetime(1990, 1, 2),  # noqa: DTZ001 -- hypothesis bounds are naive by contract
    max_value=datetime(2060, 12, 30),  # noqa: DTZ001 -- same
    timezones=st.just(UTC),
)
"""Timezone-aware UTC instants, microsecond precision."""

wall_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
"""Naive wall-clock times on whole minutes, as shift templates hold them."""

spans = st.integers(min_value=0, max_value=12 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)
"""Non-negative durations up to 12 hours, microsecond precision."""

timer_states = st.sampled_from([TimerState.RUNNING, TimerState.PAUSED, TimerState.ON_BREAK])


@st.composite
def stopped_timers(draw: st.DrawFn) -> tuple[list[TimerInterval], datetime, datetime]:
    """Contiguous closed intervals of a stopped timer: ``(intervals, started_at, stopped_at)``."""
    started_at = draw(instants)
    steps = draw(st.lists(st.tuples(timer_states, spans), min_size=1, max_size=12))
    intervals: list[TimerInterval] = []
    at = started_at
    for state, span in steps:
        intervals.append(TimerInterval(state=state, started_at=at, ended_at=at + span))
        at += span
    return intervals, started_at, at


@st.composite
def running_timers(draw: st.DrawFn) -> tuple[list[TimerInterval], datetime]:
    """Contiguous intervals whose last one is open: ``(intervals, started_at)``."""
    intervals, started_at, stopped_at = draw(stopped_timers())
    state = draw(timer_states)
    return [*intervals, TimerInterval(state=state, started_at=stopped_at)], started_at


latitudes = st.floats(min_value=-90.0, max_value=90.0, allow_nan=False)
longitudes = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
points = st.tuples(latitudes, longitudes)


@st.composite
def score_inputs(draw: st.DrawFn) -> ScoreInputs:
    """Inputs that real tasks could produce (no part larger than its whole)."""
    relevant = draw(st.integers(0, 12))
    completed = draw(st.integers(0, relevant))
    sla_tasks = draw(st.integers(0, 8))
    approved = draw(st.integers(0, 8))
    return ScoreInputs(
        employee_id=UUID(int=1),
        business_date=date(2026, 3, 2),
        relevant_tasks=relevant,
        completed_tasks=completed,
        completed_on_time=draw(st.integers(0, completed)),
        rostered=draw(st.booleans()),
        capacity_minutes=draw(st.integers(0, 720)),
        active_seconds=draw(st.floats(min_value=0, max_value=15 * 3600, allow_nan=False)),
        sla_tasks=sla_tasks,
        sla_met=draw(st.integers(0, sla_tasks)),
        approved_tasks=approved,
        quality_sum=draw(st.integers(approved, 5 * approved)),
    )


def weight_values(*, positive: bool = True) -> st.SearchStrategy[Decimal]:
    """Weights with two decimals, as an organization would set them."""
    low = Decimal("0.01") if positive else Decimal(0)
    return st.decimals(min_value=low, max_value=Decimal(1), places=2)


@st.composite
def score_weights(draw: st.DrawFn, *, positive: bool = True) -> ScoreWeights:
    """Any weights (all positive unless ``positive`` is False)."""
    w = weight_values(positive=positive)
    return ScoreWeights(
        completion=draw(w),
        timeliness=draw(w),
        utilization=draw(w),
        sla=draw(w),
        quality=draw(w),
    )


priorities = st.sampled_from(list(TaskPriority))
PLAN_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
near_plan_now = st.integers(-6 * 60, 6 * 60).map(lambda m: PLAN_NOW + timedelta(minutes=m))
"""Instants within six hours of :data:`PLAN_NOW`, on whole minutes (so ties happen)."""


@st.composite
def plan_candidates(draw: st.DrawFn, task_id: UUID) -> PlanCandidate:
    """A candidate with values drawn from small sets, so sort keys often tie."""
    return PlanCandidate(
        task_id=task_id,
        priority=draw(priorities),
        due_at=draw(st.none() | near_plan_now),
        sla_deadline=draw(st.none() | near_plan_now),
        created_at=draw(st.sampled_from([PLAN_NOW - timedelta(days=1), PLAN_NOW])),
        estimated_minutes=draw(st.integers(0, 240)),
        actual_seconds=draw(st.floats(min_value=0, max_value=4 * 3600, allow_nan=False)),
        carried_over=draw(st.booleans()),
    )


small_ids = st.integers(1, 40).map(lambda n: UUID(int=n))


@st.composite
def candidate_lists(draw: st.DrawFn, max_size: int = 10) -> list[PlanCandidate]:
    """Candidates with distinct task ids."""
    ids = draw(st.lists(small_ids, unique=True, max_size=max_size))
    return [draw(plan_candidates(task_id)) for task_id in ids]


categories = st.none() | st.sampled_from([JobCategory.SALES, JobCategory.LAB])
STORES = [UUID(int=100), UUID(int=101)]
stores = st.none() | st.sampled_from(STORES)


@st.composite
def assignable_tasks(draw: st.DrawFn, max_size: int = 12) -> list[AssignableTask]:
    """Unassigned tasks with distinct ids and estimates that often tie."""
    ids = draw(st.lists(small_ids, unique=True, max_size=max_size))
    return [
        AssignableTask(
            task_id=task_id,
            estimated_minutes=draw(st.sampled_from([0, 30, 60, 90, 120, 240])),
            job_category=draw(categories),
            store_id=draw(stores),
        )
        for task_id in ids
    ]


@st.composite
def assignees(draw: st.DrawFn, max_size: int = 6) -> list[AssigneeCapacity]:
    """Employees on shift with distinct ids; some already over capacity."""
    ids = draw(st.lists(small_ids, unique=True, max_size=max_size))
    return [
        AssigneeCapacity(
            employee_id=employee_id,
            job_category=draw(categories),
            store_id=draw(stores),
            capacity_minutes=draw(st.sampled_from([0, 240, 420, 480])),
            planned_minutes=draw(st.sampled_from([0, 60, 120, 300, 500])),
        )
        for employee_id in ids
    ]


# -- activity tracking --------------------------------------------------------------------

ACTIVITY_T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

heartbeat_pairs = st.tuples(
    st.integers(0, 4 * 3600).map(lambda s: ACTIVITY_T0 + timedelta(seconds=s)),
    st.integers(1, 600),
)
"""``(at, seconds)`` heartbeats within four hours of :data:`ACTIVITY_T0`, on whole seconds
(so they overlap, touch and repeat often)."""

heartbeat_lists = st.lists(heartbeat_pairs, max_size=40)


@st.composite
def activity_timers(draw: st.DrawFn) -> tuple[list[TimerInterval], datetime]:
    """A timer around the heartbeats: contiguous intervals from about :data:`ACTIVITY_T0`
    (microsecond boundaries), the last one open or not; ``(intervals, until)``."""
    at = ACTIVITY_T0 - timedelta(microseconds=draw(st.integers(0, 600 * 10**6)))
    intervals: list[TimerInterval] = []
    for state, span in draw(st.lists(st.tuples(timer_states, spans), min_size=1, max_size=8)):
        intervals.append(TimerInterval(state=state, started_at=at, ended_at=at + span / 3))
        at += span / 3
    if draw(st.booleans()):
        last = intervals[-1]
        intervals[-1] = TimerInterval(state=last.state, started_at=last.started_at)
    until = at + timedelta(microseconds=draw(st.integers(0, 3600 * 10**6)))
    return intervals, until


# --- jobs to do -------------------------------------------------------------------------


@st.composite
def job_moves(draw: st.DrawFn) -> tuple[str, list[tuple[str, timedelta]]]:
    """An event type and moves of one of its jobs: (any status of the type, the time
    since the previous change), in the flow or not."""
    from jts_domain.jtd.catalog import CATALOG

    event_type = draw(st.sampled_from(sorted(CATALOG.event_types)))
    statuses = [s.code for s in CATALOG.event_type(event_type).statuses]
    gaps = st.integers(min_value=0, max_value=7 * 24 * 3600 * 1_000_000).map(
        lambda us: timedelta(microseconds=us)
    )
    moves = draw(st.lists(st.tuples(st.sampled_from(statuses), gaps), max_size=30))
    return event_type, moves


@st.composite
def jtd_tenants(draw: st.DrawFn) -> tuple[dict[str, bool], tuple[str, ...] | None]:
    """Channels a tenant has on, and a source override's channel list (or none)."""
    from jts_domain.jtd.catalog import CATALOG

    codes = list(CATALOG.channels)
    enabled = {code: draw(st.booleans()) for code in codes}
    override = draw(st.none() | st.lists(st.sampled_from(codes), unique=True).map(tuple))
    return enabled, override


# delivery: outcomes a scripted sender answers with, in order
send_outcomes = st.lists(st.sampled_from(["ok", "fail", "refuse"]), min_size=1, max_size=8)
# --- signing in --------------------------------------------------------------------------


@st.composite
def login_throttles(draw: st.DrawFn) -> LoginThrottle:
    """Throttle policies: 1–10 attempts, windows and lockouts of a minute to a day."""
    return LoginThrottle(
        failures_allowed=draw(st.integers(1, 10)),
        window=timedelta(minutes=draw(st.integers(1, 24 * 60))),
        lockout=timedelta(minutes=draw(st.integers(1, 24 * 60))),
    )


@st.composite
def attempt_times(draw: st.DrawFn, start: datetime) -> list[datetime]:
    """Non-decreasing sign-in attempt instants from ``start``: bursts and pauses."""
    gaps = draw(st.lists(st.integers(0, 40 * 60), max_size=60))
    times, now = [], start
    for gap in gaps:
        now += timedelta(seconds=gap)
        times.append(now)
    return times


# --- operations: retention periods, export cells ----------------------------------------
retention_days = st.integers(min_value=1, max_value=3650)
durations_micro = st.integers(min_value=0, max_value=400 * 24 * 3600 * 10**6).map(
    lambda n: timedelta(microseconds=n)
)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 30
)
