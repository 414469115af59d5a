"""Export rows from PostgreSQL: one SELECT per kind on a server-side cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from jts_domain.exports.model import ExportRow, ExportScope
from jts_store.operations.export_sql import SET_TIMEZONE, export_statement
from jts_store.repositories.transaction import TransactionConnection


class SqlExports:
    """Reads an export's rows ``batch_size`` at a time; nothing is held beyond a batch."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def rows(
        self, scope: ExportScope, *, batch_size: int
    ) -> AsyncIterator[Sequence[ExportRow]]:
        await self._db.execute(SET_TIMEZONE, {"timezone": scope.timezone})
        statement, parameters = export_statement(scope)
        result = await self._db.stream(statement, parameters, yield_per=batch_size)
        try:
            async for batch in result.partitions(batch_size):
                yield batch
        finally:
            await result.close()
