"""The records of delivery: what a dispatcher claims, sends and leaves behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from jts_domain.jtd.model import JobToDo


class DeliveryState(StrEnum):
    """Where a job is in delivery (beside its status in its flow).

    WAITING: due, but quiet hours or a rate window delay it; HELD: a tenant limit holds
    it until the next day or month; SENDING: an attempt is out (the lease ends at
    ``next_attempt_at``); RETRYING: an attempt failed, the next one is due at
    ``next_attempt_at``; SENT, DELIVERED, READ: done; FAILED: out of attempts.
    """

    WAITING = "waiting"
    HELD = "held"
    SENDING = "sending"
    RETRYING = "retrying"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass(slots=True, kw_only=True)
class JobDelivery:
    """A job's delivery state, with the reason a person reads (why it waits or is held)."""

    job_id: UUID
    organization_id: UUID
    state: DeliveryState
    reason: str | None = None
    next_attempt_at: datetime | None = None
    critical_override: bool = False
    provider_message_id: str | None = None
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedJob:
    """A due job a dispatcher holds for this transaction, with its delivery so far."""

    job: JobToDo
    delivery: JobDelivery | None


class AttemptOutcome(StrEnum):
    """How an attempt ended."""

    SENT = "sent"
    TEST_MODE = "test_mode"
    FAILED = "failed"
    ABANDONED = "abandoned"


@dataclass(slots=True, kw_only=True)
class DeliveryAttempt:
    """One try at sending a job. ``key`` is unique and written before the send; the
    provider's idempotency key is made from it, so one key is never sent twice."""

    id: UUID
    organization_id: UUID
    job_id: UUID
    attempt: int
    key: str
    channel: str
    provider: str
    started_at: datetime
    finished_at: datetime | None = None
    outcome: AttemptOutcome | None = None
    error: str | None = None
    provider_message_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEntry:
    """What one sent message cost (zero in test mode)."""

    id: UUID
    organization_id: UUID
    job_id: UUID
    channel: str
    provider: str
    cost_minor: int
    currency: str
    is_live: bool
    sent_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageRow:
    """Messages and their cost for one channel on one business day."""

    day: str
    channel: str
    messages: int
    cost_minor: int
    currency: str


@dataclass(slots=True, kw_only=True)
class InboxMessage:
    """An in-app message in an employee's inbox."""

    id: UUID
    organization_id: UUID
    employee_id: UUID
    job_id: UUID
    subject: str
    body: str
    priority: int
    created_at: datetime
    read_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageTemplate:
    """How jobs of an event type read on a channel in a language (Jinja2 text)."""

    id: UUID
    organization_id: UUID
    event_type: str
    channel: str
    language: str
    subject: str
    body: str
    updated_at: datetime
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingMessage:
    """A rendered message, ready for a channel's sender."""

    job_id: UUID
    organization_id: UUID
    channel: str
    attempt_key: str
    to_address: str | None
    to_employee_id: UUID | None
    to_name: str | None
    subject: str
    body: str
    priority: int
    is_live: bool
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SendResult:
    """What a sender answered: sent (with the provider's id, when it gives one) or not."""

    ok: bool
    provider_message_id: str | None = None
    error: str | None = None
    #: a refusal that another attempt cannot fix (a bad address): no retries
    permanent: bool = False
