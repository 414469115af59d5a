"""The transactional outbox: events written with the change that caused them, read in order.

:func:`write_events` runs inside the unit of work's transaction and wakes listeners with
``pg_notify('jts_outbox', <newest id>)``, which PostgreSQL delivers only at commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Text, Uuid, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from jts_domain.model import AuditEntry, DomainEvent, EventName
from jts_store.repositories.fragments import Fragment, combine
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import OutboxRow
from jts_store.tables.base import table_of

CHANNEL = "jts_outbox"

_outbox = table_of(OutboxRow)

_AUDIT = """audit AS (
    INSERT INTO audit_log (id, organization_id, at, actor_type, actor_id, actor_name, action,
                           entity_type, entity_id, summary)
    SELECT * FROM unnest(:a_ids, :a_organization_ids, :a_ats, :a_actor_types, :a_actor_ids,
                         :a_actor_names, :a_actions, :a_entity_types, :a_entity_ids,
                         :a_summaries))"""
_EVENTS = """written AS (
    INSERT INTO outbox (organization_id, name, payload, occurred_at)
    SELECT organization_id, name, payload::jsonb, occurred_at
    FROM unnest(:organization_ids, :names, :payloads, :occurred_ats)
        WITH ORDINALITY AS e(organization_id, name, payload, occurred_at, position)
    ORDER BY position
    RETURNING id)"""
_NOTIFY = "(SELECT pg_notify(:channel, max(id)::text) FROM written) AS notified"
_EVENT_BINDS = (
    bindparam("organization_ids", type_=ARRAY(Uuid())),
    bindparam("names", type_=ARRAY(Text())),
    bindparam("payloads", type_=ARRAY(Text())),
    bindparam("occurred_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("channel", type_=Text()),
)
_AUDIT_BINDS = (
    bindparam("a_ids", type_=ARRAY(Uuid())),
    bindparam("a_organization_ids", type_=ARRAY(Uuid())),
    bindparam("a_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("a_actor_types", type_=ARRAY(Text())),
    bindparam("a_actor_ids", type_=ARRAY(Uuid())),
    bindparam("a_actor_names", type_=ARRAY(Text())),
    bindparam("a_actions", type_=ARRAY(Text())),
    bindparam("a_entity_types", type_=ARRAY(Text())),
    bindparam("a_entity_ids", type_=ARRAY(Uuid())),
    bindparam("a_summaries", type_=ARRAY(Text())),
)


# One encoder for every payload: ``json.dumps`` with an argument builds a new one a call.
_PAYLOAD_ENCODER = json.JSONEncoder(default=str)


def _payload_json(payload: dict[str, Any]) -> str:
    return _PAYLOAD_ENCODER.encode(payload)


def _event_params(events: Sequence[DomainEvent]) -> dict[str, Any]:
    return {
        "organization_ids": [e.organization_id for e in events],
        "names": [e.name.value for e in events],
        "payloads": [_payload_json(e.payload) for e in events],
        "occurred_ats": [e.occurred_at for e in events],
        "channel": CHANNEL,
    }


def _audit_params(entries: Sequence[AuditEntry]) -> dict[str, Any]:
    return {
        "a_ids": [e.id for e in entries],
        "a_organization_ids": [e.organization_id for e in entries],
        "a_ats": [e.at for e in entries],
        "a_actor_types": [e.actor.type.value for e in entries],
        "a_actor_ids": [e.actor.id for e in entries],
        "a_actor_names": [e.actor.name for e in entries],
        "a_actions": [e.action for e in entries],
        "a_entity_types": [e.entity_type for e in entries],
        "a_entity_ids": [e.entity_id for e in entries],
        "a_summaries": [e.summary for e in entries],
    }


async def write_events(connection: AsyncConnection, events: Sequence[DomainEvent]) -> None:
    """Append events to the outbox in the current transaction and notify at its commit."""
    await write_appends(connection, (), events)


def appends(audit: Sequence[AuditEntry], events: Sequence[DomainEvent]) -> list[Fragment]:
    """The statement parts appending audit entries and outbox events (notifying listeners,
    at commit, of the newest event id)."""
    parts = []
    if audit:
        parts.append(Fragment(ctes=(_AUDIT,), params=_audit_params(audit), binds=_AUDIT_BINDS))
    if events:
        parts.append(
            Fragment(
                ctes=(_EVENTS,),
                selects=(_NOTIFY,),
                params=_event_params(events),
                binds=_EVENT_BINDS,
            )
        )
    return parts


async def write_appends(
    connection: AsyncConnection | TransactionConnection,
    audit: Sequence[AuditEntry],
    events: Sequence[DomainEvent],
) -> None:
    """Append audit entries and outbox events in one statement (none when both are empty),
    with the writes a unit of work staged for its commit (:mod:`jts_store.repositories.
    fragments`); listeners are notified of the events at commit."""
    if isinstance(connection, TransactionConnection):
        await connection.send([*connection.take_staged(), *appends(audit, events)])
        return
    fragments = appends(audit, events)
    if fragments:
        statement, params = combine(fragments)
        await connection.execute(statement, params)


def _event(organization_id: UUID, name: str, payload: Any, occurred_at: datetime) -> DomainEvent:
    return DomainEvent(
        name=EventName(name),
        organization_id=organization_id,
        occurred_at=occurred_at,
        payload=dict(payload),
    )


async def read_events(
    connection: AsyncConnection | AsyncSession, organization_id: UUID
) -> list[DomainEvent]:
    """Every committed event of an organization, oldest first."""
    statement = (
        select(_outbox.c.organization_id, _outbox.c.name, _outbox.c.payload, _outbox.c.occurred_at)
        .where(_outbox.c.organization_id == organization_id)
        .order_by(_outbox.c.id)
    )
    return [_event(*row) for row in await connection.execute(statement)]


async def read_after(
    connection: AsyncConnection | AsyncSession, last_id: int, limit: int
) -> list[tuple[int, DomainEvent]]:
    """Up to ``limit`` events with ids above ``last_id``, by id, each with its id.

    Ids are not commit order (a transaction that started earlier may commit later); the
    bus reads by ``(txid, id)`` behind the oldest running transaction instead.
    """
    statement = (
        select(
            _outbox.c.id,
            _outbox.c.organization_id,
            _outbox.c.name,
            _outbox.c.payload,
            _outbox.c.occurred_at,
        )
        .where(_outbox.c.id > last_id)
        .order_by(_outbox.c.id)
        .limit(limit)
    )
    rows = await connection.execute(statement)
    return [(row.id, _event(*row[1:])) for row in rows]
