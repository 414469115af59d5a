"""The task-and-timer aggregate in PostgreSQL: one statement to read it, one to save it.

A read returns the task with its non-stopped timer and intervals, the RUNNING time of its
stopped timers, the organization's settings and, for an acting employee, their standing,
whether they are clocked in, their roster shifts of the local days around the instant
and their non-stopped timer: everything a start, pause, resume or stop needs, in one
round trip. A save writes only what changed — the task's changed columns (checked
against the version read), a new timer and its intervals or the changed timer with the
interval it closed and the ones it opened, the history rows — as one statement of
data-modifying CTEs. A lost update shows as fewer rows written: CONFLICT.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy import TextClause

from jts_domain.errors import not_found
from jts_domain.model import (
    Role,
    RosterEntry,
    ShiftTemplate,
    StartCheck,
    StopReason,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.loaded import LoadedWork, Standing
from jts_domain.work.start_checks import RosteredShift, StartConditions
from jts_store.repositories.organizations import settings_from
from jts_store.repositories.tasks import task_from_mapping, task_values
from jts_store.repositories.transaction import TransactionConnection
from jts_store.repositories.work_sql import (
    FOR_EMPLOYEE,
    FOR_TASK,
    FOR_TIMER,
    WorkWrite,
    save_fragment,
)

#: Task columns a save never sets (the key, and the version it bumps itself).
_UNCHANGING = frozenset({"id", "organization_id", "version"})


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def _timer(document: dict[str, Any]) -> Timer:
    intervals = [
        TimerInterval(state=TimerState(state), started_at=_at(start), ended_at=_instant(end))
        for state, start, end in document["intervals"] or []
    ]
    reason = document["stop_reason"]
    return Timer(
        id=UUID(document["id"]),
        organization_id=UUID(document["organization_id"]),
        employee_id=UUID(document["employee_id"]),
        task_id=UUID(document["task_id"]),
        state=TimerState(document["state"]),
        started_at=_at(document["started_at"]),
        business_date=date.fromisoformat(document["business_date"]),
        stopped_at=_instant(document["stopped_at"]),
        intervals=intervals,
        auto_stopped=document["auto_stopped"],
        stop_reason=None if reason is None else StopReason(reason),
        skipped_checks=frozenset(StartCheck(c) for c in document["skipped_checks"] or []),
        override_by=None if document["override_by"] is None else UUID(document["override_by"]),
        override_reason=document["override_reason"],
        version=document["version"],
    )


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _shift(document: dict[str, Any], organization_id: UUID, timezone: str) -> RosteredShift:
    entry = RosterEntry(
        id=UUID(document["id"]),
        organization_id=organization_id,
        employee_id=UUID(document["employee_id"]),
        business_date=date.fromisoformat(document["business_date"]),
        shift_template_id=UUID(document["shift_template_id"]),
        store_id=UUID(document["store_id"]),
    )
    template = ShiftTemplate(
        id=entry.shift_template_id,
        organization_id=organization_id,
        name=document["name"],
        start_time=time.fromisoformat(document["start_time"]),
        end_time=time.fromisoformat(document["end_time"]),
        break_minutes=document["break_minutes"],
    )
    return RosteredShift.of(entry, template, timezone)


def _json(value: Any) -> Any:
    """JSON columns arrive decoded or as text, depending on the statement's typing."""
    return json.loads(value) if isinstance(value, str) else value


class SqlWork:
    """Reads and saves :class:`TaskWork`; remembers what it read to save only changes."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db
        self._tasks_read: dict[UUID, dict[str, Any]] = {}
        self._timers_read: dict[UUID, tuple[int, int]] = {}

    async def for_task(
        self, organization_id: UUID, task_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork:
        found = await self._read(FOR_TASK, organization_id, acting, at, key=task_id)
        if found is None:
            raise not_found("task", task_id)
        return found

    async def for_timer(
        self, organization_id: UUID, timer_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork:
        found = await self._read(FOR_TIMER, organization_id, acting, at, key=timer_id)
        if found is None:
            raise not_found("timer", timer_id)
        return found

    async def for_employee(
        self, organization_id: UUID, employee_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork | None:
        return await self._read(FOR_EMPLOYEE, organization_id, acting, at, key=employee_id)

    async def _read(
        self,
        statement: TextClause,
        organization_id: UUID,
        acting: UUID | None,
        at: datetime,
        *,
        key: UUID,
    ) -> LoadedWork | None:
        params = {"organization_id": organization_id, "key": key, "acting": acting, "at": at}
        # On its own when nothing began a transaction: the save re-checks every version.
        row = await self._db.fetch_one(statement, params)
        return None if row is None else self._loaded(row)

    def _loaded(self, mapping: Mapping[str, Any]) -> LoadedWork:
        task = task_from_mapping(mapping)
        settings = settings_from(_json(mapping["org_settings"]))
        active = mapping["active_timer"]
        timer = None if active is None else _timer(_json(active))
        work = TaskWork(task, timer, settled_seconds=float(mapping["settled_seconds"]))
        self._tasks_read[task.id] = task_values(task)
        if timer is not None:
            self._timers_read[timer.id] = (timer.version, len(timer.intervals))
        standing = conditions = None
        if mapping["acting_role"] is not None:
            standing = Standing(active=mapping["acting_active"], role=Role(mapping["acting_role"]))
            shifts = [
                _shift(s, task.organization_id, settings.timezone)
                for s in _json(mapping["shifts"]) or []
            ]
            conditions = StartConditions(
                clocked_in=mapping["clocked_in"],
                shifts=tuple(sorted(shifts, key=lambda s: _preference(s, mapping["local_day"]))),
                running_timer_id=mapping["running_timer_id"],
            )
        asked = None
        if mapping["asked_timer"] is not None:
            asked_timer = _timer(_json(mapping["asked_timer"]))
            asked = timer if timer is not None and timer.id == asked_timer.id else asked_timer
        return LoadedWork(
            work=work, settings=settings, standing=standing, conditions=conditions, asked=asked
        )

    async def save(self, work: TaskWork) -> None:
        task = work.task
        values = task_values(task)
        write = WorkWrite(organization_id=task.organization_id, task_id=task.id)
        if work.created:
            write.insert_task = values
        else:
            before = self._tasks_read.get(task.id)
            if before is None:  # a task read by another repository (bulk use cases)
                before = {}
            write.task_version = task.version
            write.task_set = {
                k: v
                for k, v in values.items()
                if k not in _UNCHANGING and before.get(k, _MISSING) != v
            }
        for change in work.changes:
            if change.status is not None:
                write.history.append(change.status)
            if change.timer is not None:
                write.timer = change.timer
        if write.timer is not None:
            read = self._timers_read.get(write.timer.id)
            write.timer_read = read
        await self._db.stage(save_fragment(write))
        self._remember(work, values, write)

    def _remember(self, work: TaskWork, values: dict[str, Any], write: WorkWrite) -> None:
        task = work.task
        if work.created or write.task_set:
            if not work.created:
                task.version += 1
            values["version"] = task.version
        self._tasks_read[task.id] = values
        timer = write.timer
        if timer is not None:
            if write.timer_read is not None:
                timer.version += 1
            self._timers_read[timer.id] = (timer.version, len(timer.intervals))


_MISSING = object()


def _preference(shift: RosteredShift, local_day: date) -> int:
    """Today's shift first, then yesterday's (an overnight one), then tomorrow's."""
    return {0: 0, -1: 1, 1: 2}.get((shift.entry.business_date - local_day).days, 3)
