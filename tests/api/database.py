"""Reading the run's database directly, to check that a refused request changed nothing."""

from __future__ import annotations

import asyncio

import asyncpg

#: Tables that have an ``organization_id`` column and may be counted.
COUNTABLE = frozenset(
    {
        "employees",
        "departments",
        "stores",
        "shift_templates",
        "roster_entries",
        "attendance",
        "webhook_endpoints",
    }
)


async def _count(database_url: str, table: str, organization_id: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        query = f"SELECT count(*) FROM {table} WHERE organization_id = $1"  # noqa: S608 -- table from COUNTABLE
        return int(await connection.fetchval(query, organization_id))
    finally:
        await connection.close()


def count_rows(database_url: str, table: str, organization_id: str) -> int:
    """How many rows of ``table`` belong to the organization."""
    if table not in COUNTABLE:
        msg = f"cannot count {table}"
        raise ValueError(msg)
    return asyncio.run(_count(database_url, table, organization_id))
