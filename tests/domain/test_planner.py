"""The planner's ranking, remaining estimates and capacity fit."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import SlaStatus, TaskPriority
from jts_domain.planner import PlanCandidate, plan_date, plan_day
from jts_domain.shifts import business_date
from jts_domain.sla import sla_status
from tests.domain.strategies import PLAN_NOW, candidate_lists, instants, timezones

capacities = st.integers(0, 900)
warnings = st.sampled_from([0, 30, 60, 120])
SLA_ORDER = [SlaStatus.BREACHED, SlaStatus.AT_RISK, SlaStatus.ON_TIME, None]
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _expected_key(candidate: PlanCandidate, warning: int) -> tuple[object, ...]:
    """PRODUCT.md's order, spelled out from the candidate itself."""
    overdue = candidate.due_at is not None and candidate.due_at < PLAN_NOW
    left = max(0.0, candidate.estimated_minutes - candidate.actual_seconds / 60)
    status = sla_status(
        deadline=candidate.sla_deadline,
        completed_at=None,
        now=PLAN_NOW,
        remaining_minutes=left,
        warning_minutes=warning,
    )
    return (
        0 if overdue else 1,
        SLA_ORDER.index(status),
        candidate.priority.rank,
        candidate.due_at or FAR_FUTURE,
        candidate.created_at,
        candidate.task_id,
    )


