"""The scheduled jobs' execution log and pause switches in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Double, Row, cast, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import distinct_on, insert

from jts_domain.errors import not_found
from jts_domain.model import JobControl, JobExecution, JobRunTotals, JobTrigger
from jts_domain.schedule import JobName
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import JobControlRow, JobExecutionRow
from jts_store.tables.base import table_of

_runs = table_of(JobExecutionRow)
_controls = table_of(JobControlRow)
_duration = func.extract("epoch", _runs.c.finished_at - _runs.c.started_at)


def _execution(row: Row[Any]) -> JobExecution:
    return JobExecution(
        id=row.id,
        organization_id=row.organization_id,
        job=JobName(row.job),
        slot=row.slot,
        trigger=JobTrigger(row.trigger),
        started_at=row.started_at,
        requested_by=row.requested_by,
        finished_at=row.finished_at,
        success=row.success,
        message=row.message,
        error=row.error,
        result=dict(row.result),
        attempts=row.attempts,
    )


class SqlJobExecutions:
    """The execution log; the unique (organization, job, slot) key runs a slot once."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def start(self, execution: JobExecution) -> JobExecution | None:
        values: dict[str, Any] = {
            "id": execution.id,
            "organization_id": execution.organization_id,
            "job": execution.job.value,
            "slot": execution.slot,
            "trigger": execution.trigger.value,
            "requested_by": execution.requested_by,
            "started_at": execution.started_at,
            "finished_at": None,
            "success": None,
            "message": None,
            "error": None,
            "result": {},
            "attempts": execution.attempts,
        }
        # Any conflict (same id, or same organization, job and slot) inserts nothing.
        inserted = await self._db.execute(
            insert(_runs).values(**values).on_conflict_do_nothing().returning(*_runs.c)
        )
        row = inserted.one_or_none()
        if row is not None:
            return _execution(row)
        retaken = await self._db.execute(
            update(_runs)
            .where(
                _runs.c.id == execution.id,
                _runs.c.organization_id == execution.organization_id,
                _runs.c.finished_at.is_(None),
            )
            .values(attempts=_runs.c.attempts + 1, started_at=execution.started_at)
            .returning(*_runs.c)
        )
        row = retaken.one_or_none()
        return None if row is None else _execution(row)

    async def finish(self, execution: JobExecution) -> None:
        result = await self._db.execute(
            update(_runs)
            .where(
                _runs.c.id == execution.id,
                _runs.c.organization_id == execution.organization_id,
            )
            .values(
                finished_at=execution.finished_at,
                success=execution.success,
                message=execution.message,
                error=execution.error,
                result=execution.result,
            )
        )
        if result.rowcount != 1:
            raise not_found("job execution", execution.id)

    async def record_attempt_error(
        self, organization_id: UUID, execution_id: UUID, error: str
    ) -> None:
        await self._db.execute(
            update(_runs)
            .where(_runs.c.id == execution_id, _runs.c.organization_id == organization_id)
            .values(error=error)
        )

    async def get(self, organization_id: UUID, execution_id: UUID) -> JobExecution:
        statement = select(_runs).where(
            _runs.c.id == execution_id, _runs.c.organization_id == organization_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("job execution", execution_id)
        return _execution(row)

    async def page(
        self,
        organization_id: UUID,
        job: JobName | None,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobExecution]:
        statement = select(_runs).where(_runs.c.organization_id == organization_id)
        if job is not None:
            statement = statement.where(_runs.c.job == job.value)
        if after is not None:
            statement = statement.where(tuple_(_runs.c.started_at, _runs.c.id) < tuple_(*after))
        order = (_runs.c.started_at.desc(), _runs.c.id.desc())
        rows = await self._db.execute(statement.order_by(*order).limit(max(limit, 0)))
        return [_execution(row) for row in rows]

    async def last_per_job(self, organization_id: UUID) -> dict[JobName, JobExecution]:
        statement = (
            select(_runs)
            .ext(distinct_on(_runs.c.job))
            .where(_runs.c.organization_id == organization_id)
            .order_by(_runs.c.job, _runs.c.started_at.desc(), _runs.c.id.desc())
        )
        return {JobName(row.job): _execution(row) for row in await self._db.execute(statement)}

    async def last_slots(self, organization_id: UUID) -> dict[JobName, datetime]:
        statement = (
            select(_runs.c.job, func.max(_runs.c.slot))
            .where(_runs.c.organization_id == organization_id, _runs.c.slot.is_not(None))
            .group_by(_runs.c.job)
        )
        return {JobName(job): slot for job, slot in await self._db.execute(statement)}

    async def totals(self, organization_id: UUID, since: datetime | None) -> list[JobRunTotals]:
        duration = cast(_duration, Double)
        statement = (
            select(
                _runs.c.job,
                func.count(),
                func.count().filter(_runs.c.success.is_(True)),
                func.avg(duration),
                func.percentile_cont(0.95).within_group(duration),
            )
            .where(_runs.c.organization_id == organization_id, _runs.c.finished_at.is_not(None))
            .group_by(_runs.c.job)
            .order_by(_runs.c.job)
        )
        if since is not None:
            statement = statement.where(_runs.c.started_at >= since)
        return [
            JobRunTotals(
                job=JobName(job),
                runs=runs,
                succeeded=succeeded,
                mean_seconds=None if mean is None else float(mean),
                p95_seconds=None if p95 is None else float(p95),
            )
            for job, runs, succeeded, mean, p95 in await self._db.execute(statement)
        ]

    async def delete_started_before(self, organization_id: UUID, before: datetime) -> int:
        result = await self._db.execute(
            delete(_runs).where(
                _runs.c.organization_id == organization_id, _runs.c.started_at < before
            )
        )
        return int(result.rowcount)


class SqlJobControls:
    """Pause switches, one row per organization and job that was ever paused."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def list_all(self, organization_id: UUID) -> dict[JobName, JobControl]:
        statement = select(_controls).where(_controls.c.organization_id == organization_id)
        return {
            JobName(row.job): JobControl(
                organization_id=row.organization_id,
                job=JobName(row.job),
                paused=row.paused,
                changed_by=row.changed_by,
                changed_at=row.changed_at,
            )
            for row in await self._db.execute(statement)
        }

    async def save(self, control: JobControl) -> None:
        values = {
            "organization_id": control.organization_id,
            "job": control.job.value,
            "paused": control.paused,
            "changed_by": control.changed_by,
            "changed_at": control.changed_at,
        }
        statement = insert(_controls).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["organization_id", "job"],
            set_={k: statement.excluded[k] for k in ("paused", "changed_by", "changed_at")},
        )
        await self._db.execute(statement)
