"""What JTS measures: daily scores, workload levels, alerts, and the events it publishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from jts_domain.model.task import Actor, SlaStatus


class ScoreMetricName(StrEnum):
    """The five metrics of the daily score."""

    COMPLETION = "completion"
    TIMELINESS = "timeliness"
    UTILIZATION = "utilization"
    SLA = "sla"
    QUALITY = "quality"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreInputs:
    """Everything the daily score of one employee on one date is computed from.

    The store computes these for a whole organization in a few SQL statements; the
    in-memory adapter computes the same numbers in Python.
    """

    employee_id: UUID
    business_date: date
    relevant_tasks: int = 0
    completed_tasks: int = 0
    completed_on_time: int = 0
    rostered: bool = False
    capacity_minutes: int = 0
    active_seconds: float = 0.0
    sla_tasks: int = 0
    sla_met: int = 0
    approved_tasks: int = 0
    quality_sum: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreMetric:
    """One line of a score's breakdown: why the score is what it is.

    ``value`` is None when the metric is undefined (its denominator is zero); an
    undefined metric has no weight in the score and contributes nothing.
    """

    name: ScoreMetricName
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    weight: Decimal
    contribution: Decimal


@dataclass(slots=True, kw_only=True)
class DailyScore:
    """An employee's score for a business date (one per employee and date)."""

    id: UUID
    organization_id: UUID
    employee_id: UUID
    business_date: date
    score: Decimal | None
    metrics: tuple[ScoreMetric, ...]
    reliability: Decimal | None
    calculated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredScore:
    """What a recalculation needs of a stored score, short of the score itself.

    ``fingerprint`` digests what the score shows (score, breakdown, reliability) the way
    its repository does (``DailyScoreRepository.fingerprint``): equal fingerprints, equal
    contents, so nothing else has to be read back to tell an unchanged score.
    """

    employee_id: UUID
    business_date: date
    id: UUID
    calculated_at: datetime
    fingerprint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreDay:
    """One employee's date as its calculation reads it: the score's inputs, the punctual
    and rostered days of the reliability window, and the score stored for it, if any."""

    inputs: ScoreInputs
    punctual_days: int
    rostered_days: int
    stored: StoredScore | None


class WorkloadLevel(StrEnum):
    """How loaded an employee is; ordered LOW < MODERATE < HIGH < CRITICAL."""

    LOW = "LOW"
    MODERATE = "MODERATE"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def order(self) -> int:
        """0 for LOW up to 3 for CRITICAL."""
        return list(WorkloadLevel).index(self)


class AlertKind(StrEnum):
    """What an alert warns of."""

    SLA_AT_RISK = "SLA_AT_RISK"
    SLA_BREACHED = "SLA_BREACHED"
    IDLE = "IDLE"
    OVERTIME = "OVERTIME"


#: The kinds raised about a task's SLA (once per task and kind).
SLA_ALERT_KINDS = frozenset({AlertKind.SLA_AT_RISK, AlertKind.SLA_BREACHED})


@dataclass(slots=True, kw_only=True)
class Alert:
    """A warning, raised once per occasion (see :meth:`occasion`) and resolved once.

    SLA alerts name a task and its SLA status; an IDLE alert names the timer and the
    start of its idle spell (``idle_since``); an OVERTIME alert the business date.
    """

    id: UUID
    organization_id: UUID
    kind: AlertKind
    task_id: UUID | None
    employee_id: UUID | None
    sla_status: SlaStatus | None
    message: str
    created_at: datetime
    timer_id: UUID | None = None
    idle_since: datetime | None = None
    business_date: date | None = None
    resolved_at: datetime | None = None
    resolved_by: Actor | None = None

    @property
    def occasion(self) -> tuple[object, ...]:
        """What makes two alerts the same one: the task and kind for SLA alerts, the
        timer and spell for IDLE, the employee and date for OVERTIME."""
        if self.kind is AlertKind.IDLE:
            return (self.kind, self.timer_id, self.idle_since)
        if self.kind is AlertKind.OVERTIME:
            return (self.kind, self.employee_id, self.business_date)
        return (self.kind, self.task_id)


class EventName(StrEnum):
    """Events written to the outbox and delivered to subscribers and webhooks."""

    TASK_COMPLETED = "task.completed"
    TASK_ASSIGNED = "task.assigned"
    TIMER_STATE_CHANGED = "timer.state_changed"
    TIMER_STOPPED = "timer.stopped"
    DAILY_SCORE_CALCULATED = "daily_score.calculated"
    # jobs to do: what creates them, and their moves
    ALERT_RAISED = "alert.raised"
    JOB_TO_DO_STATUS_CHANGED = "job_to_do.status_changed"
    #: An employee was deactivated, reactivated or changed role: their sessions end.
    EMPLOYEE_ACCESS_CHANGED = "employee.access_changed"
    ACTIVITY_RECORDED = "activity.recorded"
    ALERT_RESOLVED = "alert.resolved"
    ATTENDANCE_CHANGED = "attendance.changed"


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    """Something that happened, recorded in the same transaction as the change."""

    name: EventName
    organization_id: UUID
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
