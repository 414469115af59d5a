"""Turning what a caller or an event asks for into a new job: one record, one channel.

Every way a job is made (``createJobToDo``, service visits, JTS's own events) goes
through :func:`build_job`, so the event type, channel, priority, schedule and cost are
decided the same way: the source type's defaults, the tenant's overrides for the
source, then what was asked for explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.jtd.master import Catalog
from jts_domain.jtd.model import JobToDo, JtdSettings, Recipient, SourceSettings
from jts_domain.jtd.rules import check_priority, choose_channel
from jts_domain.model import Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class JobDraft:
    """What a new job should be; None fields take the source's (or tenant's) defaults."""

    source_type: str
    recipient: Recipient
    subject: str
    body: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    event_type: str | None = None
    priority: int | None = None
    scheduled_at: datetime | None = None
    channel: str | None = None
    is_live: bool = True
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tenant:
    """The tenant's settings a new job is decided by."""

    organization_id: UUID
    settings: JtdSettings
    overrides: Mapping[str, SourceSettings]


def build_job(
    catalog: Catalog, draft: JobDraft, tenant: Tenant, *, actor: Actor, now: datetime
) -> JobToDo:
    """The job a draft makes, in its event type's initial status (its channel None when
    no channel the tenant has on fits the event type)."""
    source = catalog.source_type(draft.source_type)
    definition = catalog.event_type(draft.event_type or source.event_type)
    override = tenant.overrides.get(source.code)
    channel = choose_channel(
        catalog,
        event_type=definition.code,
        source_type=source.code,
        settings=tenant.settings,
        override=override,
        requested=draft.channel,
    )
    priority = draft.priority
    if priority is None:
        priority = override.priority if override and override.priority else source.default_priority
    delay = timedelta(seconds=(override.delay_seconds or 0) if override else 0)
    cost = catalog.channel(channel).cost_minor if channel is not None and draft.is_live else 0
    return JobToDo(
        id=new_id(),
        organization_id=tenant.organization_id,
        event_type=definition.code,
        source_type=source.code,
        status=definition.initial_status,
        channel=channel,
        recipient=draft.recipient,
        subject=draft.subject,
        body=draft.body,
        payload=draft.payload,
        priority=check_priority(priority),
        scheduled_at=draft.scheduled_at or now + delay,
        is_live=draft.is_live,
        cost_minor=cost,
        currency=catalog.channel(channel).currency if channel is not None else "INR",
        performed_by=actor,
        idempotency_key=draft.idempotency_key,
        created_at=now,
        status_changed_at=now,
    )


def require_channel(job: JobToDo) -> JobToDo:
    """The job, if it has a channel; VALIDATION_ERROR naming its event type otherwise."""
    if job.channel is None:
        raise invalid(
            f"no channel the organization has on fits {job.event_type} jobs; "
            "enable one in the JTD settings or name one",
            event_type=job.event_type,
        )
    return job
