"""The scheduler tick: queue every organization's due runs, one saq job per slot.

Each tick asks the domain what is due (:func:`jts_domain.services.job_runs.due_runs`)
and queues it under a key made of job, organization and slot, so ticks of several workers
queue a slot once; then the operator's system-wide runs (the nightly backup), once for
the installation. Only one worker ticks at a time (an advisory lock); the others skip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

import structlog
from saq.queue.postgres import PostgresQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.errors import DomainError
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.job_runs import due_runs, scheduled_organizations
from jts_domain.services.system_jobs import due_system_runs
from jts_jobs.queue import RunRequest, SystemRunRequest, enqueue_run, enqueue_system_run
from jts_jobs.settings import WorkerSettings
from jts_store.advisory_locks import SCHEDULER_KEYSPACE, try_advisory_lock

log = structlog.get_logger("jts_jobs")


class Scheduler:
    """Queues due runs; ``started_at`` (the worker's start) tells catch-ups from the rest."""

    def __init__(
        self,
        ctx: ServiceContext,
        engine: AsyncEngine,
        queue: PostgresQueue,
        settings: WorkerSettings,
        *,
        started_at: datetime,
    ) -> None:
        self.ctx = ctx
        self.engine = engine
        self.queue = queue
        self.settings = settings
        self.started_at = started_at

    async def tick(
        self, organization_ids: Collection[UUID] | None = None
    ) -> list[RunRequest | SystemRunRequest]:
        """Queue what is due now: every organization's runs and the operator's system
        runs (or only the runs of the organizations given, and no system run); the runs
        this tick queued (none when another worker was ticking)."""
        async with try_advisory_lock(self.engine, SCHEDULER_KEYSPACE, 0) as taken:
            if not taken:
                return []
            queued: list[RunRequest | SystemRunRequest] = []
            organizations = await scheduled_organizations(self.ctx)
            if organization_ids is not None:
                organizations = [o for o in organizations if o in organization_ids]
            for organization_id in organizations:
                try:
                    queued += await self._organization(organization_id)
                except DomainError as error:  # one organization never stops the others
                    log.error(
                        "scheduling failed", organization_id=str(organization_id), error=str(error)
                    )
            if organization_ids is None:
                queued += await self.queue_system_runs()
            return queued

    async def queue_system_runs(self) -> list[SystemRunRequest]:
        """Queue the system runs due now, in the operator's timezone."""
        queued = []
        due = await due_system_runs(
            self.ctx, timezone=self.settings.operator_timezone, worker_started_at=self.started_at
        )
        for run in due:
            request = SystemRunRequest(
                job=run.job, run_id=run.run_id, trigger=run.trigger, slot=run.slot
            )
            if await enqueue_system_run(self.queue, self.settings, request):
                queued.append(request)
                log.info("queued", job=run.job.value, slot=str(run.slot), trigger=run.trigger.value)
        return queued

    async def _organization(self, organization_id: UUID) -> list[RunRequest]:
        caller = Caller.system(organization_id, "scheduler")
        queued = []
        for due in await due_runs(self.ctx, caller, worker_started_at=self.started_at):
            run = RunRequest(
                job=due.job,
                organization_id=due.organization_id,
                execution_id=due.execution_id,
                trigger=due.trigger,
                slot=due.slot,
                business_dates=due.business_dates,
            )
            if await enqueue_run(self.queue, self.settings, run):
                queued.append(run)
                log.info("queued", job=run.job.value, slot=str(run.slot), trigger=run.trigger.value)
        return queued

    async def loop(self, stop: asyncio.Event) -> None:
        """Tick every ``tick_seconds`` until ``stop`` is set (the first tick at once)."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # the loop outlives a failed tick (logged with its trace)
                log.exception("tick failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.tick_seconds)
            except TimeoutError:
                continue
