"""Month partitions of ``heartbeats``: ``heartbeats_YYYY_MM`` for ``[month, next month)``.

There is no default partition (rows for a month without one would land there and then
block its creation). A month is made before rows for it are written: by the daily job
ahead of time, and by the ingest when a month it needs is missing.

A month is made under an advisory lock (concurrent creators wait for each other rather
than race on the catalog) as a standalone table attached with ``ATTACH PARTITION``,
which does not block the ingest and readers the way ``CREATE TABLE … PARTITION OF``
would. The job makes and drops months on connections of their own, one short
transaction each; the ingest makes a missing month inside its own transaction, before it
writes anything (a second connection per request could exhaust the pool under load).
Which months exist is cached per process and database once seen committed, so an
ingest into known months costs no statement; only the job drops months, and only months
far older than anything the ingest accepts (13 months against 7 days).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.activity.months import add_months, month_start
from jts_store.activity.tables import HEARTBEATS
from jts_store.advisory_locks import ACTIVITY_MONTH_KEYSPACE
from jts_store.errors import domain_errors
from jts_store.repositories.transaction import TransactionConnection

_NAME = re.compile(rf"^{HEARTBEATS}_(\d{{4}})_(\d{{2}})$")

_LIST = text(
    """
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = CAST(:parent AS regclass)
    ORDER BY c.relname
    """
)
_LOCK = text("SELECT pg_advisory_xact_lock(:keyspace, :key)")
_EXISTS = text("SELECT to_regclass(:name) IS NOT NULL")

#: Months known to exist, per database (see the module docstring).
_known: dict[str, set[date]] = {}


def partition_name(month: date) -> str:
    """``heartbeats_2026_03`` for March 2026."""
    return f"{HEARTBEATS}_{month.year:04d}_{month.month:02d}"


def _cache(engine: AsyncEngine) -> set[date]:
    return _known.setdefault(engine.url.render_as_string(hide_password=True), set())


async def existing_months(db: TransactionConnection) -> list[date]:
    """The months that have a partition, oldest first."""
    months: list[date] = []
    for (name,) in await db.execute(_LIST, {"parent": HEARTBEATS}):
        found = _NAME.match(name)
        if found:
            months.append(date(int(found[1]), int(found[2]), 1))
    _cache(db.engine).update(months)
    return sorted(months)


class _Executes(Protocol):
    async def execute(self, statement: Any, params: Any = None) -> Any: ...


async def _locked(connection: _Executes, month: date) -> bool:
    """Take the lock of heartbeat storage changes (until the transaction ends); whether
    the month's partition exists. One lock for all months: two transactions each making
    a month could otherwise wait for each other (the attach of one month locks the
    parent table against the attach of another until commit)."""
    await connection.execute(_LOCK, {"keyspace": ACTIVITY_MONTH_KEYSPACE, "key": 0})
    return bool((await connection.execute(_EXISTS, {"name": partition_name(month)})).scalar_one())


async def _create(connection: _Executes, month: date) -> bool:
    """Make the month's partition unless it exists; whether it existed."""
    if await _locked(connection, month):
        return True
    name = partition_name(month)
    low, high = month_start(month), month_start(add_months(month, 1))
    # Names and bounds are made from a date, never from input: safe to format.
    await connection.execute(
        text(f"CREATE TABLE {name} (LIKE {HEARTBEATS} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    )
    await connection.execute(
        text(
            f"ALTER TABLE {HEARTBEATS} ATTACH PARTITION {name}"
            f" FOR VALUES FROM ('{low.isoformat()}') TO ('{high.isoformat()}')"
        )
    )
    return False


async def _drop(connection: _Executes, month: date) -> None:
    if not await _locked(connection, month):
        return
    name = partition_name(month)
    await connection.execute(text(f"ALTER TABLE {HEARTBEATS} DETACH PARTITION {name}"))
    await connection.execute(text(f"DROP TABLE {name}"))


async def create_months(engine: AsyncEngine, months: Iterable[date]) -> None:
    """Make the partitions of the months that have none, each committed on its own
    connection (for the maintenance job, which holds no other lock meanwhile)."""
    known = _cache(engine)
    for month in sorted(set(months) - known):
        async with domain_errors(), engine.begin() as connection:
            await _create(connection, month)
        known.add(month)


async def ensure_months(db: TransactionConnection, months: Iterable[date]) -> None:
    """Make the months' partitions in the caller's transaction, first thing, unless they
    are known to exist. A month made here is remembered only once a later transaction
    sees it committed, so a rollback never leaves a month believed to exist."""
    known = _cache(db.engine)
    for month in sorted(set(months) - known):
        if await _create(db, month):
            known.add(month)


async def drop_months(engine: AsyncEngine, months: Iterable[date]) -> None:
    """Detach and drop the months' partitions (those that exist), each on its own."""
    known = _cache(engine)
    for month in sorted(set(months)):
        known.discard(month)
        async with domain_errors(), engine.begin() as connection:
            await _drop(connection, month)
