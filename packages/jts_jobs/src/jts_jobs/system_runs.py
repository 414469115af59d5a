"""System-wide jobs — the operator's, for the whole installation: the nightly backup.

:class:`SystemRunExecutor` runs them: from the queue (saq function
``jts.run_system_job``, queued by the scheduler tick in the operator's timezone) or at
once for ``jts backup`` (:meth:`SystemRunExecutor.run_now`). Either way a run takes the
job's advisory lock (one at a time, worker or command line), is recorded in the
operator's execution log (never an organization's), and transient failures are retried
by saq with the same backoff as the organizations' runs.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.ids import new_id
from jts_domain.model import JobTrigger, SystemJobRun
from jts_domain.schedule import SystemJobName
from jts_domain.services import ServiceContext
from jts_domain.services.system_jobs import finish_system_run, start_system_run
from jts_domain.shifts import zone
from jts_jobs.heartbeat import heartbeat
from jts_jobs.jobs import JobOutcome
from jts_jobs.queue import SystemRunRequest
from jts_jobs.runs import JobBusyError, back_off, is_last_attempt, is_transient
from jts_jobs.settings import WorkerSettings
from jts_store.advisory_locks import SYSTEM_JOB_KEYSPACE, lock_key, try_advisory_lock

log = structlog.get_logger("jts_jobs")


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemJobRunContext:
    """What a system job function is given."""

    ctx: ServiceContext
    settings: WorkerSettings
    database_url: str
    #: Told each step of the job as it is done (``jts backup``'s progress); None: quiet.
    on_step: Callable[[str], None] | None = None


async def _backup(run: SystemJobRunContext) -> JobOutcome:
    from jts_store.backup import create_backup
    from jts_store.backup.create import no_progress

    # Named after the operator's local night, not UTC's.
    now = run.ctx.clock.now().astimezone(zone(run.settings.operator_timezone))
    archive = await create_backup(
        run.database_url, run.settings.backups_path(), now, on_step=run.on_step or no_progress
    )
    return JobOutcome(message=f"backup written to {archive}", result={"archive": str(archive)})


SYSTEM_JOB_FUNCTIONS: dict[
    SystemJobName, Callable[[SystemJobRunContext], Awaitable[JobOutcome]]
] = {
    SystemJobName.NIGHTLY_BACKUP: _backup,
}


class SystemRunExecutor:
    """Runs system jobs (registered with saq as ``jts.run_system_job``)."""

    def __init__(
        self, ctx: ServiceContext, engine: AsyncEngine, settings: WorkerSettings, database_url: str
    ) -> None:
        self.ctx = ctx
        self.engine = engine
        self.settings = settings
        self.database_url = database_url

    async def run(self, saq_ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Run the system job a saq job describes."""
        request = SystemRunRequest.from_kwargs(kwargs)
        try:
            async with heartbeat(saq_ctx, self.settings.job_heartbeat_s):
                run = await self._locked(request, saq_ctx)
        except Exception as error:
            if is_transient(error):
                back_off(saq_ctx, self.settings)
            raise
        if run is None:
            return {"run_id": str(request.run_id), "skipped": True}
        return {"run_id": str(run.id), "success": run.success}

    async def run_now(
        self, job: SystemJobName, on_step: Callable[[str], None] | None = None
    ) -> SystemJobRun:
        """Run a system job at once, here (``jts backup``): a MANUAL run in the operator's
        log, finished (successfully or not); JobBusyError while a worker runs the job.
        ``on_step`` is told the job's steps as they are done."""
        request = SystemRunRequest(job=job, run_id=new_id(), trigger=JobTrigger.MANUAL)
        run = await self._locked(request, {}, on_step)
        assert run is not None  # a manual run has an id of its own: it always starts
        return run

    async def _locked(
        self,
        request: SystemRunRequest,
        saq_ctx: dict[str, Any],
        on_step: Callable[[str], None] | None = None,
    ) -> SystemJobRun | None:
        key = lock_key(request.job.value)
        async with try_advisory_lock(self.engine, SYSTEM_JOB_KEYSPACE, key) as taken:
            if not taken:
                msg = f"{request.job.value} is running already"
                raise JobBusyError(msg)
            run = await start_system_run(
                self.ctx,
                job=request.job,
                run_id=request.run_id,
                trigger=request.trigger,
                slot=request.slot,
            )
            if run is None:
                log.info("system run skipped", job=request.job.value)
                return None
            return await self._execute(run, saq_ctx, on_step)

    async def _execute(
        self,
        run: SystemJobRun,
        saq_ctx: dict[str, Any],
        on_step: Callable[[str], None] | None = None,
    ) -> SystemJobRun:
        context = SystemJobRunContext(
            ctx=self.ctx, settings=self.settings, database_url=self.database_url, on_step=on_step
        )
        try:
            outcome = await SYSTEM_JOB_FUNCTIONS[run.job](context)
        except Exception as error:
            retried = is_transient(error) and saq_ctx and not is_last_attempt(saq_ctx)
            if retried:  # the run stays unfinished; the next attempt takes it up
                log.warning("system run failed, will retry", job=run.job.value)
                raise
            log.error("system run failed", job=run.job.value, error=str(error))
            failed = await finish_system_run(
                self.ctx, run, success=False, message=repr(error), error=traceback.format_exc()
            )
            if is_transient(error) and saq_ctx:
                raise  # saq records its last attempt as failed
            return failed
        log.info("system run finished", job=run.job.value, message=outcome.message)
        return await finish_system_run(
            self.ctx, run, success=True, message=outcome.message, result=outcome.result
        )


async def run_system_job_now(
    job: SystemJobName,
    settings: WorkerSettings,
    database_url: str,
    on_step: Callable[[str], None] | None = None,
) -> SystemJobRun:
    """Run a system job in this process now, outside any worker (``jts backup``);
    ``on_step`` is told its steps as they are done."""
    from jts_domain.clock import SystemClock
    from jts_store.engine import create_engine
    from jts_store.unit_of_work import SqlUnitOfWorkFactory

    engine = create_engine(database_url, pool_size=2)
    try:
        ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=SystemClock())
        return await SystemRunExecutor(ctx, engine, settings, database_url).run_now(job, on_step)
    finally:
        await engine.dispose()
