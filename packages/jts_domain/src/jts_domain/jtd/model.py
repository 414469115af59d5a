"""Jobs to do, their status history, and the settings a tenant tunes them with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from uuid import UUID

from jts_domain.model import Actor

DEFAULT_CHANNELS_ENABLED: dict[str, bool] = {
    "email": True,
    "sms": False,
    "whatsapp": False,
    "push": False,
    "inapp": True,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient:
    """Whom a job is for: an employee of the organization, an outside address, or both."""

    employee_id: UUID | None = None
    address: str | None = None
    name: str | None = None


@dataclass(slots=True, kw_only=True)
class JobToDo:
    """One thing to be done or sent, moving through its event type's flow.

    ``performed_by`` made the latest change (the creator until the first move);
    ``valid_transition`` says whether that change followed the flow (creation does).
    ``idempotency_key``, when set, is unique in the organization: a second job with the
    same key is never stored. ``version`` guards against lost updates.
    """

    id: UUID
    organization_id: UUID
    event_type: str
    source_type: str
    status: str
    channel: str | None
    recipient: Recipient
    subject: str
    body: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    priority: int
    scheduled_at: datetime
    is_live: bool = True
    attempts: int = 0
    last_error: str | None = None
    cost_minor: int = 0
    currency: str = "INR"
    performed_by: Actor
    valid_transition: bool = True
    idempotency_key: str | None = None
    created_at: datetime
    status_changed_at: datetime
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class JobStatusChange:
    """One move of a job: from and to, when the previous status started and ended (the
    move's instant), the seconds spent in it, who moved it, and whether the flow has it."""

    id: UUID
    organization_id: UUID
    job_id: UUID
    from_status: str
    to_status: str
    started_at: datetime
    ended_at: datetime
    seconds_in_previous: float
    actor: Actor
    valid: bool
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JtdSettings:
    """A tenant's JTD settings (the defaults until it changes them; ``version`` 0 means
    never stored). Quiet hours are read in the organization's timezone; equal start and
    end mean none."""

    organization_id: UUID
    agent_enabled: bool = False
    agent_event_types: frozenset[str] = frozenset()
    channels_enabled: dict[str, bool] = field(
        default_factory=lambda: dict(DEFAULT_CHANNELS_ENABLED)
    )
    daily_limit: int = 1_000
    monthly_limit: int = 30_000
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(8, 0)
    version: int = 0

    def channel_enabled(self, code: str) -> bool:
        """Whether the tenant has the channel on."""
        return self.channels_enabled.get(code, False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSettings:
    """A tenant's overrides for one source type; None keeps the default."""

    organization_id: UUID
    source_type: str
    channels: tuple[str, ...] | None = None
    auto_execute: bool | None = None
    priority: int | None = None
    delay_seconds: int | None = None
