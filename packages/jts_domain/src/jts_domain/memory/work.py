"""The task-and-timer aggregate in memory: read from the tables, saved by what changed."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from jts_domain.errors import not_found
from jts_domain.memory.repositories import MemoryTasks
from jts_domain.memory.tables import Tables, detached, get_owned, insert_new
from jts_domain.memory.timers import MemoryTimers
from jts_domain.model import Task, Timer
from jts_domain.shifts import business_date
from jts_domain.timeline import durations
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.loaded import LoadedWork, Standing
from jts_domain.work.start_checks import RosteredShift, StartConditions

_DAY = timedelta(days=1)


class MemoryWork:
    """Reads :class:`LoadedWork` from the tables; saves tasks, timers and history rows."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables
        self._tasks = MemoryTasks(tables)
        self._timers = MemoryTimers(tables)

    async def for_task(
        self, organization_id: UUID, task_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork:
        task = get_owned(self._t.tasks, organization_id, task_id, "task")
        return self._load(task, acting, at)

    async def for_timer(
        self, organization_id: UUID, timer_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork:
        timer = get_owned(self._t.timers, organization_id, timer_id, "timer")
        task = get_owned(self._t.tasks, organization_id, timer.task_id, "task")
        loaded = self._load(task, acting, at)
        active = loaded.work.timer
        loaded.asked = active if active is not None and active.id == timer_id else timer
        return loaded

    async def for_employee(
        self, organization_id: UUID, employee_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork | None:
        timer = await self._timers.find_active(organization_id, employee_id)
        if timer is None:
            return None
        return await self.for_timer(organization_id, timer.id, acting=acting, at=at)

    def _load(self, task: Task, acting: UUID | None, at: datetime) -> LoadedWork:
        timers = [detached(t) for t in self._t.timers.values() if t.task_id == task.id]
        active = next((t for t in timers if t.is_active), None)
        settled = sum(
            durations(t.intervals, t.stopped_at or at).active.total_seconds()
            for t in timers
            if not t.is_active
        )
        settings = self._t.organizations[task.organization_id].settings
        employee = self._t.employees.get(acting) if acting is not None else None
        standing = conditions = None
        if employee is not None and employee.organization_id == task.organization_id:
            standing = Standing(active=employee.active, role=employee.role)
            conditions = self._conditions(task.organization_id, employee.id, at, settings.timezone)
        work = TaskWork(task, active, settled_seconds=settled)
        return LoadedWork(work=work, settings=settings, standing=standing, conditions=conditions)

    def _conditions(
        self, organization_id: UUID, employee_id: UUID, at: datetime, timezone: str
    ) -> StartConditions:
        clocked_in = any(
            a.organization_id == organization_id and a.employee_id == employee_id and a.is_open
            for a in self._t.attendance.values()
        )
        today = business_date(at, timezone)
        shifts = []
        for day in (today, today - _DAY, today + _DAY):
            entry = self._t.roster.get((employee_id, day))
            if entry is not None and entry.organization_id == organization_id:
                template = self._t.shift_templates[entry.shift_template_id]
                shifts.append(RosteredShift.of(entry, template, timezone))
        running = next(
            (t.id for t in self._t.timers.values() if t.employee_id == employee_id and t.is_active),
            None,
        )
        return StartConditions(
            clocked_in=clocked_in, shifts=tuple(shifts), running_timer_id=running
        )

    async def save(self, work: TaskWork) -> None:
        if work.created:
            insert_new(self._t.tasks, work.task)
        else:
            await self._tasks.update(work.task)
        saved: set[UUID] = set()
        for change in work.changes:
            if change.status is not None:
                await self._tasks.add_history(change.status)
            if change.timer is not None and change.timer.id not in saved:
                saved.add(change.timer.id)
                await self._save_timer(change.timer)

    async def _save_timer(self, timer: Timer) -> None:
        stored = self._t.timers.get(timer.id)
        if stored is None:
            await self._timers.add(timer)
        elif stored.organization_id != timer.organization_id:  # pragma: no cover
            raise not_found("timer", timer.id)
        else:
            await self._timers.update(timer)
