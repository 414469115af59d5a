"""Pruning the outbox: an event every durable consumer has read, older than a margin,
is deleted. The live bus readers start from the end of the log when they connect, so
they need no history; the margin covers a reader that is merely slow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_POSITIONS = text(
    "SELECT count(*) AS consumers, min(txid)::text AS txid FROM outbox_consumers "
    "WHERE name = ANY(:names)"
)
_OLDEST = text(
    "SELECT txid::text AS txid, last_id FROM outbox_consumers WHERE name = ANY(:names) "
    "ORDER BY txid, last_id LIMIT 1"
)
_DELETE = text(
    """
    DELETE FROM outbox
    WHERE (txid, id) <= (CAST(CAST(:txid AS text) AS xid8), :last_id)
      AND occurred_at < :before
    """
)


async def prune_outbox(engine: AsyncEngine, consumers: Sequence[str], before: datetime) -> int:
    """Delete the events every one of ``consumers`` has read that occurred before
    ``before``; how many. Nothing is deleted while a consumer has no position yet."""
    names = sorted(set(consumers))
    if not names:
        return 0
    async with engine.begin() as connection:
        counted = (await connection.execute(_POSITIONS, {"names": names})).one()
        if counted.consumers < len(names):
            return 0
        oldest = (await connection.execute(_OLDEST, {"names": names})).one()
        params = {"txid": oldest.txid, "last_id": oldest.last_id, "before": before}
        result = await connection.execute(_DELETE, params)
        return int(result.rowcount or 0)
