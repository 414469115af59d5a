"""Job-to-do use cases: create, read, list, move, reschedule, cancel.

Decisions where PRODUCT.md is silent:

* A job's history holds its moves only (creation is on the record: its initial status,
  ``createdAt`` and ``performedBy``), so the history has exactly one row per move.
* ``moveJobToDo`` applies any status of the job's type (soft enforcement), flagged
  ``validTransition: false`` when the flow lacks the move — even a move to the status
  the job is in. ``cancelJobToDo`` moves to the type's cancelled status the same way,
  but refuses a job whose status has no next one (INVALID_TRANSITION): a finished job
  stays finished unless moved explicitly with ``moveJobToDo``.
* Scheduling: only event types with the scheduling flag take a ``scheduledAt`` or a
  reschedule; a time more than :data:`PAST_TOLERANCE` in the past is refused. A
  reschedule also takes the type's rescheduled status when the flow allows it from the
  job's status.
* An idempotency key makes a repeated create answer the job the first one made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.jtd.access import movable_job, reach_filter, visible_job
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.drafts import JobDraft, build_job, require_channel
from jts_domain.jtd.master import Catalog
from jts_domain.jtd.model import JobStatusChange, JobToDo, Recipient
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.jtd.recording import ENTITY, load_tenant, record_created, record_moves
from jts_domain.jtd.rules import (
    MAX_ADDRESS_LENGTH,
    MAX_BODY_LENGTH,
    MAX_KEY_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_SUBJECT_LENGTH,
    apply_move,
    check_payload,
    clean_text,
    free_text,
    optional_text,
)
from jts_domain.model import Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.paging import Cursor, Page, read_page
from jts_domain.shifts import require_aware

PAST_TOLERANCE = timedelta(minutes=5)


def check_schedule(event_type: str, scheduled_at: datetime | None, now: datetime) -> None:
    """VALIDATION_ERROR for a time given to a type without scheduling, a naive one, or
    one too far in the past."""
    if scheduled_at is None:
        return
    require_aware(scheduled_at, "scheduledAt")
    if not CATALOG.event_type(event_type).scheduling:
        raise invalid(
            f"{event_type} jobs go out at once: they take no scheduledAt", field="scheduledAt"
        )
    if scheduled_at < now - PAST_TOLERANCE:
        raise invalid("scheduledAt must not be in the past", field="scheduledAt")


async def recipient_of(
    uow: UnitOfWork,
    caller: Caller,
    *,
    employee_id: UUID | None,
    address: str | None,
    name: str | None,
) -> Recipient:
    """An active employee of the organization and/or an address (one at least)."""
    address = optional_text(address, "recipient address", MAX_ADDRESS_LENGTH)
    name = optional_text(name, "recipient name", MAX_NAME_LENGTH)
    if employee_id is None:
        if address is None:
            raise invalid("a job needs a recipient: an employee or an address", field="recipient")
        return Recipient(address=address, name=name)
    employee = await uow.employees.get(caller.organization_id, employee_id)
    if not employee.active:
        raise invalid("the recipient is not an active employee", field="recipientId")
    return Recipient(employee_id=employee.id, address=address, name=name or employee.name)


async def create_job_to_do(
    ctx: ServiceContext,
    caller: Caller,
    *,
    subject: str,
    source_type: str = "manual",
    event_type: str | None = None,
    recipient_id: UUID | None = None,
    recipient_address: str | None = None,
    recipient_name: str | None = None,
    body: str = "",
    payload: object = None,
    priority: int | None = None,
    scheduled_at: datetime | None = None,
    channel: str | None = None,
    is_live: bool = True,
    idempotency_key: str | None = None,
) -> JobToDo:
    """Create one job (``jtd.manage``); with a key already used, the job it made."""
    caller.require(Permission.JTD_MANAGE)
    now = ctx.clock.now()
    source = CATALOG.source_type(source_type)
    check_schedule(event_type or source.event_type, scheduled_at, now)
    draft = JobDraft(
        source_type=source.code,
        event_type=event_type,
        recipient=Recipient(),
        subject=clean_text(subject, "subject", MAX_SUBJECT_LENGTH),
        body=free_text(body, "body", MAX_BODY_LENGTH),
        payload=check_payload(payload),
        priority=priority,
        scheduled_at=scheduled_at,
        channel=channel,
        is_live=is_live,
        idempotency_key=optional_text(idempotency_key, "idempotencyKey", MAX_KEY_LENGTH),
    )
    async with ctx.uow() as uow:
        recipient = await recipient_of(
            uow, caller, employee_id=recipient_id, address=recipient_address, name=recipient_name
        )
        tenant = await load_tenant(uow, caller.organization_id)
        job = build_job(
            CATALOG, replace(draft, recipient=recipient), tenant, actor=caller.actor, now=now
        )
        stored = await uow.jtd.add_many([require_channel(job)])
        if not stored and draft.idempotency_key is not None:
            [existing] = await uow.jtd.find_by_keys(caller.organization_id, [draft.idempotency_key])
            return existing
        await record_created(uow, stored, "by hand")
        await uow.commit()
    return job


async def get_job_to_do(ctx: ServiceContext, caller: Caller, job_id: UUID) -> JobToDo:
    """A job the caller may see."""
    async with ctx.uow() as uow:
        return await visible_job(uow, caller, job_id)


async def list_jobs_to_do(
    ctx: ServiceContext,
    caller: Caller,
    job_filter: JobToDoFilter,
    *,
    first: int = 50,
    after: Cursor | None = None,
) -> Page[JobToDo]:
    """Jobs the caller may see, by scheduled time then id, a page at a time."""
    allowed = reach_filter(caller, job_filter)
    async with ctx.uow() as uow:

        async def fetch(cursor: Cursor | None, limit: int) -> list[JobToDo]:
            return await uow.jtd.search(caller.organization_id, allowed, after=cursor, limit=limit)

        return await read_page(fetch, first=first, after=after)


async def job_histories(
    ctx: ServiceContext, caller: Caller, job_ids: Sequence[UUID]
) -> dict[UUID, list[JobStatusChange]]:
    """The moves of jobs the caller has already read, oldest first, in one read."""
    async with ctx.uow() as uow:
        return await uow.jtd.histories(caller.organization_id, job_ids)


async def jobs_by_ids(
    ctx: ServiceContext, caller: Caller, job_ids: Sequence[UUID]
) -> dict[UUID, JobToDo]:
    """The organization's jobs among the ids (records related to ones already read)."""
    async with ctx.uow() as uow:
        return {job.id: job for job in await uow.jtd.get_many(caller.organization_id, job_ids)}


