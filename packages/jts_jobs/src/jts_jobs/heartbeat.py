"""A running job's heartbeat, so a worker that dies mid-run is noticed in seconds.

saq marks a job stuck when it has not been touched for its ``heartbeat`` seconds; a
worker's sweep then aborts it and queues it again, and another worker runs it (the run's
advisory lock, held on a connection of the dead worker, went with that connection). Only
a live worker touches its jobs, every third of the heartbeat, while they run.

Worst case from a crash to the run starting again elsewhere: the heartbeat
(``JTS_JOB_HEARTBEAT_S``, 30 s) + one sweep interval (``JTS_SWEEP_INTERVAL_S``, 15 s) +
saq's wait for the abort (5 s) + the first retry delay (``JTS_JOB_RETRY_DELAY_S``, 5 s)
= 55 s with the defaults.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog

log = structlog.get_logger("jts_jobs")

#: How long saq's sweep waits for a stuck job to acknowledge its abort.
SWEEP_ABORT_WAIT_S = 5.0


async def _beat(job: Any, every_s: float) -> None:
    while True:
        try:
            await job.update()  # saq stamps ``touched``
        except Exception:  # a missed beat is retried; only a dead worker stops beating
            log.warning("heartbeat failed", job=job.key, exc_info=True)
        await asyncio.sleep(every_s)


@asynccontextmanager
async def heartbeat(saq_ctx: dict[str, Any], heartbeat_s: int) -> AsyncIterator[None]:
    """While the block runs, touch the saq job of ``saq_ctx`` now and every third of
    ``heartbeat_s``, which becomes the job's heartbeat: the worker running a job says how
    long it may go untouched, whoever queued it (nothing happens outside saq)."""
    job = saq_ctx.get("job")
    if job is None:
        yield
        return
    job.heartbeat = heartbeat_s
    beating = asyncio.create_task(_beat(job, max(heartbeat_s / 3, 0.2)))
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
