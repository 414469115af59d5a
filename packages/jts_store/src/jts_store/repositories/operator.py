"""Sign-in attempts and the operator's execution log in PostgreSQL (no organization)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from jts_domain.login_throttle import LoginAttempts
from jts_domain.model import JobTrigger, SystemJobRun
from jts_domain.schedule import SystemJobName
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import LoginAttemptRow, SystemJobRunRow
from jts_store.tables.base import table_of

_attempts = table_of(LoginAttemptRow)
_runs = table_of(SystemJobRunRow)


class SqlLoginAttempts:
    """Attempts per address; :meth:`lock` holds the address's row until the transaction
    ends, so concurrent sign-ins on any replica count one after another."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def lock(self, email_key: str) -> LoginAttempts:
        await self._db.execute(
            insert(_attempts)
            .values(email_key=email_key, failures=0)
            .on_conflict_do_nothing(index_elements=["email_key"])
        )
        row = (
            await self._db.execute(
                select(_attempts).where(_attempts.c.email_key == email_key).with_for_update()
            )
        ).one()
        return LoginAttempts(
            email_key=row.email_key,
            failures=row.failures,
            window_started_at=row.window_started_at,
            locked_until=row.locked_until,
        )

    async def save(self, attempts: LoginAttempts) -> None:
        await self._db.execute(
            update(_attempts)
            .where(_attempts.c.email_key == attempts.email_key)
            .values(
                failures=attempts.failures,
                window_started_at=attempts.window_started_at,
                locked_until=attempts.locked_until,
            )
        )

    async def clear(self, email_key: str) -> None:
        await self._db.execute(delete(_attempts).where(_attempts.c.email_key == email_key))


def _run(row: Row[Any]) -> SystemJobRun:
    return SystemJobRun(
        id=row.id,
        job=SystemJobName(row.job),
        slot=row.slot,
        trigger=JobTrigger(row.trigger),
        started_at=row.started_at,
        finished_at=row.finished_at,
        success=row.success,
        message=row.message,
        error=row.error,
        result=dict(row.result),
        attempts=row.attempts,
    )


class SqlSystemJobRuns:
    """The operator's execution log; the unique (job, slot) key runs a slot once."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def start(self, run: SystemJobRun) -> SystemJobRun | None:
        values = {
            "id": run.id,
            "job": run.job.value,
            "slot": run.slot,
            "trigger": run.trigger.value,
            "started_at": run.started_at,
            "result": {},
            "attempts": run.attempts,
        }
        # Any conflict (same id, or same job and slot) inserts nothing.
        inserted = await self._db.execute(
            insert(_runs).values(**values).on_conflict_do_nothing().returning(*_runs.c)
        )
        row = inserted.one_or_none()
        if row is None:
            retaken = await self._db.execute(
                update(_runs)
                .where(_runs.c.id == run.id, _runs.c.finished_at.is_(None))
                .values(attempts=_runs.c.attempts + 1, started_at=run.started_at)
                .returning(*_runs.c)
            )
            row = retaken.one_or_none()
        return None if row is None else _run(row)

    async def finish(self, run: SystemJobRun) -> None:
        await self._db.execute(
            update(_runs)
            .where(_runs.c.id == run.id)
            .values(
                finished_at=run.finished_at,
                success=run.success,
                message=run.message,
                error=run.error,
                result=run.result,
            )
        )

    async def last_slots(self) -> dict[SystemJobName, datetime]:
        statement = (
            select(_runs.c.job, func.max(_runs.c.slot))
            .where(_runs.c.slot.is_not(None))
            .group_by(_runs.c.job)
        )
        return {SystemJobName(job): slot for job, slot in await self._db.execute(statement)}

    async def recent(self, job: SystemJobName, limit: int = 20) -> list[SystemJobRun]:
        statement = (
            select(_runs)
            .where(_runs.c.job == job.value)
            .order_by(_runs.c.started_at.desc(), _runs.c.id.desc())
            .limit(limit)
        )
        return [_run(row) for row in await self._db.execute(statement)]
