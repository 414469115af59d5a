"""PostgreSQL advisory locks in JTS's own keyspaces (saq holds ``(0, 0)`` for itself).

A lock is a session lock on a connection of its own, held while the block runs and
released before the connection goes back to the pool; a lost connection releases it.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

#: One run of a job for one organization at a time ("JTS" in ASCII).
JOB_RUN_KEYSPACE = 0x4A5453
#: One scheduler tick at a time across workers.
SCHEDULER_KEYSPACE = 0x4A5454
#: One run of a system-wide job (the nightly backup) at a time, worker or ``jts backup``.
SYSTEM_JOB_KEYSPACE = 0x4A5455
#: One recalculation of an employee's daily score for a date at a time.
SCORE_RECALCULATION_KEYSPACE = 0x4A5456
#: One creation or removal of a month of heartbeat storage at a time.
ACTIVITY_MONTH_KEYSPACE = 0x4A5457


def lock_key(name: str) -> int:
    """A stable signed 32-bit key for a name (CRC-32); a collision only serialises two
    names that did not need it."""
    key = zlib.crc32(name.encode())
    return key - (1 << 32) if key >= 1 << 31 else key


@asynccontextmanager
async def try_advisory_lock(engine: AsyncEngine, keyspace: int, key: int) -> AsyncIterator[bool]:
    """Try to take the lock ``(keyspace, key)``; yield whether it was taken.

    The lock is held until the block ends, on a connection used for nothing else.
    """
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        taken = (
            await connection.execute(
                text("SELECT pg_try_advisory_lock(:keyspace, :key)"),
                {"keyspace": keyspace, "key": key},
            )
        ).scalar_one()
        try:
            yield bool(taken)
        finally:
            if taken:
                await connection.execute(
                    text("SELECT pg_advisory_unlock(:keyspace, :key)"),
                    {"keyspace": keyspace, "key": key},
                )
