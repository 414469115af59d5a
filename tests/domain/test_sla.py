"""SLA status and remaining estimate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jts_domain.model import SlaStatus
from jts_domain.sla import remaining_minutes, sla_status
from tests.domain.strategies import instants, spans

DEADLINE = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
OPEN_ORDER = [SlaStatus.ON_TIME, SlaStatus.AT_RISK, SlaStatus.BREACHED]
US = timedelta(microseconds=1)

remaining = st.floats(min_value=0, max_value=24 * 60, allow_nan=False)
warnings = st.integers(0, 24 * 60)
offsets = st.integers(-3 * 24 * 3600 * 10**6, 3 * 24 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)


def _open(now: datetime, remaining_minutes: float = 0.0, warning: int = 60) -> SlaStatus | None:
    return sla_status(
        deadline=DEADLINE,
        completed_at=None,
        now=now,
        remaining_minutes=remaining_minutes,
        warning_minutes=warning,
    )


@given(offsets, offsets, remaining, warnings)
def test_an_open_task_only_moves_towards_breach_as_time_passes(a, b, left, warning):
    """ON_TIME → AT_RISK → BREACHED, never back, for fixed remaining work."""
    earlier, later = sorted((DEADLINE + a, DEADLINE + b))
    first, second = _open(earlier, left, warning), _open(later, left, warning)
    assert first in OPEN_ORDER
    assert second in OPEN_ORDER
    assert OPEN_ORDER.index(first) <= OPEN_ORDER.index(second)


@given(st.integers(0, 600), warnings)
def test_at_risk_starts_at_the_deadline_less_the_larger_of_warning_and_remaining(left, warning):
    start = DEADLINE - timedelta(minutes=max(left, warning))
    assert _open(start - US, left, warning) is SlaStatus.ON_TIME
    assert _open(start, left, warning) is SlaStatus.AT_RISK
    assert _open(DEADLINE, left, warning) is SlaStatus.AT_RISK
    assert _open(DEADLINE + US, left, warning) is SlaStatus.BREACHED


@given(instants, instants, remaining, warnings)
def test_a_completed_task_is_met_iff_completed_by_the_deadline(completed_at, now, left, warning):
    status = sla_status(
        deadline=DEADLINE,
        completed_at=completed_at,
        now=now,
        remaining_minutes=left,
        warning_minutes=warning,
    )
    assert status is (SlaStatus.MET if completed_at <= DEADLINE else SlaStatus.BREACHED)


@given(st.none() | instants, instants, remaining, warnings)
def test_no_deadline_means_no_status(completed_at, now, left, warning):
    assert (
        sla_status(
            deadline=None,
            completed_at=completed_at,
            now=now,
            remaining_minutes=left,
            warning_minutes=warning,
        )
        is None
    )


@given(st.integers(0, 600), st.floats(0, 50_000, allow_nan=False), spans)
def test_remaining_is_between_zero_and_the_estimate_and_shrinks_with_work(estimate, done, more):
    now_left = remaining_minutes(estimate, done)
    later_left = remaining_minutes(estimate, done + more.total_seconds())
    assert 0 <= later_left <= now_left <= estimate
    if done / 60 <= estimate:
        assert now_left == estimate - done / 60


def test_a_worked_sla_example():
    """Deadline 17:00, warning window 60 min, 2 h of work left: at risk from
    17:00 - max(60, 120) min = 15:00. With 30 min left it would be 17:00 - 60 = 16:00."""
    two_hours_left = remaining_minutes(180, 60 * 60)  # 180 - 60 = 120 min
    assert two_hours_left == 120
    assert _open(datetime(2026, 3, 2, 14, 59, tzinfo=UTC), two_hours_left) is SlaStatus.ON_TIME
    assert _open(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), two_hours_left) is SlaStatus.AT_RISK
    assert _open(datetime(2026, 3, 2, 15, 30, tzinfo=UTC), 30) is SlaStatus.ON_TIME
    assert _open(datetime(2026, 3, 2, 16, 0, tzinfo=UTC), 30) is SlaStatus.AT_RISK
    assert _open(datetime(2026, 3, 2, 17, 1, tzinfo=UTC), 30) is SlaStatus.BREACHED
