"""One run of one job: locked, recorded in the execution log, retried when transient.

Every saq job of JTS calls :meth:`RunExecutor.run`. It takes the advisory lock of
the organization and job (one run at a time across workers; a busy lock is retried
later), records the run's start — which returns nothing when the slot already ran or the
job is paused for a scheduled run — calls the job, and records how it ended.

What is retried (saq's retries, with the exponential backoff of
:func:`back_off`) is a transient failure: a lost or refused database
connection, an ``OSError`` (disk, network), a timeout, a busy job lock, and a
``DomainError(CONFLICT)`` (a concurrent change won). Between attempts the run stays
unfinished with the attempt's error; the last attempt records the failure. Any other
error — a ``DomainError`` about the data, or a bug — would fail again the same way: it is
recorded at once and not retried.
"""

from __future__ import annotations

import traceback
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import JobExecution
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.job_runs import finish_run, record_attempt_error, start_run
from jts_jobs.heartbeat import heartbeat
from jts_jobs.jobs import JOB_FUNCTIONS, JobOutcome, JobRun
from jts_jobs.queue import RunRequest
from jts_jobs.settings import WorkerSettings
from jts_store.advisory_locks import JOB_RUN_KEYSPACE, lock_key, try_advisory_lock

log = structlog.get_logger("jts_jobs")


class JobBusyError(Exception):
    """Another worker is running this job for this organization; try again later."""


#: Failures another attempt may not meet: the database or the disk went away for a
#: moment, a timeout, the job's lock was busy.
_TRANSIENT = (OSError, TimeoutError, JobBusyError, OperationalError, InterfaceError)


def is_transient(error: Exception) -> bool:
    """Whether another attempt may not meet the failure (see the module docstring)."""
    if isinstance(error, DomainError):
        return error.code is ErrorCode.CONFLICT
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _TRANSIENT)


def is_last_attempt(saq_ctx: dict[str, Any]) -> bool:
    """Whether saq will not retry the job after this attempt."""
    job = saq_ctx.get("job")
    return job is None or not job.retryable


def back_off(saq_ctx: dict[str, Any], settings: WorkerSettings) -> None:
    """Set the delay before saq's next attempt: ``retry_delay × 2^(attempts − 1)``, at
    most the configured maximum (no jitter, so the delay is what the log says)."""
    job = saq_ctx.get("job")
    if job is None:
        return
    delay = settings.job_retry_delay_s * 2 ** max(job.attempts - 1, 0)
    job.retry_delay = min(delay, settings.job_retry_backoff_max_s)
    job.retry_backoff = False


class RunExecutor:
    """The saq function of every JTS run (registered as ``jts.run_job``)."""

    def __init__(
        self, ctx: ServiceContext, engine: AsyncEngine, settings: WorkerSettings, database_url: str
    ) -> None:
        self.ctx = ctx
        self.engine = engine
        self.settings = settings
        self.database_url = database_url

    async def run(self, saq_ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Run the job a saq job describes (see the module docstring)."""
        run = RunRequest.from_kwargs(kwargs)
        key = lock_key(f"{run.organization_id}/{run.job.value}")
        try:
            async with (
                heartbeat(saq_ctx, self.settings.job_heartbeat_s),
                try_advisory_lock(self.engine, JOB_RUN_KEYSPACE, key) as taken,
            ):
                if not taken:
                    msg = f"{run.job.value} is running for {run.organization_id} already"
                    raise JobBusyError(msg)
                return await self._locked(saq_ctx, run)
        except Exception as error:
            if is_transient(error):
                back_off(saq_ctx, self.settings)
            raise

    async def _locked(self, saq_ctx: dict[str, Any], run: RunRequest) -> dict[str, Any]:
        caller = Caller.system(run.organization_id, "scheduler")
        execution = await start_run(
            self.ctx,
            caller,
            job=run.job,
            execution_id=run.execution_id,
            trigger=run.trigger,
            slot=run.slot,
            requested_by=run.requested_by,
        )
        if execution is None:
            log.info("run skipped", job=run.job.value, organization_id=str(run.organization_id))
            return {"execution_id": str(run.execution_id), "skipped": True}
        job_run = JobRun(
            ctx=self.ctx,
            organization_id=run.organization_id,
            business_dates=run.business_dates,
            database_url=self.database_url,
            roster_timeout_s=self.settings.roster_sync_timeout_s,
            roster_pause_s=self.settings.roster_sync_pause_s,
        )
        try:
            outcome = await JOB_FUNCTIONS[run.job](job_run)
        except Exception as error:
            await self._failed(saq_ctx, caller, execution, error)
            if is_transient(error):
                raise
            return {"execution_id": str(execution.id), "success": False}
        await self._finished(caller, execution, outcome)
        return {"execution_id": str(execution.id), "success": not outcome.failures}

    async def _failed(
        self, saq_ctx: dict[str, Any], caller: Caller, execution: JobExecution, error: Exception
    ) -> None:
        trace = traceback.format_exc()
        fields = {"job": execution.job.value, "organization_id": str(execution.organization_id)}
        if is_transient(error) and not is_last_attempt(saq_ctx):
            log.warning("run failed, will retry", attempt=execution.attempts, **fields)
            await record_attempt_error(self.ctx, caller, execution, trace)
            return
        log.error("run failed", attempt=execution.attempts, error=str(error), **fields)
        message = (
            f"{error.code}: {error.message}" if isinstance(error, DomainError) else repr(error)
        )
        await finish_run(self.ctx, caller, execution, success=False, message=message, error=trace)

    async def _finished(self, caller: Caller, execution: JobExecution, outcome: JobOutcome) -> None:
        result = dict(outcome.result)
        message, error = outcome.message, None
        if outcome.failures:
            result["failures"] = outcome.failures
            message = f"{message}; {len(outcome.failures)} items failed"
            error = "\n".join(f"{item}: {why}" for item, why in sorted(outcome.failures.items()))
        await finish_run(
            self.ctx,
            caller,
            execution,
            success=not outcome.failures,
            message=message,
            result=result,
            error=error,
        )
        log.info("run finished", job=execution.job.value, message=message)
