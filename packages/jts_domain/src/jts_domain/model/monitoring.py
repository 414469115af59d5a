"""Monitoring: workload levels and the alerts raised about tasks, timers and days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from jts_domain.model.task import Actor, SlaStatus


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
