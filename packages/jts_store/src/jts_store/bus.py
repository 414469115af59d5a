"""The event bus: committed outbox rows, announced by LISTEN/NOTIFY, read in commit order.

The outbox table is the truth; a notification only says "look now". A listener keeps a
cursor ``(txid, id)`` and reads rows whose writing transaction is older than every
transaction still running (``txid < pg_snapshot_xmin(pg_current_snapshot())``), so a
transaction that commits late can never slip behind the cursor: every row is delivered
exactly once, in commit order, even across dropped connections and server restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from jts_domain.model import DomainEvent, EventName

CHANNEL = "jts_outbox"
APPLICATION_NAME = "jts-outbox-bus"

_READ_AFTER = """
SELECT txid::text::bigint AS txid, id, organization_id, name, payload, occurred_at
FROM outbox
WHERE (txid, id) > ($1::text::xid8, $2)
  AND txid < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY txid, id
LIMIT $3
"""

_END_OF_LOG = """
SELECT coalesce(max(txid), '0'::xid8)::text::bigint AS txid, coalesce(max(id), 0) AS id
FROM outbox
WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
"""

_CONNECTION_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, order=True)
class OutboxPosition:
    """A place in the outbox: the writing transaction, then the row id."""

    txid: int = 0
    id: int = 0


@dataclass(frozen=True, slots=True)
class Delivery:
    """One committed event and where it stands in the outbox."""

    position: OutboxPosition
    event: DomainEvent


def _delivery(row: asyncpg.Record) -> Delivery:
    payload: Any = row["payload"]
    occurred_at: datetime = row["occurred_at"]
    organization_id: UUID = row["organization_id"]
    return Delivery(
        position=OutboxPosition(txid=row["txid"], id=row["id"]),
        event=DomainEvent(
            name=EventName(row["name"]),
            organization_id=organization_id,
            occurred_at=occurred_at,
            payload=json.loads(payload) if isinstance(payload, str) else dict(payload),
        ),
    )


class OutboxBus:
    """Streams committed outbox events once each, in order, reconnecting when it must.

    ``url`` is a plain ``postgresql://`` URL (a Unix-socket one works). Start from the
    beginning, from a saved :class:`OutboxPosition`, or from :meth:`end_of_log`.
    """

    def __init__(
        self,
        url: str,
        *,
        after: OutboxPosition | None = None,
        poll_seconds: float = 1.0,
        batch_size: int = 500,
        max_backoff_seconds: float = 5.0,
    ) -> None:
        self._url = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self.position = after or OutboxPosition()
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._max_backoff = max_backoff_seconds
        self._wake = asyncio.Event()
        self.reconnects = 0

    async def end_of_log(self) -> OutboxPosition:
        """The position after every event committed so far (to skip history)."""
        conn = await asyncpg.connect(self._url)
        try:
            row = await conn.fetchrow(_END_OF_LOG)
        finally:
            await conn.close()
        assert row is not None  # an aggregate always returns a row
        return OutboxPosition(txid=row["txid"], id=row["id"])

    async def stream(self) -> AsyncIterator[Delivery]:
        """Every committed event after :attr:`position`, forever; advances the position."""
        while True:
            conn = await self._connect()
            try:
                while True:
                    async for delivery in self._drain(conn):
                        yield delivery
                    await self._wait(conn)
            except _CONNECTION_ERRORS as error:
                logger.warning("outbox listener lost its connection: %s", error)
                self.reconnects += 1
            finally:
                with contextlib.suppress(*_CONNECTION_ERRORS):
                    await conn.close(timeout=1)

    async def _connect(self) -> asyncpg.Connection:
        backoff = 0.05
        while True:
            try:
                conn = await asyncpg.connect(
                    self._url, server_settings={"application_name": APPLICATION_NAME}
                )
                await conn.add_listener(CHANNEL, self._on_notify)
                conn.add_termination_listener(self._on_terminate)
            except _CONNECTION_ERRORS as error:
                logger.info("outbox listener cannot connect yet: %s", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
            else:
                return conn

    async def _drain(self, conn: asyncpg.Connection) -> AsyncIterator[Delivery]:
        while True:
            self._wake.clear()
            rows = await conn.fetch(
                _READ_AFTER, str(self.position.txid), self.position.id, self._batch_size
            )
            for row in rows:
                delivery = _delivery(row)
                self.position = delivery.position
                yield delivery
            if len(rows) < self._batch_size:
                return

    async def _wait(self, conn: asyncpg.Connection) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
        if conn.is_closed():
            msg = "the listener connection was closed"
            raise ConnectionError(msg)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def _on_terminate(self, *_: object) -> None:
        self._wake.set()
