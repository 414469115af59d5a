"""Workload levels: each dimension against its thresholds, overall the highest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import WorkloadLevel, WorkloadThresholds
from jts_domain.workload import assess_workload, level_for

counts = st.integers(0, 40)


@st.composite
def bounds(draw: st.DrawFn) -> tuple[int, int, int]:
    low, moderate, high = sorted(draw(st.lists(st.integers(0, 30), min_size=3, max_size=3)))
    return low, moderate, high


thresholds = st.builds(WorkloadThresholds, pending=bounds(), urgent=bounds(), overdue=bounds())


@given(counts, counts, bounds())
def test_a_level_never_drops_as_the_count_grows(a, b, limits):
    fewer, more = sorted((a, b))
    assert level_for(fewer, limits).order <= level_for(more, limits).order


@given(bounds())
def test_each_bound_is_the_last_count_of_its_level(limits):
    """The bounds are inclusive upper bounds of LOW, MODERATE, HIGH; above them, CRITICAL."""
    low, moderate, high = limits
    assert level_for(low, limits) is WorkloadLevel.LOW
    assert level_for(high + 1, limits) is WorkloadLevel.CRITICAL
    if moderate > low:
        assert level_for(low + 1, limits) is WorkloadLevel.MODERATE
        assert level_for(moderate, limits) is WorkloadLevel.MODERATE
    if high > moderate:
        assert level_for(moderate + 1, limits) is WorkloadLevel.HIGH
        assert level_for(high, limits) is WorkloadLevel.HIGH


@given(counts, counts, counts, thresholds)
def test_the_overall_level_is_the_highest_dimension(pending, urgent, overdue, limits):
    result = assess_workload(pending=pending, urgent=urgent, overdue=overdue, thresholds=limits)
    parts = [result.pending_level, result.urgent_level, result.overdue_level]
    assert result.level.order == max(level.order for level in parts)
    assert result.level in parts
    assert (result.pending, result.urgent, result.overdue) == (pending, urgent, overdue)


@given(counts, counts, counts, st.sampled_from(["pending", "urgent", "overdue"]), thresholds)
def test_the_overall_level_never_drops_when_any_count_grows(
    pending, urgent, overdue, which, limits
):
    before = {"pending": pending, "urgent": urgent, "overdue": overdue}
    after = {**before, which: before[which] + 1}
    a = assess_workload(**before, thresholds=limits)
    b = assess_workload(**after, thresholds=limits)
    assert a.level.order <= b.level.order


@pytest.mark.parametrize(
    ("count", "pending", "urgent", "overdue"),
    [
        (0, "LOW", "LOW", "LOW"),
        (1, "LOW", "LOW", "LOW"),
        (2, "LOW", "LOW", "MODERATE"),
        (3, "LOW", "MODERATE", "HIGH"),
        (4, "LOW", "HIGH", "CRITICAL"),
        (5, "LOW", "HIGH", "CRITICAL"),
        (6, "LOW", "CRITICAL", "CRITICAL"),
        (10, "LOW", "CRITICAL", "CRITICAL"),
        (11, "MODERATE", "CRITICAL", "CRITICAL"),
        (15, "MODERATE", "CRITICAL", "CRITICAL"),
        (16, "HIGH", "CRITICAL", "CRITICAL"),
        (20, "HIGH", "CRITICAL", "CRITICAL"),
        (21, "CRITICAL", "CRITICAL", "CRITICAL"),
    ],
)
def test_product_table_with_default_thresholds(count, pending, urgent, overdue):
    """PRODUCT.md: pending ≤10 / 11-15 / 16-20 / >20; urgent ≤2 / 3 / 4-5 / >5;
    overdue ≤1 / 2 / 3 / >3."""
    defaults = WorkloadThresholds()
    assert level_for(count, defaults.pending) is WorkloadLevel(pending)
    assert level_for(count, defaults.urgent) is WorkloadLevel(urgent)
    assert level_for(count, defaults.overdue) is WorkloadLevel(overdue)


def test_a_worked_assessment():
    """12 pending (MODERATE), 1 urgent (LOW), 3 overdue (HIGH): overall HIGH."""
    result = assess_workload(pending=12, urgent=1, overdue=3, thresholds=WorkloadThresholds())
    assert (result.pending_level, result.urgent_level, result.overdue_level) == (
        WorkloadLevel.MODERATE,
        WorkloadLevel.LOW,
        WorkloadLevel.HIGH,
    )
    assert result.level is WorkloadLevel.HIGH


@pytest.mark.parametrize(("count", "limits"), [(-1, (10, 15, 20)), (3, (10, 5, 20))])
def test_negative_counts_and_decreasing_bounds_are_validation_errors(count, limits):
    with pytest.raises(DomainError) as caught:
        level_for(count, limits)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
