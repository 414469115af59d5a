"""The JSON export of a table, in a canonical form, and its checksum.

A table's export is a JSON array holding one object per row, one row per line, in
primary-key order; keys sorted, no spaces; UUIDs, numerics, dates and times as strings
(ISO 8601, instants in UTC); JSONB columns as JSON. Its SHA-256 is the table's checksum.
The same bytes come from the same rows whatever the server version or the session's
settings, so a restored database can be checked against the manifest.

Columns and primary keys are read from the database itself (not from the code's
tables), so an archive made by an older version of JTS is checked as it was written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Select, column, select, table, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import NullType, TypeEngine

from jts_store.backup.errors import BackupError
from jts_store.backup.manifest import TableEntry
from jts_store.tables import METADATA

#: Columns left out of the JSON exports: password hashes and the roster sources' bearer
#: tokens stay in the dump only.
EXCLUDED_COLUMNS: dict[str, list[str]] = {
    "employees": ["password_hash"],
    "roster_sources": ["token"],
}

Sink = Callable[[bytes], object]


_EXISTING = text(
    "SELECT name FROM unnest(CAST(:names AS text[])) WITH ORDINALITY AS t(name, position) "
    "WHERE to_regclass(quote_ident(name)) IS NOT NULL ORDER BY position"
)


async def exported_tables(connection: AsyncConnection) -> list[str]:
    """The tables of jts_store's metadata the database has, parents before children.

    A table the code knows but the database lacks (new code before its migration, as
    when backing up before migrating) is left out rather than failing the backup.
    """
    names = [table.name for table in METADATA.sorted_tables]
    return list(await connection.scalars(_EXISTING, {"names": names}))


def _json_value(value: object) -> str:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


def row_json(row: dict[str, Any]) -> bytes:
    """One row's canonical JSON."""
    text = json.dumps(
        row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_value
    )
    return text.encode()


class _Writer:
    """Feeds the export's bytes to the checksum and to an optional sink."""

    def __init__(self, sink: Sink | None) -> None:
        self.sink = sink
        self.digest = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        if self.sink is not None:
            self.sink(chunk)


_COLUMNS = text(
    """
    SELECT a.attname, t.typname, array_position(i.indkey::int2[], a.attnum) AS key_position
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
    WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum
    """
)

#: Types whose values the driver hands over as text and SQLAlchemy decodes.
_DECODED_TYPES: dict[str, TypeEngine[Any]] = {"jsonb": JSONB(), "json": JSON()}


async def _rows_in_key_order(
    connection: AsyncConnection, name: str, excluded: list[str]
) -> Select[Any]:
    """``SELECT`` the table's columns but ``excluded``, in primary-key order.

    The columns and the key are read from the catalog: one query, where reflecting the
    table through SQLAlchemy costs a dozen.
    """
    quoted = '"' + name.replace('"', '""') + '"'
    found = (await connection.execute(_COLUMNS, {"table": quoted})).all()
    if not found:
        raise BackupError(f"table {name} does not exist in the database")
    columns = {n: column(n, _DECODED_TYPES.get(t, NullType())) for n, t, _ in found}
    # indkey is an int2vector: as an array it starts at 0, so the first key column is 0
    in_key = sorted((f for f in found if f[2] is not None), key=lambda f: f[2])
    key = [columns[n] for n, _, _ in in_key]
    selected = [c for n, c in columns.items() if n not in excluded]
    return select(*selected).select_from(table(name)).order_by(*(key or columns.values()))


async def export_table(
    connection: AsyncConnection, name: str, excluded: list[str], sink: Sink | None
) -> TableEntry:
    """Stream a table's export, without the ``excluded`` columns, to ``sink`` (or nowhere);
    its row count and checksum.

    Run it in a REPEATABLE READ transaction so that every table is read at one instant.
    """
    query = await _rows_in_key_order(connection, name, excluded)
    result = await connection.stream(query)
    writer = _Writer(sink)
    writer.write(b"[")
    rows = 0
    async for row in result.mappings():
        writer.write(b"\n" if rows == 0 else b",\n")
        writer.write(row_json(dict(row)))
        rows += 1
    writer.write(b"\n]\n")
    return TableEntry(rows=rows, sha256=writer.digest.hexdigest())
