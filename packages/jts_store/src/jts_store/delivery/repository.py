"""Delivery in PostgreSQL: the claim (``FOR UPDATE SKIP LOCKED``), the shared counters
(a row lock per counter, so workers queue on it), set-based writes of attempts,
deliveries, the ledger and inboxes, and the usage sums in the tenant's timezone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, func, or_, select, text, true, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.types import DateTime, Text, Uuid

from jts_domain.delivery.model import (
    ClaimedJob,
    DeliveryAttempt,
    InboxMessage,
    JobDelivery,
    LedgerEntry,
    MessageTemplate,
    UsageRow,
)
from jts_domain.delivery.rules import RETRY_STATES, STALE_STATES, Claimable
from jts_domain.delivery.templates import DEFAULT_LANGUAGE
from jts_domain.errors import not_found
from jts_store.delivery.rows import (
    attempt_of,
    attempt_values,
    delivery_of,
    delivery_values,
    inbox_of,
    template_of,
)
from jts_store.delivery.tables import (
    CostLedgerRow,
    DeliveryAttemptRow,
    DeliveryCounterRow,
    DeliverySettingsRow,
    InboxMessageRow,
    JobDeliveryRow,
    MessageTemplateRow,
)
from jts_store.errors import stale
from jts_store.jtd.rows import job_of
from jts_store.jtd.tables import JobToDoRow
from jts_store.repositories.transaction import TransactionConnection
from jts_store.repositories.unnest import column_arrays, unnest_insert
from jts_store.tables.base import table_of

_jobs = table_of(JobToDoRow)
_deliveries = table_of(JobDeliveryRow)
_attempts = table_of(DeliveryAttemptRow)
_counters = table_of(DeliveryCounterRow)
_ledger = table_of(CostLedgerRow)
_inbox = table_of(InboxMessageRow)
_templates = table_of(MessageTemplateRow)
_settings = table_of(DeliverySettingsRow)

_D = "d_"
_DELIVERY_COLUMNS = [c.label(f"{_D}{c.name}") for c in _deliveries.c]

_FINISH = text(
    """
    UPDATE delivery_attempts AS a SET finished_at = u.finished_at, outcome = u.outcome,
        error = u.error, provider_message_id = u.provider_message_id
    FROM unnest(:ids, :finished_ats, :outcomes, :errors, :provider_ids)
        AS u(id, finished_at, outcome, error, provider_message_id)
    WHERE a.id = u.id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("finished_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("outcomes", type_=ARRAY(Text())),
    bindparam("errors", type_=ARRAY(Text())),
    bindparam("provider_ids", type_=ARRAY(Text())),
)


_DELIVERY_NAMES = tuple(c.name for c in _deliveries.c)
_SAVE_DELIVERIES = unnest_insert(
    _deliveries,
    _DELIVERY_NAMES,
    "ON CONFLICT (job_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = EXCLUDED.{c}" for c in _DELIVERY_NAMES if c not in ("job_id", "organization_id")
    ),
)
_ATTEMPT_NAMES = tuple(c.name for c in _attempts.c)
_ADD_ATTEMPTS = unnest_insert(_attempts, _ATTEMPT_NAMES)
_LEDGER_NAMES = tuple(c.name for c in _ledger.c)
_ADD_LEDGER = unnest_insert(_ledger, _LEDGER_NAMES, "ON CONFLICT (job_id) DO NOTHING")
_INBOX_NAMES = tuple(c.name for c in _inbox.c)
_ADD_INBOX = unnest_insert(_inbox, _INBOX_NAMES, "ON CONFLICT (job_id) DO NOTHING RETURNING id")


def _pairs(column_pairs: frozenset[tuple[str, str]]) -> Any:
    return tuple_(_jobs.c.event_type, _jobs.c.status).in_(sorted(column_pairs))


