"""Service visits from a recurrence: N occurrences → N jobs, in one transaction, once.

The client names the request with a key; each visit's job gets the idempotency key
``visits:<key>:<n>``, which the store keeps unique. The same request again — even
concurrently — answers the jobs the first one made; the same key with another
recurrence is CONFLICT. Visits keep their local time in the organization's timezone
(or the one given) across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.drafts import JobDraft, Tenant, build_job, require_channel
from jts_domain.jtd.jobs import check_schedule, recipient_of
from jts_domain.jtd.model import JobToDo
from jts_domain.jtd.recording import load_tenant, record_created
from jts_domain.jtd.recurrence import Recurrence, RecurrenceExpander, occurrence_instants
from jts_domain.jtd.rules import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    check_payload,
    clean_text,
    free_text,
)
from jts_domain.model import Permission
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.shifts import zone

MAX_CLIENT_KEY_LENGTH = 150
EVENT_TYPE = "service_visit"


def visit_key(client_key: str, number: int) -> str:
    """The idempotency key of the ``number``-th visit (from 1) of a request."""
    return f"visits:{client_key}:{number}"


async def schedule_service_visits(
    ctx: ServiceContext,
    caller: Caller,
    *,
    client_key: str,
    recurrence: Recurrence,
    expander: RecurrenceExpander,
    subject: str,
    body: str = "",
    payload: object = None,
    recipient_id: UUID | None = None,
    recipient_address: str | None = None,
    recipient_name: str | None = None,
    timezone: str | None = None,
    priority: int | None = None,
    channel: str | None = None,
    is_live: bool = True,
    source_type: str = "service_scheduled",
) -> list[JobToDo]:
    """One service-visit job per occurrence (``jtd.manage``), soonest first."""
    caller.require(Permission.JTD_MANAGE)
    key = clean_text(client_key, "clientKey", MAX_CLIENT_KEY_LENGTH)
    subject = clean_text(subject, "subject", MAX_SUBJECT_LENGTH)
    body = free_text(body, "body", MAX_BODY_LENGTH)
    extra = check_payload(payload)
    if timezone is not None:
        zone(timezone)
    now = ctx.clock.now()
    org = caller.organization_id
    async with ctx.uow() as uow:
        tz = timezone or (await uow.organizations.get(org)).settings.timezone
        instants = occurrence_instants(recurrence, tz, expander)
        check_schedule(EVENT_TYPE, instants[0], now)
        keys = [visit_key(key, n) for n in range(1, len(instants) + 1)]
        existing = await uow.jtd.find_by_keys(org, keys)
        if existing:
            return _same_request(existing, instants)
        recipient = await recipient_of(
            uow, caller, employee_id=recipient_id, address=recipient_address, name=recipient_name
        )
        draft = JobDraft(
            source_type=source_type,
            event_type=EVENT_TYPE,
            recipient=recipient,
            subject=subject,
            body=body,
            payload=extra,
            priority=priority,
            channel=channel,
            is_live=is_live,
        )
        tenant = await load_tenant(uow, org)
        jobs = _visit_jobs(draft, key, instants, tenant, caller=caller, now=now)
        stored = await uow.jtd.add_many(jobs)
        if len(stored) < len(jobs):  # a concurrent request with the key won
            return _same_request(await uow.jtd.find_by_keys(org, keys), instants)
        await record_created(uow, stored, f"service visits {key!r}")
        await uow.commit()
    return jobs


def _visit_jobs(
    draft: JobDraft,
    key: str,
    instants: list[datetime],
    tenant: Tenant,
    *,
    caller: Caller,
    now: datetime,
) -> list[JobToDo]:
    """One job per visit: the draft at each instant, numbered, with its idempotency key."""
    jobs = []
    for number, at in enumerate(instants, start=1):
        visit = replace(
            draft,
            payload={**draft.payload, "series": key, "visit": number, "visits": len(instants)},
            scheduled_at=at,
            idempotency_key=visit_key(key, number),
        )
        jobs.append(require_channel(build_job(CATALOG, visit, tenant, actor=caller.actor, now=now)))
    return jobs


def _same_request(existing: list[JobToDo], instants: list[datetime]) -> list[JobToDo]:
    """The jobs of an earlier request with the key, if it asked for the same visits."""
    same = [job.scheduled_at for job in existing] == instants and all(
        job.payload.get("visits") == len(instants) for job in existing
    )
    if not same:
        raise DomainError(
            ErrorCode.CONFLICT,
            "this clientKey was used for other visits; use a new key for a new request",
            {"field": "clientKey"},
        )
    return existing