async def _moved(uow: UnitOfWork, job: JobToDo, change: JobStatusChange) -> JobToDo:
    await uow.jtd.update(job)
    await record_moves(uow, {job.id: job}, [change])
    await uow.commit()
    return job


async def move_job_to_do(
    ctx: ServiceContext, caller: Caller, job_id: UUID, status: str, note: str | None = None
) -> JobToDo:
    """Move a job to any status of its type (its recipient, or ``jtd.manage``); a move the
    flow lacks is applied and flagged, in the history and the audit log."""
    text = optional_text(note, "note", MAX_NOTE_LENGTH)
    target = clean_text(status, "status", MAX_NAME_LENGTH)
    async with ctx.uow() as uow:
        job = await movable_job(uow, caller, job_id)
        change = apply_move(CATALOG, job, target, actor=caller.actor, at=ctx.clock.now(), note=text)
        return await _moved(uow, job, change)


def _not_finished(catalog: Catalog, job: JobToDo) -> None:
    if catalog.event_type(job.event_type).is_finished(job.status):
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"the job is {job.status}, where its flow ends; move it explicitly to reopen it",
            {"status": job.status, "allowed": []},
        )


async def reschedule_job_to_do(
    ctx: ServiceContext, caller: Caller, job_id: UUID, scheduled_at: datetime
) -> JobToDo:
    """Give a scheduled job a new time (``jtd.manage``); not once its flow has ended."""
    caller.require(Permission.JTD_MANAGE)
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        job = await visible_job(uow, caller, job_id)
        check_schedule(job.event_type, scheduled_at, now)
        _not_finished(CATALOG, job)
        before, job.scheduled_at = job.scheduled_at, scheduled_at
        note = f"rescheduled from {before.isoformat()} to {scheduled_at.isoformat()}"
        await record_change(
            uow,
            job.organization_id,
            caller.actor,
            now,
            action="job_to_do.reschedule",
            entity_type=ENTITY,
            entity_id=job.id,
            summary=note,
        )
        target = CATALOG.event_type(job.event_type).reschedule_status
        if target is not None and CATALOG.event_type(job.event_type).is_valid(job.status, target):
            change = apply_move(CATALOG, job, target, actor=caller.actor, at=now, note=note)
            return await _moved(uow, job, change)
        await uow.jtd.update(job)
        await uow.commit()
    return job


async def cancel_job_to_do(
    ctx: ServiceContext, caller: Caller, job_id: UUID, reason: str
) -> JobToDo:
    """Cancel a job with a reason (``jtd.manage``): a move to its type's cancelled status,
    flagged when the flow lacks it; refused once the job's flow has ended."""
    caller.require(Permission.JTD_MANAGE)
    text = clean_text(reason, "reason", MAX_NOTE_LENGTH)
    async with ctx.uow() as uow:
        job = await visible_job(uow, caller, job_id)
        _not_finished(CATALOG, job)
        target = CATALOG.event_type(job.event_type).cancel_status
        change = apply_move(CATALOG, job, target, actor=caller.actor, at=ctx.clock.now(), note=text)
        return await _moved(uow, job, change)


async def stored_catalog(ctx: ServiceContext, caller: Caller) -> Catalog:
    """The master data as stored (any signed-in caller may read it)."""
    del caller  # master data is the product's, the same for every tenant
    async with ctx.uow() as uow:
        return await uow.jtd.catalog()


async def watch_filter(
    ctx: ServiceContext,
    caller: Caller,
    *,
    job_id: UUID | None = None,
    recipient_id: UUID | None = None,
    job_filter: JobToDoFilter | None = None,
) -> tuple[UUID | None, JobToDoFilter]:
    """What a live subscription may follow: a job the caller may see (NOT_FOUND from
    another organization), a recipient of the organization, within the caller's reach
    (an employee follows only what is addressed to them)."""
    given = replace(job_filter or JobToDoFilter(), recipient_id=recipient_id)
    async with ctx.uow() as uow:
        if job_id is not None:
            await visible_job(uow, caller, job_id)
        if recipient_id is not None:
            await uow.employees.get(caller.organization_id, recipient_id)
    return job_id, reach_filter(caller, given)
