"""In-memory execution log, job controls and job queue."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from jts_domain.ids import new_id
from jts_domain.memory.tables import Tables, detached, get_owned, page
from jts_domain.model import JobControl, JobExecution, JobRunTotals
from jts_domain.schedule import JobName


def percentile_cont(values: list[float], fraction: float) -> float:
    """The continuous percentile of PostgreSQL's ``percentile_cont`` (linear interpolation).

    >>> percentile_cont([1.0, 2.0, 10.0], 0.95)
    9.2
    """
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class MemoryJobExecutions:
    """The execution log; one row per organization, job and slot."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def start(self, execution: JobExecution) -> JobExecution | None:
        rows = self._t.job_executions
        existing = rows.get(execution.id)
        if existing is not None:
            if existing.finished_at is not None or existing.organization_id != (
                execution.organization_id
            ):
                return None
            existing = detached(existing)
            existing.attempts += 1
            existing.started_at = execution.started_at
            rows[existing.id] = existing
            return detached(existing)
        if execution.slot is not None and any(
            (r.organization_id, r.job, r.slot)
            == (execution.organization_id, execution.job, execution.slot)
            for r in rows.values()
        ):
            return None
        rows[execution.id] = detached(execution)
        return detached(execution)

    async def finish(self, execution: JobExecution) -> None:
        stored = get_owned(
            self._t.job_executions, execution.organization_id, execution.id, "job execution"
        )
        stored.finished_at, stored.success = execution.finished_at, execution.success
        stored.message, stored.error = execution.message, execution.error
        stored.result = dict(execution.result)
        self._t.job_executions[stored.id] = stored

    async def record_attempt_error(
        self, organization_id: UUID, execution_id: UUID, error: str
    ) -> None:
        stored = get_owned(self._t.job_executions, organization_id, execution_id, "job execution")
        stored.error = error
        self._t.job_executions[stored.id] = stored

    async def get(self, organization_id: UUID, execution_id: UUID) -> JobExecution:
        return get_owned(self._t.job_executions, organization_id, execution_id, "job execution")

    def _of(self, organization_id: UUID) -> list[JobExecution]:
        return [r for r in self._t.job_executions.values() if r.organization_id == organization_id]

    async def page(
        self,
        organization_id: UUID,
        job: JobName | None,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobExecution]:
        rows = [r for r in self._of(organization_id) if job is None or r.job == job]
        return page(rows, lambda r: (r.started_at, r.id), after, limit, newest_first=True)

    async def last_per_job(self, organization_id: UUID) -> dict[JobName, JobExecution]:
        last: dict[JobName, JobExecution] = {}
        for row in sorted(self._of(organization_id), key=lambda r: (r.started_at, r.id)):
            last[row.job] = detached(row)
        return last

    async def last_slots(self, organization_id: UUID) -> dict[JobName, datetime]:
        slots: dict[JobName, datetime] = {}
        for row in self._of(organization_id):
            if row.slot is not None and (row.job not in slots or row.slot > slots[row.job]):
                slots[row.job] = row.slot
        return slots

    async def totals(self, organization_id: UUID, since: datetime | None) -> list[JobRunTotals]:
        durations: dict[JobName, list[float]] = defaultdict(list)
        succeeded: dict[JobName, int] = defaultdict(int)
        for row in self._of(organization_id):
            if row.finished_at is None or (since is not None and row.started_at < since):
                continue
            durations[row.job].append((row.finished_at - row.started_at).total_seconds())
            succeeded[row.job] += bool(row.success)
        return [
            JobRunTotals(
                job=job,
                runs=len(values),
                succeeded=succeeded[job],
                mean_seconds=sum(values) / len(values),
                p95_seconds=percentile_cont(values, 0.95),
            )
            for job, values in sorted(durations.items())
        ]

    async def delete_started_before(self, organization_id: UUID, before: datetime) -> int:
        doomed = [r.id for r in self._of(organization_id) if r.started_at < before]
        for key in doomed:
            del self._t.job_executions[key]
        return len(doomed)


class MemoryJobControls:
    """Pause switches, one per organization and job."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def list_all(self, organization_id: UUID) -> dict[JobName, JobControl]:
        return {
            control.job: detached(control)
            for (org, _), control in self._t.job_controls.items()
            if org == organization_id
        }

    async def save(self, control: JobControl) -> None:
        self._t.job_controls[(control.organization_id, control.job.value)] = detached(control)


@dataclass(frozen=True, slots=True)
class QueuedRun:
    """A manual run handed to :class:`RecordingJobQueue`."""

    execution_id: UUID
    job: JobName
    organization_id: UUID
    requested_by: UUID | None


class RecordingJobQueue:
    """A job queue that keeps what it was asked to run (a ``JobQueue``), for tests and
    programs that run jobs themselves."""

    def __init__(self) -> None:
        self.queued: list[QueuedRun] = []

    async def enqueue(self, job: JobName, organization_id: UUID, requested_by: UUID | None) -> UUID:
        """Keep the request; return the execution id it was given."""
        run = QueuedRun(new_id(), job, organization_id, requested_by)
        self.queued.append(run)
        return run.execution_id