@given(candidate_lists(), capacities, warnings, st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_input_order(candidates, capacity, warning, rnd):
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    plan = plan_day(candidates, now=PLAN_NOW, capacity_minutes=capacity, warning_minutes=warning)
    again = plan_day(shuffled, now=PLAN_NOW, capacity_minutes=capacity, warning_minutes=warning)
    assert plan == again


@given(candidate_lists(), capacities, warnings)
def test_items_follow_the_product_order_strictly(candidates, capacity, warning):
    plan = plan_day(candidates, now=PLAN_NOW, capacity_minutes=capacity, warning_minutes=warning)
    by_id = {c.task_id: c for c in candidates}
    assert [item.rank for item in plan.items] == list(range(1, len(candidates) + 1))
    assert sorted(item.task_id for item in plan.items) == sorted(by_id)
    keys = [_expected_key(by_id[item.task_id], warning) for item in plan.items]
    assert all(a < b for a, b in pairwise(keys))


@given(candidate_lists(), capacities, warnings)
def test_fit_is_a_cumulative_check_and_overbooked_means_over_capacity(
    candidates, capacity, warning
):
    plan = plan_day(candidates, now=PLAN_NOW, capacity_minutes=capacity, warning_minutes=warning)
    by_id = {c.task_id: c for c in candidates}
    running = 0
    for item in plan.items:
        candidate = by_id[item.task_id]
        left = max(0.0, candidate.estimated_minutes - candidate.actual_seconds / 60)
        assert item.remaining_minutes == math.ceil(left)
        running += item.remaining_minutes
        assert item.fits_in_shift == (running <= capacity)
    fits = [item.fits_in_shift for item in plan.items]
    assert fits == sorted(fits, reverse=True), "the items that fit are a prefix of the plan"
    assert plan.planned_minutes == running
    assert plan.capacity_minutes == capacity
    assert plan.overbooked == (running > capacity)
    assert plan.overbooked == (not all(fits))


@given(candidate_lists(), capacities, warnings)
def test_items_carry_their_flags_and_a_reason(candidates, capacity, warning):
    plan = plan_day(candidates, now=PLAN_NOW, capacity_minutes=capacity, warning_minutes=warning)
    by_id = {c.task_id: c for c in candidates}
    for item in plan.items:
        candidate = by_id[item.task_id]
        overdue = candidate.due_at is not None and candidate.due_at < PLAN_NOW
        assert item.overdue == overdue
        assert item.carried_over == candidate.carried_over
        assert item.reason
        assert item.reason.startswith("overdue since") == overdue
        assert item.reason.endswith("carried over") == candidate.carried_over
        assert (candidate.sla_deadline is None) == (item.sla_status is None)


def _candidate(
    n: int,
    priority: TaskPriority,
    estimate: int,
    *,
    due: datetime | None = None,
    sla: datetime | None = None,
    actual_minutes: float = 0.0,
    created: datetime = PLAN_NOW - timedelta(days=1),
    carried_over: bool = False,
) -> PlanCandidate:
    return PlanCandidate(
        task_id=UUID(int=n),
        priority=priority,
        due_at=due,
        sla_deadline=sla,
        created_at=created,
        estimated_minutes=estimate,
        actual_seconds=actual_minutes * 60,
        carried_over=carried_over,
    )


def test_a_worked_plan_in_kolkata():
    """Now 06:30Z = 12:00 IST; capacity 240 min; SLA warning 60 min. Times below in IST.

    rank task                                            remaining  cumulative  fits
    1  A  MEDIUM, due 09:30 → overdue                       60         60       yes
    2  B  LOW, SLA 12:30, 90 est − 30 done = 60 left;       60        120       yes
          at risk from 12:30 − max(60, 60) = 11:30 ≤ 12:00
    3  G  LOW, SLA 17:30, 30 left: at risk only from 16:30  30        150       yes
          → ON_TIME, still ahead of tasks without an SLA
    4  C  URGENT, nothing else                              45        195       yes
    5  D  MEDIUM, due 16:00, carried over, created earlier  50        245       no
    6  E  MEDIUM, due 16:00, created now; 20 − 0.5 = 19.5   20        265       no
          left → ceil 20
    7  F  LOW, nothing else                                 30        295       no
    planned 295 > 240: overbooked.
    """
    ist = timedelta(hours=5, minutes=30)

    def at(hour: int, minute: int = 0) -> datetime:  # an IST wall time today, in UTC
        return datetime(2026, 3, 2, hour, minute, tzinfo=UTC) - ist

    now = at(12)
    candidates = [
        _candidate(6, TaskPriority.LOW, 30),  # F
        _candidate(5, TaskPriority.MEDIUM, 20, due=at(16), actual_minutes=0.5, created=now),  # E
        _candidate(4, TaskPriority.MEDIUM, 50, due=at(16), carried_over=True),  # D
        _candidate(3, TaskPriority.URGENT, 45),  # C
        _candidate(7, TaskPriority.LOW, 30, sla=at(17, 30)),  # G
        _candidate(2, TaskPriority.LOW, 90, sla=at(12, 30), actual_minutes=30),  # B
        _candidate(1, TaskPriority.MEDIUM, 60, due=at(9, 30)),  # A
    ]
    plan = plan_day(
        candidates, now=now, capacity_minutes=240, warning_minutes=60, timezone="Asia/Kolkata"
    )
    rows = [
        (i.task_id.int, i.remaining_minutes, i.fits_in_shift, i.sla_status, i.reason)
        for i in plan.items
    ]
    assert rows == [
        (1, 60, True, None, "overdue since 09:30"),
        (2, 60, True, SlaStatus.AT_RISK, "SLA at risk, deadline 12:30"),
        (7, 30, True, SlaStatus.ON_TIME, "SLA deadline 17:30"),
        (3, 45, True, None, "urgent priority"),
        (4, 50, False, None, "due 16:00, carried over"),
        (5, 20, False, None, "due 16:00"),
        (6, 30, False, None, "low priority"),
    ]
    assert (plan.planned_minutes, plan.capacity_minutes, plan.overbooked) == (295, 240, True)


def test_a_breached_sla_and_an_overdue_task_from_yesterday():
    """Now 12:00Z. X's SLA deadline was 11:00Z → BREACHED; Y was due yesterday 15:00Z →
    overdue, which outranks any SLA status; its reason shows the date."""
    breached = _candidate(1, TaskPriority.LOW, 10, sla=PLAN_NOW - timedelta(hours=1))
    late = _candidate(2, TaskPriority.LOW, 10, due=PLAN_NOW - timedelta(hours=21))
    plan = plan_day([breached, late], now=PLAN_NOW, capacity_minutes=0, warning_minutes=60)
    assert [(i.task_id.int, i.reason) for i in plan.items] == [
        (2, "overdue since 2026-03-01 15:00"),
        (1, "SLA breached at 11:00"),
    ]
    assert plan.overbooked
    assert not any(i.fits_in_shift for i in plan.items)


def test_an_empty_plan_is_not_overbooked():
    plan = plan_day([], now=PLAN_NOW, capacity_minutes=0, warning_minutes=60)
    assert (plan.planned_minutes, plan.overbooked, plan.items) == (0, False, ())


def test_a_task_listed_twice_is_a_validation_error():
    twice = [_candidate(1, TaskPriority.LOW, 10), _candidate(1, TaskPriority.HIGH, 20)]
    with pytest.raises(DomainError) as caught:
        plan_day(twice, now=PLAN_NOW, capacity_minutes=60, warning_minutes=60)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


@given(st.none() | st.dates(), st.none() | instants, instants, timezones)
def test_the_plan_date_is_planned_else_due_else_created(
    planned: date | None, due_at: datetime | None, created_at: datetime, timezone: str
) -> None:
    day = plan_date(planned, due_at, created_at, timezone)
    if planned is not None:
        assert day == planned
    elif due_at is not None:
        assert day == business_date(due_at, timezone)
    else:
        assert day == business_date(created_at, timezone)
