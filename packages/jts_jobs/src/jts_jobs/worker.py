"""The worker: saq on the JTS database, the scheduler tick, and the run executor.

:func:`run_worker` is what ``jts worker`` runs. :class:`JobsRuntime` holds the pieces,
so a test or a benchmark can tick the scheduler and drain the queue itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from saq import Worker
from saq.queue.postgres import PostgresQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.clock import SystemClock
from jts_domain.ports import Clock
from jts_domain.services import ServiceContext
from jts_domain.services.score_recalculation import CONSUMER as SCORE_RECALCULATIONS
from jts_domain.services.score_recalculation import queue_recalculations
from jts_jobs.outbox_consumers import OutboxConsumers
from jts_jobs.queue import RUN_FUNCTION, SaqJobQueue, make_queue
from jts_jobs.runs import RunExecutor
from jts_jobs.scheduler import Scheduler
from jts_jobs.score_recalculations import (
    RECALCULATE_FUNCTION,
    SaqScoreRecalculations,
    ScoreRecalculator,
)
from jts_jobs.settings import WorkerSettings
from jts_store.embedded import database_url as configured_url
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory


@dataclass
class JobsRuntime:
    """Everything a worker process runs on."""

    settings: WorkerSettings
    database_url: str
    engine: AsyncEngine
    ctx: ServiceContext
    queue: PostgresQueue
    executor: RunExecutor
    scheduler: Scheduler
    consumers: OutboxConsumers
    recalculator: ScoreRecalculator

    @classmethod
    async def open(
        cls,
        settings: WorkerSettings,
        *,
        clock: Clock | None = None,
        database_url: str | None = None,
    ) -> JobsRuntime:
        """Connect to the database (the configured or embedded one) and saq's queue."""
        url = database_url or configured_url(settings.database_url, settings.data_dir)
        engine = create_engine(url, pool_size=settings.pool_size)
        ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=clock or SystemClock())
        queue = make_queue(url, settings)
        await queue.connect()
        executor = RunExecutor(ctx, engine, settings, url)
        scheduler = Scheduler(ctx, engine, queue, settings, started_at=ctx.clock.now())
        recalculations = queue_recalculations(SaqScoreRecalculations(queue, settings))
        consumers = OutboxConsumers(
            ctx, settings.outbox_poll_seconds, {SCORE_RECALCULATIONS: recalculations}
        )
        recalculator = ScoreRecalculator(ctx, engine)
        return cls(settings, url, engine, ctx, queue, executor, scheduler, consumers, recalculator)

    def job_queue(self) -> SaqJobQueue:
        """The domain's ``JobQueue`` port on this queue (for manual triggers)."""
        return SaqJobQueue(self.queue, self.settings)

    def worker(
        self,
        *,
        burst: bool = False,
        dequeue_timeout: float = 0.0,
        poll_interval: float = 0.0,
        grace_period_s: int | None = None,
    ) -> Worker[Any]:
        """A saq worker running JTS's runs (``burst`` drains the queue and returns)."""
        grace = self.settings.shutdown_grace_period_s if grace_period_s is None else grace_period_s
        return Worker(
            self.queue,
            functions=[
                (RUN_FUNCTION, self.executor.run),
                (RECALCULATE_FUNCTION, self.recalculator.run),
            ],
            concurrency=self.settings.concurrency,
            burst=burst,
            dequeue_timeout=dequeue_timeout,
            shutdown_grace_period_s=grace,
            poll_interval=poll_interval,
        )

    async def drain(self, dequeue_timeout: float = 1.5) -> None:
        """Run queued jobs (retries included, once due) until the queue stays empty for
        ``dequeue_timeout`` seconds."""
        # Nothing runs when the queue is drained: saq's idle upkeep tasks need no grace.
        worker = self.worker(
            burst=True, dequeue_timeout=dequeue_timeout, poll_interval=0.1, grace_period_s=0
        )
        await worker.start()

    async def close(self) -> None:
        """Disconnect from saq and the database."""
        await self.queue.disconnect()
        await self.engine.dispose()


async def run_worker(
    settings: WorkerSettings, *, clock: Clock | None = None, stop: asyncio.Event | None = None
) -> None:
    """Run the worker until ``stop`` is set or the process gets SIGINT/SIGTERM.

    The first scheduler tick happens at once: a slot missed while no worker was up is
    caught up then, once. The outbox consumers run beside it (jobs to do from events,
    score recalculations from stopped timers).
    """
    stop = stop or asyncio.Event()
    runtime = await JobsRuntime.open(settings, clock=clock)
    worker = runtime.worker()
    try:
        ticking = asyncio.create_task(runtime.scheduler.loop(stop))
        consuming = asyncio.create_task(runtime.consumers.loop(stop))
        working = asyncio.create_task(worker.start())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        await worker.stop()
        await asyncio.gather(ticking, consuming, working, stopping)
    finally:
        with contextlib.suppress(Exception):
            await runtime.close()
