"""The audit log in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, tuple_

from jts_domain.model import Actor, ActorType, AuditEntry
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import AuditEntryRow
from jts_store.tables.base import table_of

_audit = table_of(AuditEntryRow)


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        organization_id=row.organization_id,
        at=row.at,
        actor=Actor(type=ActorType(row.actor_type), id=row.actor_id, name=row.actor_name),
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        summary=row.summary,
    )


def _values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "organization_id": entry.organization_id,
        "at": entry.at,
        "actor_type": entry.actor.type.value,
        "actor_id": entry.actor.id,
        "actor_name": entry.actor.name,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "summary": entry.summary,
    }


class SqlAuditLog:
    """The audit log: entries are kept until the unit of work commits and written with its
    outbox events in one statement; pages are read newest first through an index."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db
        self._pending: list[AuditEntry] = []

    async def add(self, entry: AuditEntry) -> None:
        self._pending.append(entry)

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        self._pending.extend(entries)

    def take_pending(self) -> list[AuditEntry]:
        """The entries added since the last take (the unit of work writes them)."""
        pending, self._pending = self._pending, []
        return pending

    def discard_pending(self) -> None:
        """Forget entries of a transaction that rolls back."""
        self._pending = []

    async def recent(
        self,
        organization_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[AuditEntry]:
        if self._pending:
            await self._db.execute(insert(_audit), [_values(e) for e in self.take_pending()])
        statement = select(_audit).where(_audit.c.organization_id == organization_id)
        if after is not None:
            statement = statement.where(tuple_(_audit.c.at, _audit.c.id) < tuple_(*after))
        order = (_audit.c.at.desc(), _audit.c.id.desc())
        rows = await self._db.execute(statement.order_by(*order).limit(max(limit, 0)))
        return [_entry(row) for row in rows]
