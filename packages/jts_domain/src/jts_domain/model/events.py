"""The events JTS publishes: written to the outbox with the change that caused them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID


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
    # delivery: a message put in an employee's inbox (for the live inbox feed)
    INBOX_MESSAGE_ADDED = "inbox.message_added"
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
