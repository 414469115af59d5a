"""Timers and their intervals in PostgreSQL; one active timer per employee, by an index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Select, delete, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert

from jts_domain.errors import not_found
from jts_domain.model import StartCheck, StopReason, Timer, TimerInterval, TimerState
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import TimerIntervalRow, TimerRow
from jts_store.tables.base import table_of

_timers = table_of(TimerRow)
_intervals = table_of(TimerIntervalRow)
_STOPPED = TimerState.STOPPED.value


def timer_values(timer: Timer) -> dict[str, Any]:
    """A timer as the column values of its row."""
    return {
        "id": timer.id,
        "organization_id": timer.organization_id,
        "employee_id": timer.employee_id,
        "task_id": timer.task_id,
        "state": timer.state.value,
        "started_at": timer.started_at,
        "business_date": timer.business_date,
        "stopped_at": timer.stopped_at,
        "auto_stopped": timer.auto_stopped,
        "stop_reason": None if timer.stop_reason is None else timer.stop_reason.value,
        "skipped_checks": sorted(check.value for check in timer.skipped_checks),
        "override_by": timer.override_by,
        "override_reason": timer.override_reason,
        "version": timer.version,
    }


def _interval_values(timer: Timer) -> list[dict[str, Any]]:
    return [
        {
            "timer_id": timer.id,
            "seq": seq,
            "state": interval.state.value,
            "started_at": interval.started_at,
            "ended_at": interval.ended_at,
        }
        for seq, interval in enumerate(timer.intervals)
    ]


def _timer(row: Row[Any], intervals: list[TimerInterval]) -> Timer:
    return Timer(
        id=row.id,
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        task_id=row.task_id,
        state=TimerState(row.state),
        started_at=row.started_at,
        business_date=row.business_date,
        stopped_at=row.stopped_at,
        intervals=intervals,
        auto_stopped=row.auto_stopped,
        stop_reason=None if row.stop_reason is None else StopReason(row.stop_reason),
        skipped_checks=frozenset(StartCheck(check) for check in row.skipped_checks),
        override_by=row.override_by,
        override_reason=row.override_reason,
        version=row.version,
    )


class SqlTimers:
    """Timers; ``ux_timers_one_active_per_employee`` turns a second start into an error."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def _timers(self, statement: Select[Any]) -> list[Timer]:
        """The timers a statement selects, with their intervals (one more statement)."""
        rows = list(await self._db.execute(statement))
        if not rows:
            return []
        found = (
            select(_intervals)
            .where(_intervals.c.timer_id.in_([row.id for row in rows]))
            .order_by(_intervals.c.timer_id, _intervals.c.seq)
        )
        intervals: defaultdict[UUID, list[TimerInterval]] = defaultdict(list)
        for i in await self._db.execute(found):
            interval = TimerInterval(
                state=TimerState(i.state), started_at=i.started_at, ended_at=i.ended_at
            )
            intervals[i.timer_id].append(interval)
        return [_timer(row, intervals[row.id]) for row in rows]

    async def add(self, timer: Timer) -> None:
        await self._db.execute(insert(_timers).values(**timer_values(timer)))
        if timer.intervals:
            await self._db.execute(insert(_intervals).values(_interval_values(timer)))

    async def get(self, organization_id: UUID, timer_id: UUID) -> Timer:
        statement = select(_timers).where(
            _timers.c.id == timer_id, _timers.c.organization_id == organization_id
        )
        found = await self._timers(statement)
        if not found:
            raise not_found("timer", timer_id)
        return found[0]

    async def update(self, timer: Timer) -> None:
        values = timer_values(timer)
        for key in ("id", "organization_id", "version"):
            del values[key]
        await self._db.update_versioned(
            _timers,
            [_timers.c.id == timer.id, _timers.c.organization_id == timer.organization_id],
            entity="timer",
            record_id=timer.id,
            version=timer.version,
            values=values,
        )
        await self._write_intervals(timer)
        timer.version += 1

    async def _write_intervals(self, timer: Timer) -> None:
        """Make the stored intervals exactly the timer's (usually: close one, open one)."""
        await self._db.execute(
            delete(_intervals).where(
                _intervals.c.timer_id == timer.id, _intervals.c.seq >= len(timer.intervals)
            )
        )
        if not timer.intervals:
            return
        upsert = pg_insert(_intervals).values(_interval_values(timer))
        changed = tuple_(_intervals.c.state, _intervals.c.started_at, _intervals.c.ended_at)
        new = upsert.excluded
        incoming = tuple_(new.state, new.started_at, new.ended_at)
        await self._db.execute(
            upsert.on_conflict_do_update(
                index_elements=["timer_id", "seq"],
                set_={
                    "state": upsert.excluded.state,
                    "started_at": upsert.excluded.started_at,
                    "ended_at": upsert.excluded.ended_at,
                },
                where=changed.is_distinct_from(incoming),
            )
        )

    async def find_active(self, organization_id: UUID, employee_id: UUID) -> Timer | None:
        statement = select(_timers).where(
            _timers.c.organization_id == organization_id,
            _timers.c.employee_id == employee_id,
            _timers.c.state != _STOPPED,
        )
        found = await self._timers(statement)
        return found[0] if found else None

    async def list_for_task(self, organization_id: UUID, task_id: UUID) -> list[Timer]:
        statement = select(_timers).where(
            _timers.c.organization_id == organization_id, _timers.c.task_id == task_id
        )
        return await self._timers(statement.order_by(_timers.c.started_at, _timers.c.id))

    async def list_active(self, organization_id: UUID) -> list[Timer]:
        statement = select(_timers).where(
            _timers.c.organization_id == organization_id, _timers.c.state != _STOPPED
        )
        return await self._timers(statement.order_by(_timers.c.started_at, _timers.c.id))

    async def find_active_for_tasks(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> dict[UUID, Timer]:
        if not task_ids:
            return {}
        statement = select(_timers).where(
            _timers.c.organization_id == organization_id,
            _timers.c.task_id.in_(list(dict.fromkeys(task_ids))),
            _timers.c.state != _STOPPED,
        )
        return {timer.task_id: timer for timer in await self._timers(statement)}

    async def list_for_employee(
        self,
        organization_id: UUID,
        employee_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Timer]:
        statement = select(_timers).where(
            _timers.c.organization_id == organization_id, _timers.c.employee_id == employee_id
        )
        if after is not None:
            statement = statement.where(tuple_(_timers.c.started_at, _timers.c.id) < tuple_(*after))
        order = (_timers.c.started_at.desc(), _timers.c.id.desc())
        return await self._timers(statement.order_by(*order).limit(max(limit, 0)))
