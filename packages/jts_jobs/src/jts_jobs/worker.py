"""The worker: saq on the JTS database, the scheduler tick, and the run executor.

:func:`run_worker` is what ``jts worker`` runs. :class:`JobsRuntime` holds the pieces,
so a test or a benchmark can tick the scheduler and drain the queue itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.clock import SystemClock
from jts_domain.ports import Clock
from jts_domain.services import ServiceContext
from jts_domain.services.score_recalculation import CONSUMER as SCORE_RECALCULATIONS
from jts_domain.services.score_recalculation import queue_recalculations
from jts_jobs.delivery.loop import DeliveryLoop
from jts_jobs.delivery.settings import DeliverySettings
from jts_jobs.outbox_consumers import OutboxConsumers
from jts_jobs.queue import RUN_FUNCTION, SYSTEM_RUN_FUNCTION, SaqJobQueue, make_queue
from jts_jobs.runs import RunExecutor
from jts_jobs.saq_worker import JtsQueue, JtsWorker
from jts_jobs.scheduler import Scheduler
from jts_jobs.score_recalculations import (
    RECALCULATE_FUNCTION,
    SaqScoreRecalculations,
    ScoreRecalculator,
)
from jts_jobs.settings import WorkerSettings
from jts_jobs.system_runs import SystemRunExecutor
from jts_store.database import Database
from jts_store.embedded import database_url as configured_url

#: How long :meth:`JobsRuntime.drain` waits for the queue to empty at most.
DRAIN_TIMEOUT_S = 120.0
#: How often a drain looks at the queue when no job of its own worker finished.
DRAIN_RECHECK_S = 0.5


@dataclass
class JobsRuntime:
    """Everything a worker process runs on."""

    settings: WorkerSettings
    database_url: str
    engine: AsyncEngine
    ctx: ServiceContext
    queue: JtsQueue
    executor: RunExecutor
    scheduler: Scheduler
    consumers: OutboxConsumers
    system_executor: SystemRunExecutor
    recalculator: ScoreRecalculator
    delivery: DeliveryLoop
    #: Whether :meth:`close` disposes the engine (it made it) or leaves it to its giver.
    owns_engine: bool = True

    @classmethod
    async def open(
        cls,
        settings: WorkerSettings,
        *,
        clock: Clock | None = None,
        database_url: str | None = None,
        delivery: DeliverySettings | None = None,
        database: Database | None = None,
    ) -> JobsRuntime:
        """Connect to saq's queue and run on ``database`` (the process's engine and
        unit-of-work factory, which :meth:`close` leaves open for whoever opened it), or
        on an engine of its own on the configured or embedded database, closed by
        :meth:`close`; ``delivery`` defaults to the environment's delivery settings."""
        if database is not None and database_url is not None:
            msg = "JobsRuntime.open takes a database_url or a database, not both"
            raise ValueError(msg)
        owns_engine = database is None
        if database is None:
            url = database_url or configured_url(settings.database_url, settings.data_dir)
            database = Database.open(url, pool_size=settings.pool_size)
        url, engine = database.url, database.engine
        ctx = ServiceContext(uow=database.uow, clock=clock or SystemClock())
        queue = make_queue(url, settings)
        await queue.connect()
        executor = RunExecutor(ctx, engine, settings, url)
        scheduler = Scheduler(ctx, engine, queue, settings, started_at=ctx.clock.now())
        recalculations = queue_recalculations(SaqScoreRecalculations(queue, settings))
        consumers = OutboxConsumers(
            ctx, settings.outbox_poll_seconds, {SCORE_RECALCULATIONS: recalculations}
        )
        recalculator = ScoreRecalculator(ctx, engine, settings.job_heartbeat_s)
        system_executor = SystemRunExecutor(ctx, engine, settings, url)
        sending = DeliveryLoop.build(
            ctx, engine, delivery or DeliverySettings(), list(consumers.handlers)
        )
        return cls(
            settings,
            url,
            engine,
            ctx,
            queue,
            executor,
            scheduler,
            consumers,
            system_executor,
            recalculator,
            sending,
            owns_engine,
        )

    def job_queue(self) -> SaqJobQueue:
        """The domain's ``JobQueue`` port on this queue (for manual triggers)."""
        return SaqJobQueue(self.queue, self.settings)

    def worker(
        self,
        *,
        poll_interval: float = 0.0,
        grace_period_s: int | None = None,
        after_process: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> JtsWorker:
        """A saq worker running JTS's runs, until stopped."""
        grace = self.settings.shutdown_grace_period_s if grace_period_s is None else grace_period_s
        return JtsWorker(
            self.queue,
            functions=[
                (RUN_FUNCTION, self.executor.run),
                (SYSTEM_RUN_FUNCTION, self.system_executor.run),
                (RECALCULATE_FUNCTION, self.recalculator.run),
            ],
            concurrency=self.settings.concurrency,
            stop_grace_s=grace,
            poll_interval=poll_interval,
            after_process=after_process,
            timers={"sweep": self.settings.sweep_interval_s},
        )

    async def unfinished_jobs(self) -> int:
        """Jobs of this queue not finished yet: queued (a retry not due yet included)
        or being run."""
        return await self.queue.count("incomplete")

    async def drain(self, *, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Run queued jobs — retries included, whenever they fall due — until the queue
        holds nothing unfinished; TimeoutError after ``timeout_s`` seconds.

        The end is read from the queue's table after each job this worker runs (and
        every half second, for jobs other workers run), never guessed from a quiet
        moment: saq's burst mode stops once every waiting task has timed out once,
        leaving behind retries due later and jobs it had fetched for the waiters that
        timed out just then.
        """
        processed = asyncio.Event()

        async def after_process(saq_ctx: dict[str, Any]) -> None:
            del saq_ctx
            processed.set()

        # Nothing runs once the queue is drained: saq's idle tasks need no grace.
        worker = self.worker(poll_interval=0.1, grace_period_s=0, after_process=after_process)
        working = asyncio.create_task(worker.start())
        try:
            async with asyncio.timeout(timeout_s):
                await self._until_drained(working, processed)
        finally:
            await worker.stop()
            await working

    async def _until_drained(self, working: asyncio.Task[None], processed: asyncio.Event) -> None:
        while True:
            processed.clear()  # before counting, so no job finishing meanwhile goes unseen
            if not await self.unfinished_jobs():
                return
            waiting = asyncio.create_task(processed.wait())
            try:
                # another worker on the queue may finish the last job: look again soon
                await asyncio.wait(
                    {working, waiting}, timeout=DRAIN_RECHECK_S, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                waiting.cancel()
            if working.done():
                working.result()  # the worker died: raise why
                msg = "the worker stopped before the queue was drained"
                raise RuntimeError(msg)

    async def close(self) -> None:
        """Disconnect from saq, and from the database when the engine is its own."""
        await self.delivery.close()
        await self.queue.disconnect()
        if self.owns_engine:
            await self.engine.dispose()


async def run_worker(
    settings: WorkerSettings,
    *,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    database: Database | None = None,
) -> None:
    """Run the worker until ``stop`` is set or the process gets SIGINT/SIGTERM.

    The first scheduler tick happens at once: a slot missed while no worker was up is
    caught up then, once. The outbox consumers run beside it (jobs to do from events,
    webhook deliveries, score recalculations from stopped timers), and the delivery loop
    (messages, webhooks, outbox pruning). ``database`` is the process's, when the
    composition root shares one (see :meth:`JobsRuntime.open`).
    """
    stop = stop or asyncio.Event()
    runtime = await JobsRuntime.open(settings, clock=clock, database=database)
    worker = runtime.worker()
    try:
        ticking = asyncio.create_task(runtime.scheduler.loop(stop))
        consuming = asyncio.create_task(runtime.consumers.loop(stop))
        delivering = asyncio.create_task(runtime.delivery.loop(stop))
        working = asyncio.create_task(worker.start())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        await worker.stop()
        await asyncio.gather(ticking, consuming, delivering, working, stopping)
    finally:
        with contextlib.suppress(Exception):
            await runtime.close()
