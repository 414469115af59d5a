"""Daily-score recalculations on the worker: queued by the outbox consumer of stopped
timers, one saq job per organization, employee and business date at a time.

A request enqueues ``jts.recalculate_score`` under a deterministic key
``jts:score:<organization>:<employee>:<date>:<slot>``; saq keeps one job per key, so a
request while that job waits to run coalesces into it. There are two slots: while the
job of one slot runs, a request queues (or coalesces into) the other, whose run then
reads what committed meanwhile. A run holds an advisory lock of its key, so the two
slots' runs never overlap: a run that finds the lock taken is retried by saq after the
other finished, and reads what it wrote. saq answers "not again" for a finished job of
the same second, so such a request is scheduled a second later.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import structlog
from saq.job import Status
from saq.queue.postgres import PostgresQueue
from saq.utils import now_seconds
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.services import ServiceContext
from jts_domain.services.score_recalculation import ScoreRecalculation, recalculate_score
from jts_jobs.heartbeat import heartbeat
from jts_jobs.settings import WorkerSettings
from jts_store.advisory_locks import SCORE_RECALCULATION_KEYSPACE, lock_key, try_advisory_lock

log = structlog.get_logger("jts_jobs")

#: The saq function of every recalculation.
RECALCULATE_FUNCTION = "jts.recalculate_score"
SLOTS = ("a", "b")
_WAITING = frozenset({Status.NEW, Status.QUEUED})
_DONE = frozenset({Status.COMPLETE, Status.FAILED, Status.ABORTED})
#: A run that finds the other slot's run in progress waits this long, then longer.
BUSY_RETRIES = 20
BUSY_RETRY_DELAY_S = 0.2
#: The longest wait between two such tries: the other run takes well under a second, and
#: an uncapped backoff would put the twentieth try hours away (saq's default has no cap).
BUSY_RETRY_MAX_DELAY_S = 2.0


class RecalculationBusyError(Exception):
    """The other slot's run of the same recalculation is in progress; retry after it."""


def job_key(recalculation: ScoreRecalculation, slot: str) -> str:
    """The saq key of a recalculation's slot."""
    return f"jts:score:{recalculation.key}:{slot}"


class SaqScoreRecalculations:
    """The domain's ``ScoreRecalculations`` on saq (see the module docstring)."""

    def __init__(self, queue: PostgresQueue, settings: WorkerSettings) -> None:
        self._queue = queue
        self._settings = settings

    async def _enqueue(
        self, recalculation: ScoreRecalculation, key: str, scheduled: int = 0
    ) -> bool:
        job = await self._queue.enqueue(
            RECALCULATE_FUNCTION,
            key=key,
            # explicit, so the job read back later says when it was scheduled
            scheduled=scheduled or int(now_seconds()),
            timeout=self._settings.job_timeout_s,
            # touched while it runs, so a run whose worker died is swept within a minute
            heartbeat=self._settings.job_heartbeat_s,
            retries=BUSY_RETRIES,
            retry_delay=BUSY_RETRY_DELAY_S,
            retry_backoff=BUSY_RETRY_MAX_DELAY_S,
            kwargs={
                "organization_id": str(recalculation.organization_id),
                "employee_id": str(recalculation.employee_id),
                "business_date": recalculation.business_date.isoformat(),
            },
        )
        return job is not None

    async def request(self, recalculation: ScoreRecalculation) -> bool:
        """Queue a run that reads everything committed now; False when a waiting one will."""
        keys = [job_key(recalculation, slot) for slot in SLOTS]
        jobs = await self._queue.jobs(keys)
        if any(job is not None and job.status in _WAITING for job in jobs):
            return False
        for key, job in zip(keys, jobs, strict=True):
            if job is None or job.status in _DONE:
                # saq takes a key back only for a later schedule than its finished job's
                scheduled = 0 if job is None else max(int(now_seconds()), job.scheduled + 1)
                if await self._enqueue(recalculation, key, scheduled):
                    return True
        # Both slots running at once: one of them is about to be retried (it found the
        # other's lock). Raising leaves the batch unread; it is read again at the next poll.
        msg = f"score recalculation {recalculation.key} is running in both slots"
        raise RecalculationBusyError(msg)


class ScoreRecalculator:
    """The saq function ``jts.recalculate_score``."""

    def __init__(self, ctx: ServiceContext, engine: AsyncEngine, heartbeat_s: int) -> None:
        self.ctx = ctx
        self.engine = engine
        self.heartbeat_s = heartbeat_s

    async def run(self, saq_ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Calculate the employee's score for the date again, one run at a time."""
        recalculation = ScoreRecalculation(
            organization_id=UUID(kwargs["organization_id"]),
            employee_id=UUID(kwargs["employee_id"]),
            business_date=date.fromisoformat(kwargs["business_date"]),
        )
        key = lock_key(recalculation.key)
        # a run on a worker that died is swept and run again elsewhere, as job runs are
        async with (
            heartbeat(saq_ctx, self.heartbeat_s),
            try_advisory_lock(self.engine, SCORE_RECALCULATION_KEYSPACE, key) as taken,
        ):
            if not taken:
                raise RecalculationBusyError(recalculation.key)
            score = await recalculate_score(self.ctx, recalculation)
        result = None if score is None or score.score is None else str(score.score)
        log.info("score recalculated", key=recalculation.key, score=result)
        return {"key": recalculation.key, "score": result}
