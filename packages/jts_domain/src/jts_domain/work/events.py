"""The events a task and its timer publish (written to the outbox with the change)."""

from __future__ import annotations

from datetime import datetime

from jts_domain.model import Actor, DomainEvent, EventName, Task, Timer
from jts_domain.timeline import durations


def timer_event(name: EventName, timer: Timer, at: datetime) -> DomainEvent:
    """The event announcing a timer's state at ``at``."""
    return DomainEvent(
        name=name,
        organization_id=timer.organization_id,
        occurred_at=at,
        payload={
            "timer_id": str(timer.id),
            "employee_id": str(timer.employee_id),
            "task_id": str(timer.task_id),
            "state": timer.state.value,
            "active_seconds": durations(timer.intervals, at).active.total_seconds(),
            "stop_reason": None if timer.stop_reason is None else timer.stop_reason.value,
            "auto_stopped": timer.auto_stopped,
            "business_date": timer.business_date.isoformat(),
            "at": at.isoformat(),
        },
    )


def task_completed(task: Task, at: datetime) -> DomainEvent:
    """``task.completed``: what payroll and reports need of a finished task."""
    return DomainEvent(
        name=EventName.TASK_COMPLETED,
        organization_id=task.organization_id,
        occurred_at=at,
        payload={
            "task_id": str(task.id),
            "assignee_id": None if task.assignee_id is None else str(task.assignee_id),
            "department_id": None if task.department_id is None else str(task.department_id),
            "completed_at": at.isoformat(),
            "due_at": None if task.due_at is None else task.due_at.isoformat(),
            "estimated_minutes": task.estimated_minutes,
            "actual_seconds": task.actual_seconds,
            "quality_rating": task.quality_rating,
        },
    )


def task_assigned(task: Task, at: datetime, actor: Actor) -> DomainEvent:
    """``task.assigned``: the task is now someone's (created with them, assigned, reopened)."""
    return DomainEvent(
        name=EventName.TASK_ASSIGNED,
        organization_id=task.organization_id,
        occurred_at=at,
        payload={
            "task_id": str(task.id),
            "title": task.title,
            "priority": task.priority.value,
            "assignee_id": None if task.assignee_id is None else str(task.assignee_id),
            "department_id": None if task.department_id is None else str(task.department_id),
            "due_at": None if task.due_at is None else task.due_at.isoformat(),
            "assigned_by": None if actor.id is None else str(actor.id),
            "assigned_at": at.isoformat(),
        },
    )
