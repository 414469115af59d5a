"""Mapping JTD's records to and from their rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from jts_domain.jtd.model import JobStatusChange, JobToDo, JtdSettings, Recipient, SourceSettings
from jts_domain.model import Actor, ActorType


def job_values(job: JobToDo) -> dict[str, Any]:
    """The row of a job."""
    return {
        "id": job.id,
        "organization_id": job.organization_id,
        "event_type": job.event_type,
        "source_type": job.source_type,
        "status": job.status,
        "channel": job.channel,
        "recipient_employee_id": job.recipient.employee_id,
        "recipient_address": job.recipient.address,
        "recipient_name": job.recipient.name,
        "subject": job.subject,
        "body": job.body,
        "payload": job.payload,
        "priority": job.priority,
        "scheduled_at": job.scheduled_at,
        "is_live": job.is_live,
        "attempts": job.attempts,
        "last_error": job.last_error,
        "cost_minor": job.cost_minor,
        "currency": job.currency,
        "performed_by_type": job.performed_by.type.value,
        "performed_by_id": job.performed_by.id,
        "performed_by_name": job.performed_by.name,
        "valid_transition": job.valid_transition,
        "idempotency_key": job.idempotency_key,
        "created_at": job.created_at,
        "status_changed_at": job.status_changed_at,
        "version": job.version,
    }


def job_of(row: Row[Any]) -> JobToDo:
    """The job a row holds."""
    return JobToDo(
        id=row.id,
        organization_id=row.organization_id,
        event_type=row.event_type,
        source_type=row.source_type,
        status=row.status,
        channel=row.channel,
        recipient=Recipient(
            employee_id=row.recipient_employee_id,
            address=row.recipient_address,
            name=row.recipient_name,
        ),
        subject=row.subject,
        body=row.body,
        payload=dict(row.payload),
        priority=row.priority,
        scheduled_at=row.scheduled_at,
        is_live=row.is_live,
        attempts=row.attempts,
        last_error=row.last_error,
        cost_minor=row.cost_minor,
        currency=row.currency,
        performed_by=Actor(
            type=ActorType(row.performed_by_type),
            id=row.performed_by_id,
            name=row.performed_by_name,
        ),
        valid_transition=row.valid_transition,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        status_changed_at=row.status_changed_at,
        version=row.version,
    )


def change_values(change: JobStatusChange) -> dict[str, Any]:
    """The history row of a move."""
    return {
        "id": change.id,
        "organization_id": change.organization_id,
        "job_id": change.job_id,
        "from_status": change.from_status,
        "to_status": change.to_status,
        "started_at": change.started_at,
        "ended_at": change.ended_at,
        "seconds_in_previous": change.seconds_in_previous,
        "actor_type": change.actor.type.value,
        "actor_id": change.actor.id,
        "actor_name": change.actor.name,
        "valid": change.valid,
        "note": change.note,
    }


def change_of(row: Row[Any]) -> JobStatusChange:
    """The move a history row holds."""
    return JobStatusChange(
        id=row.id,
        organization_id=row.organization_id,
        job_id=row.job_id,
        from_status=row.from_status,
        to_status=row.to_status,
        started_at=row.started_at,
        ended_at=row.ended_at,
        seconds_in_previous=row.seconds_in_previous,
        actor=Actor(type=ActorType(row.actor_type), id=row.actor_id, name=row.actor_name),
        valid=row.valid,
        note=row.note,
    )


def settings_values(settings: JtdSettings) -> dict[str, Any]:
    """The settings row of a tenant."""
    return {
        "organization_id": settings.organization_id,
        "agent_enabled": settings.agent_enabled,
        "agent_event_types": sorted(settings.agent_event_types),
        "channels_enabled": dict(settings.channels_enabled),
        "daily_limit": settings.daily_limit,
        "monthly_limit": settings.monthly_limit,
        "quiet_hours_start": settings.quiet_hours_start,
        "quiet_hours_end": settings.quiet_hours_end,
        "version": settings.version,
    }


def settings_of(row: Row[Any]) -> JtdSettings:
    """The tenant settings a row holds."""
    return JtdSettings(
        organization_id=row.organization_id,
        agent_enabled=row.agent_enabled,
        agent_event_types=frozenset(row.agent_event_types),
        channels_enabled={str(k): bool(v) for k, v in row.channels_enabled.items()},
        daily_limit=row.daily_limit,
        monthly_limit=row.monthly_limit,
        quiet_hours_start=row.quiet_hours_start,
        quiet_hours_end=row.quiet_hours_end,
        version=row.version,
    )


def source_settings_of(row: Row[Any]) -> SourceSettings:
    """The source overrides a row holds."""
    return SourceSettings(
        organization_id=row.organization_id,
        source_type=row.source_type,
        channels=None if row.channels is None else tuple(row.channels),
        auto_execute=row.auto_execute,
        priority=row.priority,
        delay_seconds=row.delay_seconds,
    )
