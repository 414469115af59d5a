"""What delivery needs from the outside world: storage (``uow.delivery``), a template
renderer, and a sender per channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from jts_domain.delivery.model import (
    ClaimedJob,
    DeliveryAttempt,
    InboxMessage,
    JobDelivery,
    LedgerEntry,
    MessageTemplate,
    OutgoingMessage,
    SendResult,
    UsageRow,
)
from jts_domain.delivery.rules import Claimable


class DeliveryRepository(Protocol):
    """Claims, counters, attempts, the ledger, inboxes and templates."""

    async def claim_due(
        self,
        now: datetime,
        claimable: Claimable,
        channels: frozenset[str],
        limit: int,
        tenants: frozenset[UUID] | None = None,
    ) -> list[ClaimedJob]:
        """Hold, for this transaction, up to ``limit`` due jobs on the channels (highest
        priority first, then scheduled time), of ``tenants`` only when given: scheduled
        at or before ``now``, in a status ``claimable`` names, whose delivery is not
        waiting past ``now``. Jobs another transaction holds are skipped, never waited
        for."""
        ...

    async def take(self, key: str, window: datetime, limit: int, wanted: int) -> tuple[int, int]:
        """Take up to ``wanted`` from the counter ``key`` of the window, never past
        ``limit``; the counter before and after (concurrent takers queue on it)."""
        ...

    async def give_back(self, key: str, window: datetime, count: int) -> None:
        """Return ``count`` to a counter taken in this transaction."""
        ...

    async def save_deliveries(self, deliveries: Sequence[JobDelivery]) -> None:
        """Insert or replace the jobs' delivery states."""
        ...

    async def deliveries(
        self, organization_id: UUID, job_ids: Sequence[UUID]
    ) -> dict[UUID, JobDelivery]:
        """The delivery states of the organization's jobs among the ids."""
        ...

    async def add_attempts(self, attempts: Sequence[DeliveryAttempt]) -> None:
        """Store new attempts (their keys are unique: a second one is an error)."""
        ...

    async def finish_attempts(self, attempts: Sequence[DeliveryAttempt]) -> None:
        """Store the outcome of attempts already stored."""
        ...

    async def open_attempts(self, job_ids: Sequence[UUID]) -> list[DeliveryAttempt]:
        """The jobs' attempts that have no outcome yet."""
        ...

    async def attempts(self, organization_id: UUID, job_id: UUID) -> list[DeliveryAttempt]:
        """A job's attempts, oldest first."""
        ...

    async def attempt_by_provider_id(self, provider_message_id: str) -> DeliveryAttempt | None:
        """The attempt a provider knows by this id (a receipt names it)."""
        ...

    async def add_ledger(self, entries: Sequence[LedgerEntry]) -> None:
        """One row per sent message (a job has at most one)."""
        ...

    async def usage(
        self, organization_id: UUID, start: datetime, end: datetime, timezone: str
    ) -> list[UsageRow]:
        """Ledger sums per local day and channel for ``start <= sent_at < end``."""
        ...

    async def add_inbox(self, messages: Sequence[InboxMessage]) -> list[InboxMessage]:
        """Put messages in inboxes (one per job: a second is ignored); those added."""
        ...

    async def inbox(
        self,
        organization_id: UUID,
        employee_id: UUID,
        *,
        unread_only: bool = False,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[InboxMessage]:
        """An employee's messages, newest first by (created_at, id), before the cursor."""
        ...

    async def mark_read(
        self, organization_id: UUID, employee_id: UUID, message_ids: Sequence[UUID], at: datetime
    ) -> list[InboxMessage]:
        """Mark the employee's messages among the ids read (unread ones only); those
        marked now."""
        ...

    async def templates(self, organization_id: UUID) -> list[MessageTemplate]:
        """The organization's templates, by event type, channel and language."""
        ...

    async def save_template(self, template: MessageTemplate) -> MessageTemplate:
        """Insert or replace the template of its (event type, channel, language); CONFLICT
        when a stored one's version is not ``template.version - 1``."""
        ...

    async def default_language(self, organization_id: UUID) -> str:
        """The language messages fall back to (``en`` until the tenant sets one)."""
        ...

    async def set_default_language(self, organization_id: UUID, language: str) -> None: ...


class MessageRenderer(Protocol):
    """Renders template text in a sandbox."""

    def variables(self, text: str) -> frozenset[str]:
        """The top-level variables the text uses; VALIDATION_ERROR when it does not parse."""
        ...

    def render(self, text: str, values: Mapping[str, Any]) -> str:
        """The text rendered with the values; VALIDATION_ERROR for anything undefined or
        unsafe."""
        ...


class ChannelSender(Protocol):
    """Sends messages of one channel through one provider."""

    @property
    def provider(self) -> str:
        """The provider's name, as the ledger records it."""
        ...

    async def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message, passing ``message.attempt_key`` as the provider's idempotency
        key; never raises for a refusal or a network fault (it answers them)."""
        ...