class SqlDelivery:
    """The delivery repository of a unit of work."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def claim_due(
        self,
        now: datetime,
        claimable: Claimable,
        channels: frozenset[str],
        limit: int,
        tenants: frozenset[UUID] | None = None,
    ) -> list[ClaimedJob]:
        d = _deliveries.c
        statement = (
            select(_jobs, *_DELIVERY_COLUMNS)
            .select_from(_jobs.outerjoin(_deliveries, d.job_id == _jobs.c.id))
            .where(
                _jobs.c.scheduled_at <= now,
                _jobs.c.channel.in_(sorted(channels)),
                or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now),
                or_(
                    _pairs(claimable.fresh),
                    and_(_pairs(claimable.retry), d.state.in_(sorted(RETRY_STATES))),
                    and_(_pairs(claimable.stale), d.state.in_(sorted(STALE_STATES))),
                ),
            )
            .where(_jobs.c.organization_id.in_(sorted(tenants)) if tenants is not None else true())
            .order_by(_jobs.c.priority.desc(), _jobs.c.scheduled_at, _jobs.c.id)
            .limit(max(limit, 0))
            .with_for_update(of=_jobs, skip_locked=True)
        )
        claimed = []
        for row in await self._db.execute(statement):
            has_delivery = row._mapping[f"{_D}job_id"] is not None
            claimed.append(
                ClaimedJob(job=job_of(row), delivery=delivery_of(row, _D) if has_delivery else None)
            )
        return claimed

    async def take(self, key: str, window: datetime, limit: int, wanted: int) -> tuple[int, int]:
        c = _counters.c
        await self._db.execute(
            insert(_counters)
            .values(key=key, bucket=window, used=0)
            .on_conflict_do_nothing(index_elements=["key", "bucket"])
        )
        where = (c.key == key, c.bucket == window)
        locked = select(c.used).where(*where).with_for_update()
        before = int((await self._db.execute(locked)).scalar_one())
        after = min(max(limit, before), before + max(wanted, 0))
        if after != before:
            await self._db.execute(update(_counters).where(*where).values(used=after))
        return before, after

    async def give_back(self, key: str, window: datetime, count: int) -> None:
        if count <= 0:
            return
        c = _counters.c
        statement = (
            update(_counters)
            .where(c.key == key, c.bucket == window)
            .values(used=func.greatest(c.used - count, 0))
        )
        await self._db.execute(statement)

    async def save_deliveries(self, deliveries: Sequence[JobDelivery]) -> None:
        rows = list({d.job_id: delivery_values(d) for d in deliveries}.values())
        if rows:
            await self._db.execute(_SAVE_DELIVERIES, column_arrays(rows, _DELIVERY_NAMES))

    async def deliveries(
        self, organization_id: UUID, job_ids: Sequence[UUID]
    ) -> dict[UUID, JobDelivery]:
        if not job_ids:
            return {}
        statement = select(_deliveries).where(
            _deliveries.c.organization_id == organization_id,
            _deliveries.c.job_id.in_(set(job_ids)),
        )
        return {row.job_id: delivery_of(row) for row in await self._db.execute(statement)}

    async def add_attempts(self, attempts: Sequence[DeliveryAttempt]) -> None:
        if attempts:
            rows = [attempt_values(a) for a in attempts]
            await self._db.execute(_ADD_ATTEMPTS, column_arrays(rows, _ATTEMPT_NAMES))

    async def finish_attempts(self, attempts: Sequence[DeliveryAttempt]) -> None:
        if not attempts:
            return
        params = {
            "ids": [a.id for a in attempts],
            "finished_ats": [a.finished_at for a in attempts],
            "outcomes": [None if a.outcome is None else a.outcome.value for a in attempts],
            "errors": [a.error for a in attempts],
            "provider_ids": [a.provider_message_id for a in attempts],
        }
        await self._db.execute(_FINISH, params)

    async def open_attempts(self, job_ids: Sequence[UUID]) -> list[DeliveryAttempt]:
        if not job_ids:
            return []
        statement = (
            select(_attempts)
            .where(_attempts.c.job_id.in_(set(job_ids)), _attempts.c.outcome.is_(None))
            .order_by(_attempts.c.job_id, _attempts.c.attempt)
        )
        return [attempt_of(row) for row in await self._db.execute(statement)]

    async def attempts(self, organization_id: UUID, job_id: UUID) -> list[DeliveryAttempt]:
        statement = (
            select(_attempts)
            .where(_attempts.c.organization_id == organization_id, _attempts.c.job_id == job_id)
            .order_by(_attempts.c.attempt)
        )
        return [attempt_of(row) for row in await self._db.execute(statement)]

    async def attempt_by_provider_id(self, provider_message_id: str) -> DeliveryAttempt | None:
        statement = (
            select(_attempts)
            .where(
                _attempts.c.provider_message_id == provider_message_id,
                _attempts.c.outcome.in_(("sent", "test_mode")),
            )
            .limit(1)
        )
        row = (await self._db.execute(statement)).first()
        return None if row is None else attempt_of(row)

    async def add_ledger(self, entries: Sequence[LedgerEntry]) -> None:
        rows = [
            {
                "id": e.id,
                "organization_id": e.organization_id,
                "job_id": e.job_id,
                "channel": e.channel,
                "provider": e.provider,
                "cost_minor": e.cost_minor,
                "currency": e.currency,
                "is_live": e.is_live,
                "sent_at": e.sent_at,
            }
            for e in entries
        ]
        if rows:
            await self._db.execute(_ADD_LEDGER, column_arrays(rows, _LEDGER_NAMES))

    async def usage(
        self, organization_id: UUID, start: datetime, end: datetime, timezone: str
    ) -> list[UsageRow]:
        c = _ledger.c
        day = func.to_char(func.timezone(timezone, c.sent_at), "YYYY-MM-DD").label("day")
        statement = (
            select(
                day,
                c.channel,
                c.currency,
                func.count().label("messages"),
                func.coalesce(func.sum(c.cost_minor), 0).label("cost"),
            )
            .where(c.organization_id == organization_id, c.sent_at >= start, c.sent_at < end)
            .group_by(day, c.channel, c.currency)
            .order_by(day, c.channel, c.currency)
        )
        return [
            UsageRow(
                day=row.day,
                channel=row.channel,
                messages=int(row.messages),
                cost_minor=int(row.cost),
                currency=row.currency,
            )
            for row in await self._db.execute(statement)
        ]

    async def add_inbox(self, messages: Sequence[InboxMessage]) -> list[InboxMessage]:
        rows = [
            {
                "id": m.id,
                "organization_id": m.organization_id,
                "employee_id": m.employee_id,
                "job_id": m.job_id,
                "subject": m.subject,
                "body": m.body,
                "priority": m.priority,
                "created_at": m.created_at,
                "read_at": m.read_at,
            }
            for m in messages
        ]
        if not rows:
            return []
        found = await self._db.execute(_ADD_INBOX, column_arrays(rows, _INBOX_NAMES))
        added = {row.id for row in found}
        return [m for m in messages if m.id in added]

    async def inbox(
        self,
        organization_id: UUID,
        employee_id: UUID,
        *,
        unread_only: bool = False,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[InboxMessage]:
        c = _inbox.c
        statement = select(_inbox).where(
            c.organization_id == organization_id, c.employee_id == employee_id
        )
        if unread_only:
            statement = statement.where(c.read_at.is_(None))
        if after is not None:
            statement = statement.where(tuple_(c.created_at, c.id) < tuple_(*after))
        statement = statement.order_by(c.created_at.desc(), c.id.desc()).limit(max(limit, 0))
        return [inbox_of(row) for row in await self._db.execute(statement)]

    async def mark_read(
        self, organization_id: UUID, employee_id: UUID, message_ids: Sequence[UUID], at: datetime
    ) -> list[InboxMessage]:
        c = _inbox.c
        mine = (c.organization_id == organization_id, c.employee_id == employee_id)
        found = select(c.id).where(*mine, c.id.in_(set(message_ids)))
        known = {row.id for row in await self._db.execute(found)}
        missing = [m for m in message_ids if m not in known]
        if missing:
            raise not_found("inbox message", missing[0])
        statement = (
            update(_inbox)
            .where(*mine, c.id.in_(set(message_ids)), c.read_at.is_(None))
            .values(read_at=at)
            .returning(_inbox)
        )
        return [inbox_of(row) for row in await self._db.execute(statement)]

    async def templates(self, organization_id: UUID) -> list[MessageTemplate]:
        c = _templates.c
        statement = (
            select(_templates)
            .where(c.organization_id == organization_id)
            .order_by(c.event_type, c.channel, c.language)
        )
        return [template_of(row) for row in await self._db.execute(statement)]

    async def save_template(self, template: MessageTemplate) -> MessageTemplate:
        values = {
            "id": template.id,
            "organization_id": template.organization_id,
            "event_type": template.event_type,
            "channel": template.channel,
            "language": template.language,
            "subject": template.subject,
            "body": template.body,
            "updated_at": template.updated_at,
            "version": template.version,
        }
        upsert = insert(_templates).values(**values)
        statement = upsert.on_conflict_do_update(
            index_elements=["organization_id", "event_type", "channel", "language"],
            set_={k: upsert.excluded[k] for k in ("subject", "body", "updated_at", "version")},
            where=_templates.c.version == template.version - 1,
        ).returning(_templates.c.id)
        row = (await self._db.execute(statement)).first()
        if row is None:
            raise stale("message template", template.id, template.version - 1)
        return replace(template, id=row.id)

    async def default_language(self, organization_id: UUID) -> str:
        statement = select(_settings.c.default_language).where(
            _settings.c.organization_id == organization_id
        )
        found = (await self._db.execute(statement)).scalar_one_or_none()
        return DEFAULT_LANGUAGE if found is None else str(found)

    async def set_default_language(self, organization_id: UUID, language: str) -> None:
        statement = insert(_settings).values(
            organization_id=organization_id, default_language=language
        )
        await self._db.execute(
            statement.on_conflict_do_update(
                index_elements=["organization_id"], set_={"default_language": language}
            )
        )
