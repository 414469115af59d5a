"""Workload levels from an employee's pending, urgent and overdue open tasks."""

from __future__ import annotations

from dataclasses import dataclass

from jts_domain.errors import invalid
from jts_domain.model.measures import WorkloadLevel
from jts_domain.model.organization import WorkloadThresholds

_LEVELS = (WorkloadLevel.LOW, WorkloadLevel.MODERATE, WorkloadLevel.HIGH)


def level_for(count: int, bounds: tuple[int, int, int]) -> WorkloadLevel:
    """The level of one dimension; ``bounds`` are the inclusive upper bounds of LOW,
    MODERATE and HIGH, and anything above the last is CRITICAL.

    Raises ``DomainError(VALIDATION_ERROR)`` for a negative count or decreasing bounds.

    >>> [level_for(n, (10, 15, 20)).value for n in (10, 11, 20, 21)]
    ['LOW', 'MODERATE', 'HIGH', 'CRITICAL']
    """
    if count < 0:
        raise invalid("a task count cannot be negative", count=count)
    if list(bounds) != sorted(bounds):
        raise invalid("workload bounds must not decrease", bounds=list(bounds))
    for level, upper in zip(_LEVELS, bounds, strict=True):
        if count <= upper:
            return level
    return WorkloadLevel.CRITICAL


@dataclass(frozen=True)
class WorkloadAssessment:
    """The level of each dimension, the overall (highest) level, and the counts."""

    level: WorkloadLevel
    pending_level: WorkloadLevel
    urgent_level: WorkloadLevel
    overdue_level: WorkloadLevel
    pending: int
    urgent: int
    overdue: int


def assess_workload(
    *, pending: int, urgent: int, overdue: int, thresholds: WorkloadThresholds
) -> WorkloadAssessment:
    """Level each dimension against its thresholds; the overall level is the highest."""
    pending_level = level_for(pending, thresholds.pending)
    urgent_level = level_for(urgent, thresholds.urgent)
    overdue_level = level_for(overdue, thresholds.overdue)
    return WorkloadAssessment(
        level=max(pending_level, urgent_level, overdue_level, key=lambda lvl: lvl.order),
        pending_level=pending_level,
        urgent_level=urgent_level,
        overdue_level=overdue_level,
        pending=pending,
        urgent=urgent,
        overdue=overdue,
    )
