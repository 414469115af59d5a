"""Retention in memory: the expired records found and removed as the store does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from jts_domain.memory.tables import Tables
from jts_domain.model import TaskStatus, TimerState
from jts_domain.retention.rules import Removed
from jts_domain.shifts import business_date

_FINISHED = frozenset({TaskStatus.COMPLETED, TaskStatus.CANCELLED})


class MemoryRetention:
    """Finds expired tasks and timers by id, and removes them with what they own."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def expired_tasks(
        self, organization_id: UUID, before: date, timezone: str, *, limit: int
    ) -> list[UUID]:
        found = [
            t.id
            for t in self._t.tasks.values()
            if t.organization_id == organization_id
            and t.status in _FINISHED
            and business_date(t.status_changed_at, timezone) < before
        ]
        return sorted(found)[:limit]

    async def expired_timers(
        self, organization_id: UUID, before: date, *, limit: int
    ) -> list[UUID]:
        found = [
            t.id
            for t in self._t.timers.values()
            if t.organization_id == organization_id
            and t.state is TimerState.STOPPED
            and t.business_date < before
            and self._t.tasks[t.task_id].status in _FINISHED
        ]
        return sorted(found)[:limit]

    async def remove_tasks(self, organization_id: UUID, task_ids: Sequence[UUID]) -> Removed:
        ids = {
            i
            for i in task_ids
            if (t := self._t.tasks.get(i)) and t.organization_id == organization_id
        }
        timers = [t.id for t in self._t.timers.values() if t.task_id in ids]
        owned = await self.remove_timers(organization_id, timers)
        history = sum(len(self._t.history.pop(i, [])) for i in ids)
        alerts = [a.id for a in self._t.alerts.values() if a.task_id in ids]
        for alert_id in alerts:
            del self._t.alerts[alert_id]
        for task_id in ids:
            del self._t.tasks[task_id]
        return owned + Removed(tasks=len(ids), history=history, alerts=len(alerts))

    async def remove_timers(self, organization_id: UUID, timer_ids: Sequence[UUID]) -> Removed:
        removed = [
            self._t.timers.pop(i)
            for i in set(timer_ids)
            if (t := self._t.timers.get(i)) and t.organization_id == organization_id
        ]
        gone = {t.id for t in removed}
        alerts = [a.id for a in self._t.alerts.values() if a.timer_id in gone]
        for alert_id in alerts:
            del self._t.alerts[alert_id]
        return Removed(
            timers=len(removed),
            intervals=sum(len(t.intervals) for t in removed),
            alerts=len(alerts),
        )
