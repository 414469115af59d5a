"""saq's queue on JTS's PostgreSQL, and the domain's ``JobQueue`` port on top of it.

saq talks to PostgreSQL through psycopg 3 and its own pool (autocommit), and creates and
migrates its tables (``saq_jobs``, ``saq_stats``, ``saq_versions``) itself. No job uses
a ``group_key`` (saq 0.26 would hold back jobs without one while any with one runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from saq.queue.postgres import PostgresQueue
from sqlalchemy.engine import make_url

from jts_domain.ids import new_id
from jts_domain.model import JobTrigger
from jts_domain.schedule import JobName, SystemJobName
from jts_jobs.saq_worker import JtsQueue
from jts_jobs.settings import WorkerSettings

#: The one saq function every run goes through (see :mod:`jts_jobs.runs`).
RUN_FUNCTION = "jts.run_job"
#: ... and every run of a system-wide job (see :mod:`jts_jobs.system_runs`).
SYSTEM_RUN_FUNCTION = "jts.run_system_job"


def psycopg_url(url: str) -> str:
    """A plain ``postgresql://`` URL for psycopg (drops a SQLAlchemy driver suffix)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def make_queue(database_url: str, settings: WorkerSettings) -> JtsQueue:
    """saq's queue in the JTS database (not connected yet)."""
    return JtsQueue(url=psycopg_url(database_url), name=settings.queue_name, min_size=1, max_size=4)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRequest:
    """What one saq job carries: which job, for whom, which slot, and why."""

    job: JobName
    organization_id: UUID
    execution_id: UUID
    trigger: JobTrigger
    slot: datetime | None = None
    business_dates: tuple[date, ...] = ()
    requested_by: UUID | None = None

    def key(self) -> str:
        """saq's job key: one queued job per slot (or per manual request)."""
        when = self.slot.isoformat() if self.slot is not None else f"manual:{self.execution_id}"
        return f"jts:{self.job.value}:{self.organization_id}:{when}"

    def kwargs(self) -> dict[str, Any]:
        """The JSON arguments of the saq job."""
        return {
            "job": self.job.value,
            "organization_id": str(self.organization_id),
            "execution_id": str(self.execution_id),
            "trigger": self.trigger.value,
            "slot": None if self.slot is None else self.slot.isoformat(),
            "business_dates": [d.isoformat() for d in self.business_dates],
            "requested_by": None if self.requested_by is None else str(self.requested_by),
        }

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> RunRequest:
        """The request a saq job's arguments describe."""
        slot, requested_by = kwargs.get("slot"), kwargs.get("requested_by")
        return cls(
            job=JobName(kwargs["job"]),
            organization_id=UUID(kwargs["organization_id"]),
            execution_id=UUID(kwargs["execution_id"]),
            trigger=JobTrigger(kwargs["trigger"]),
            slot=None if slot is None else datetime.fromisoformat(slot),
            business_dates=tuple(date.fromisoformat(d) for d in kwargs.get("business_dates", [])),
            requested_by=None if requested_by is None else UUID(requested_by),
        )


async def enqueue_run(queue: PostgresQueue, settings: WorkerSettings, run: RunRequest) -> bool:
    """Queue a run with the worker's timeout and retry policy; False if its key is queued
    or running already (or finished recently with the same slot)."""
    job = await queue.enqueue(
        RUN_FUNCTION,
        kwargs=run.kwargs(),
        key=run.key(),
        timeout=settings.job_timeout_s,
        retries=settings.job_retries,
        retry_delay=settings.job_retry_delay_s,
        retry_backoff=settings.job_retry_backoff_max_s,
        heartbeat=settings.job_heartbeat_s,
    )
    return job is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemRunRequest:
    """What one saq job of a system-wide job carries: which job, which slot, and why."""

    job: SystemJobName
    run_id: UUID
    trigger: JobTrigger
    slot: datetime | None = None

    def key(self) -> str:
        """saq's job key: one queued job per slot."""
        when = self.slot.isoformat() if self.slot is not None else f"manual:{self.run_id}"
        return f"jts-system:{self.job.value}:{when}"

    def kwargs(self) -> dict[str, Any]:
        """The JSON arguments of the saq job."""
        return {
            "job": self.job.value,
            "run_id": str(self.run_id),
            "trigger": self.trigger.value,
            "slot": None if self.slot is None else self.slot.isoformat(),
        }

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> SystemRunRequest:
        """The request a saq job's arguments describe."""
        slot = kwargs.get("slot")
        return cls(
            job=SystemJobName(kwargs["job"]),
            run_id=UUID(kwargs["run_id"]),
            trigger=JobTrigger(kwargs["trigger"]),
            slot=None if slot is None else datetime.fromisoformat(slot),
        )


async def enqueue_system_run(
    queue: PostgresQueue, settings: WorkerSettings, run: SystemRunRequest
) -> bool:
    """Queue a system run with the worker's timeout and retry policy; False if its key is
    queued or running already."""
    job = await queue.enqueue(
        SYSTEM_RUN_FUNCTION,
        kwargs=run.kwargs(),
        key=run.key(),
        timeout=settings.job_timeout_s,
        retries=settings.job_retries,
        retry_delay=settings.job_retry_delay_s,
        retry_backoff=settings.job_retry_backoff_max_s,
        heartbeat=settings.job_heartbeat_s,
    )
    return job is not None


class SaqJobQueue:
    """The domain's ``JobQueue`` port on saq: a manual trigger becomes a queued run.

    The API gets one from the composition root (``jts_cli``), built with
    :meth:`from_settings`, and hands it to ``trigger_job``; it never imports this package.
    """

    def __init__(self, queue: PostgresQueue, settings: WorkerSettings) -> None:
        self._queue = queue
        self._settings = settings

    @classmethod
    def from_settings(
        cls, settings: WorkerSettings, database_url: str | None = None
    ) -> SaqJobQueue:
        """A queue on the configured database (or ``database_url``); connects on first use."""
        from jts_store.embedded import database_url as configured_url

        url = database_url or configured_url(settings.database_url, settings.data_dir)
        return cls(make_queue(url, settings), settings)

    async def close(self) -> None:
        """Let go of saq's connections."""
        await self._queue.disconnect()

    async def enqueue(self, job: JobName, organization_id: UUID, requested_by: UUID | None) -> UUID:
        """Queue a MANUAL run now; return the id its execution row will have."""
        run = RunRequest(
            job=job,
            organization_id=organization_id,
            execution_id=new_id(),
            trigger=JobTrigger.MANUAL,
            requested_by=requested_by,
        )
        await self._queue.connect()
        await enqueue_run(self._queue, self._settings, run)
        return run.execution_id
