"""What every change of a job leaves behind, written the same way whoever makes it: the
history row, the audit entry (an out-of-flow move says so) and the
``job_to_do.status_changed`` event for subscribers and webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from jts_domain.ids import new_id
from jts_domain.jtd.drafts import Tenant
from jts_domain.jtd.model import JobStatusChange, JobToDo
from jts_domain.model import Actor, AuditEntry, DomainEvent, EventName
from jts_domain.ports import UnitOfWork

ENTITY = "job_to_do"


async def load_tenant(uow: UnitOfWork, organization_id: UUID) -> Tenant:
    """The tenant's JTD settings and source overrides."""
    return Tenant(
        organization_id=organization_id,
        settings=await uow.jtd.settings(organization_id),
        overrides=await uow.jtd.source_settings(organization_id),
    )


def move_summary(change: JobStatusChange) -> str:
    """``from → to``, flagged when outside the flow, then the note."""
    summary = f"{change.from_status} → {change.to_status}"
    if not change.valid:
        summary += " (outside the flow)"
    if change.note:
        summary += f"; {change.note}"
    return summary


def status_changed_event(job: JobToDo, change: JobStatusChange) -> DomainEvent:
    """The event of one move (ids, not rows: it fits a notification's payload)."""
    recipient = job.recipient.employee_id
    return DomainEvent(
        name=EventName.JOB_TO_DO_STATUS_CHANGED,
        organization_id=job.organization_id,
        occurred_at=change.ended_at,
        payload={
            "job_id": str(job.id),
            "event_type": job.event_type,
            "source_type": job.source_type,
            "from_status": change.from_status,
            "to_status": change.to_status,
            "valid_transition": change.valid,
            "recipient_id": None if recipient is None else str(recipient),
            "actor_type": change.actor.type.value,
            "actor_id": None if change.actor.id is None else str(change.actor.id),
            "actor_name": change.actor.name,
            "is_live": job.is_live,
            "at": change.ended_at.isoformat(),
        },
    )


async def record_moves(
    uow: UnitOfWork, jobs: dict[UUID, JobToDo], changes: Sequence[JobStatusChange]
) -> None:
    """History rows, audit entries and events of moves already applied to ``jobs``."""
    if not changes:
        return
    await uow.jtd.add_history(changes)
    entries = []
    for change in changes:
        job = jobs[change.job_id]
        entries.append(
            _entry(job, change.actor, change.ended_at, "job_to_do.move", move_summary(change))
        )
        uow.emit(status_changed_event(job, change))
    await uow.audit.add_many(entries)


async def record_created(uow: UnitOfWork, jobs: Sequence[JobToDo], how: str) -> None:
    """One audit entry per new job, written at once."""
    entries = []
    for job in jobs:
        whom = job.recipient.name or job.recipient.address or str(job.recipient.employee_id)
        summary = (
            f"{job.event_type} {job.subject!r} for {whom} via "
            f"{job.channel or 'no channel'}, {how}, at {job.scheduled_at.isoformat()}"
        )
        entries.append(_entry(job, job.performed_by, job.created_at, "job_to_do.create", summary))
    if entries:
        await uow.audit.add_many(entries)


def _entry(job: JobToDo, actor: Actor, at: datetime, action: str, summary: str) -> AuditEntry:
    return AuditEntry(
        id=new_id(),
        organization_id=job.organization_id,
        at=at,
        actor=actor,
        action=action,
        entity_type=ENTITY,
        entity_id=job.id,
        summary=summary,
    )
