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

from sqlalchemy import DateTime, Text, Uuid, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from jts_domain.model import DomainEvent, EventName
from jts_store.tables import OutboxRow

CHANNEL = "jts_outbox"

_outbox = OutboxRow.__table__

# One statement for any number of events, in their order, announcing the newest id.
_WRITE_AND_NOTIFY = text(
    """
    WITH written AS (
        INSERT INTO outbox (organization_id, name, payload, occurred_at)
        SELECT organization_id, name, payload::jsonb, occurred_at
        FROM unnest(:organization_ids, :names, :payloads, :occurred_ats)
            WITH ORDINALITY AS e(organization_id, name, payload, occurred_at, position)
        ORDER BY position
        RETURNING id
    )
    SELECT pg_notify(:channel, max(id)::text) FROM written
    """
).bindparams(
    bindparam("organization_ids", type_=ARRAY(Uuid())),
    bindparam("names", type_=ARRAY(Text())),
    bindparam("payloads", type_=ARRAY(Text())),
    bindparam("occurred_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("channel", type_=Text()),
)


def _payload_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, default=str)


async def write_events(connection: AsyncConnection, events: Sequence[DomainEvent]) -> None:
    """Append events to the outbox in the current transaction and notify at its commit."""
    if not events:
        return
    await connection.execute(
        _WRITE_AND_NOTIFY,
        {
            "organization_ids": [e.organization_id for e in events],
            "names": [e.name.value for e in events],
            "payloads": [_payload_json(e.payload) for e in events],
            "occurred_ats": [e.occurred_at for e in events],
            "channel": CHANNEL,
        },
    )


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
