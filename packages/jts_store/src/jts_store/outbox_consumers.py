"""Durable outbox consumers in PostgreSQL: a position per consumer, read in commit order.

A claim locks the consumer's row (``FOR UPDATE SKIP LOCKED``: a second worker skips
instead of waiting) for the rest of the transaction, then reads the outbox the way
:mod:`jts_store.bus` does — by ``(txid, id)``, only rows whose transaction is older than
every one still running — so a transaction that commits late is never skipped. A batch
always ends at a transaction's end. The position moves in the same transaction as the
consumer's effects: both commit, or neither.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from jts_domain.model import DomainEvent, EventName
from jts_domain.ports import OutboxBatch
from jts_store.repositories.transaction import TransactionConnection

_ENSURE = text("INSERT INTO outbox_consumers (name) VALUES (:name) ON CONFLICT (name) DO NOTHING")

_LOCK = text(
    """
    SELECT txid::text AS txid, last_id FROM outbox_consumers
    WHERE name = :name FOR UPDATE SKIP LOCKED
    """
)

_COLUMNS = "txid::text AS txid, id, organization_id, name, payload, occurred_at"

_READ_AFTER = text(
    f"""
    SELECT {_COLUMNS} FROM outbox
    WHERE (txid, id) > (CAST(CAST(:txid AS text) AS xid8), :last_id)
      AND txid < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY txid, id
    LIMIT :limit
    """  # noqa: S608 -- a constant column list, no input
)

_REST_OF_TRANSACTION = text(
    f"""
    SELECT {_COLUMNS} FROM outbox
    WHERE txid = CAST(CAST(:txid AS text) AS xid8) AND id > :last_id
    ORDER BY id
    """  # noqa: S608 -- a constant column list, no input
)

_ADVANCE = text(
    """
    UPDATE outbox_consumers
    SET txid = CAST(CAST(:txid AS text) AS xid8), last_id = :last_id, updated_at = now()
    WHERE name = :name
    """
)

_KNOWN = frozenset(name.value for name in EventName)


def _event(row: Any) -> DomainEvent | None:
    """The event of a row (None for a name this build does not know: passed over)."""
    if row.name not in _KNOWN:
        return None
    payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
    return DomainEvent(
        name=EventName(row.name),
        organization_id=row.organization_id,
        occurred_at=row.occurred_at,
        payload=dict(payload),
    )


class SqlOutboxConsumers:
    """The outbox consumers of a unit of work."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def claim(self, consumer: str, limit: int) -> OutboxBatch | None:
        await self._db.execute(_ENSURE, {"name": consumer})
        held = (await self._db.execute(_LOCK, {"name": consumer})).first()
        if held is None:
            return None
        params = {"txid": held.txid, "last_id": held.last_id, "limit": max(limit, 1)}
        rows = list(await self._db.execute(_READ_AFTER, params))
        if not rows:
            return None
        last = rows[-1]
        rows += list(
            await self._db.execute(_REST_OF_TRANSACTION, {"txid": last.txid, "last_id": last.id})
        )
        events, keys = [], []
        for row in rows:
            event = _event(row)
            if event is not None:
                events.append(event)
                keys.append(f"{row.txid}.{row.id}")
        end = rows[-1]
        return OutboxBatch(events=tuple(events), keys=tuple(keys), end=f"{end.txid}.{end.id}")

    async def advance(self, consumer: str, end: str) -> None:
        txid, _, last_id = end.partition(".")
        await self._db.execute(_ADVANCE, {"name": consumer, "txid": txid, "last_id": int(last_id)})
