"""A task's standing against its SLA deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from jts_domain.model.task import SlaStatus


def remaining_minutes(estimated_minutes: int, actual_seconds: float) -> float:
    """The estimate left to work, in minutes: ``max(0, estimate - actual minutes)``.

    >>> remaining_minutes(30, 600.0), remaining_minutes(30, 3600.0)
    (20.0, 0.0)
    """
    return max(0.0, estimated_minutes - actual_seconds / 60)


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """Whether an open task is past its due time at ``now`` (never without a due time).

    The planner ranks overdue tasks first and the workload counts them; both ask here.
    """
    return due_at is not None and due_at < now


def sla_status(
    *,
    deadline: datetime | None,
    completed_at: datetime | None,
    now: datetime,
    remaining_minutes: float,
    warning_minutes: int,
) -> SlaStatus | None:
    """The SLA status of a task at ``now``; None when it has no deadline.

    A completed task is MET if completed by the deadline, else BREACHED. An open task is
    BREACHED after the deadline, AT_RISK from ``deadline - max(warning, remaining)`` up to
    and including the deadline, and ON_TIME before that.

    >>> from datetime import UTC
    >>> due = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    >>> sla_status(deadline=due, completed_at=None, now=due - timedelta(minutes=90),
    ...            remaining_minutes=120.0, warning_minutes=60)
    <SlaStatus.AT_RISK: 'AT_RISK'>
    """
    if deadline is None:
        return None
    if completed_at is not None:
        return SlaStatus.MET if completed_at <= deadline else SlaStatus.BREACHED
    if now > deadline:
        return SlaStatus.BREACHED
    window = timedelta(minutes=max(float(warning_minutes), remaining_minutes, 0.0))
    if now >= deadline - window:
        return SlaStatus.AT_RISK
    return SlaStatus.ON_TIME
