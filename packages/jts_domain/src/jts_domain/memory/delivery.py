"""In-memory delivery and webhooks, held to the same tests as the store's.

Units of work run one at a time here, so a claim is never contended: what the store's
``SKIP LOCKED`` gives, the lock of the in-memory database gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from jts_domain.delivery.model import (
    AttemptOutcome,
    ClaimedJob,
    DeliveryAttempt,
    InboxMessage,
    JobDelivery,
    LedgerEntry,
    MessageTemplate,
    UsageRow,
)
from jts_domain.delivery.rules import Claimable
from jts_domain.delivery.templates import DEFAULT_LANGUAGE
from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.memory.delivery_tables import DeliveryTables
from jts_domain.memory.tables import Tables, detached


def _conflict(message: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message)


class MemoryDelivery:
    """The delivery repository in process memory."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    @property
    def _d(self) -> DeliveryTables:
        return self._t.delivery

    async def claim_due(
        self,
        now: datetime,
        claimable: Claimable,
        channels: frozenset[str],
        limit: int,
        tenants: frozenset[UUID] | None = None,
    ) -> list[ClaimedJob]:
        due = [
            job
            for job in self._t.jtd.jobs.values()
            if (tenants is None or job.organization_id in tenants)
            and claimable.takes(job, self._d.deliveries.get(job.id), channels, now)
        ]
        due.sort(key=lambda j: (-j.priority, j.scheduled_at, j.id))
        return [
            ClaimedJob(job=detached(job), delivery=detached(self._d.deliveries.get(job.id)))
            for job in due[: max(limit, 0)]
        ]

    async def take(self, key: str, window: datetime, limit: int, wanted: int) -> tuple[int, int]:
        before = self._d.counters.get((key, window), 0)
        after = min(max(limit, before), before + max(wanted, 0))
        self._d.counters[(key, window)] = after
        return before, after

    async def give_back(self, key: str, window: datetime, count: int) -> None:
        used = self._d.counters.get((key, window), 0)
        self._d.counters[(key, window)] = max(used - count, 0)

    async def save_deliveries(self, deliveries: Sequence[JobDelivery]) -> None:
        for delivery in deliveries:
            self._d.deliveries[delivery.job_id] = detached(delivery)

    async def deliveries(
        self, organization_id: UUID, job_ids: Sequence[UUID]
    ) -> dict[UUID, JobDelivery]:
        found = (self._d.deliveries.get(job_id) for job_id in set(job_ids))
        return {d.job_id: detached(d) for d in found if d and d.organization_id == organization_id}

    async def add_attempts(self, attempts: Sequence[DeliveryAttempt]) -> None:
        for attempt in attempts:
            if attempt.key in self._d.attempts:
                raise _conflict(f"attempt {attempt.key} exists")
            self._d.attempts[attempt.key] = detached(attempt)

    async def finish_attempts(self, attempts: Sequence[DeliveryAttempt]) -> None:
        for attempt in attempts:
            self._d.attempts[attempt.key] = detached(attempt)

    async def open_attempts(self, job_ids: Sequence[UUID]) -> list[DeliveryAttempt]:
        wanted = set(job_ids)
        rows = [a for a in self._d.attempts.values() if a.job_id in wanted and a.outcome is None]
        return [detached(a) for a in sorted(rows, key=lambda a: (a.job_id, a.attempt))]

    async def attempts(self, organization_id: UUID, job_id: UUID) -> list[DeliveryAttempt]:
        rows = [
            a
            for a in self._d.attempts.values()
            if a.job_id == job_id and a.organization_id == organization_id
        ]
        return [detached(a) for a in sorted(rows, key=lambda a: a.attempt)]

    async def attempt_by_provider_id(self, provider_message_id: str) -> DeliveryAttempt | None:
        for attempt in self._d.attempts.values():
            sent = attempt.outcome in (AttemptOutcome.SENT, AttemptOutcome.TEST_MODE)
            if sent and attempt.provider_message_id == provider_message_id:
                return detached(attempt)
        return None

    async def add_ledger(self, entries: Sequence[LedgerEntry]) -> None:
        for entry in entries:
            if any(e.job_id == entry.job_id for e in self._d.ledger.values()):
                continue
            self._d.ledger[entry.id] = entry

    async def usage(
        self, organization_id: UUID, start: datetime, end: datetime, timezone: str
    ) -> list[UsageRow]:
        tz = ZoneInfo(timezone)
        sums: dict[tuple[str, str, str], tuple[int, int]] = {}
        for e in self._d.ledger.values():
            if e.organization_id != organization_id or not start <= e.sent_at < end:
                continue
            key = (e.sent_at.astimezone(tz).date().isoformat(), e.channel, e.currency)
            count, cost = sums.get(key, (0, 0))
            sums[key] = (count + 1, cost + e.cost_minor)
        return [
            UsageRow(day=day, channel=channel, messages=n, cost_minor=cost, currency=currency)
            for (day, channel, currency), (n, cost) in sorted(sums.items())
        ]

    async def add_inbox(self, messages: Sequence[InboxMessage]) -> list[InboxMessage]:
        have = {m.job_id for m in self._d.inbox.values()}
        added = []
        for message in messages:
            if message.job_id in have:
                continue
            have.add(message.job_id)
            self._d.inbox[message.id] = detached(message)
            added.append(message)
        return added

    async def inbox(
        self,
        organization_id: UUID,
        employee_id: UUID,
        *,
        unread_only: bool = False,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[InboxMessage]:
        rows = [
            m
            for m in self._d.inbox.values()
            if m.organization_id == organization_id
            and m.employee_id == employee_id
            and not (unread_only and m.read_at is not None)
        ]
        rows.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        if after is not None:
            rows = [m for m in rows if (m.created_at, m.id) < after]
        return [detached(m) for m in rows[: max(limit, 0)]]

    async def mark_read(
        self, organization_id: UUID, employee_id: UUID, message_ids: Sequence[UUID], at: datetime
    ) -> list[InboxMessage]:
        marked = []
        for message_id in message_ids:
            found = self._d.inbox.get(message_id)
            if found is None or (found.organization_id, found.employee_id) != (
                organization_id,
                employee_id,
            ):
                raise not_found("inbox message", message_id)
            if found.read_at is None:
                updated = replace(found, read_at=at)
                self._d.inbox[message_id] = updated
                marked.append(detached(updated))
        return marked

    async def templates(self, organization_id: UUID) -> list[MessageTemplate]:
        return [t for (org, *_), t in sorted(self._d.templates.items()) if org == organization_id]

    async def save_template(self, template: MessageTemplate) -> MessageTemplate:
        key = (template.organization_id, template.event_type, template.channel, template.language)
        stored = self._d.templates.get(key)
        stored_version = 0 if stored is None else stored.version
        if stored_version != template.version - 1:
            raise _conflict("the template was changed by someone else; reload and retry")
        saved = template if stored is None else replace(template, id=stored.id)
        self._d.templates[key] = saved
        return saved

    async def default_language(self, organization_id: UUID) -> str:
        return self._d.languages.get(organization_id, DEFAULT_LANGUAGE)

    async def set_default_language(self, organization_id: UUID, language: str) -> None:
        self._d.languages[organization_id] = language
