"""Export rows in memory: the same cells, in the same order, as the store's SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from uuid import UUID

from jts_domain import planner
from jts_domain.exports.model import (
    ExportKind,
    ExportRow,
    ExportScope,
    flag,
    local_iso,
    plain_number,
    seconds_text,
)
from jts_domain.memory.tables import Tables
from jts_domain.model import Employee, Task
from jts_domain.timeline import durations


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class MemoryExports:
    """Rows of an export, computed from the tables (held whole: they are in memory)."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def rows(
        self, scope: ExportScope, *, batch_size: int
    ) -> AsyncIterator[Sequence[ExportRow]]:
        rows = list(self._rows(scope))
        for start in range(0, len(rows), batch_size):
            yield rows[start : start + batch_size]

    def _rows(self, scope: ExportScope) -> Iterator[ExportRow]:
        if scope.kind is ExportKind.TIMESHEETS:
            return self._timesheets(scope)
        if scope.kind is ExportKind.ATTENDANCE:
            return self._attendance(scope)
        if scope.kind is ExportKind.SCORES:
            return self._scores(scope)
        return self._tasks(scope)

    def _person(self, scope: ExportScope, employee_id: UUID) -> list[str | None] | None:
        """The employee's cells, or None when the scope leaves them out."""
        employee: Employee | None = self._t.employees.get(employee_id)
        if employee is None or employee.organization_id != scope.organization_id:
            return None
        if scope.department_id is not None and employee.department_id != scope.department_id:
            return None
        reach = scope.employee_reach
        if reach is not None and not reach.covers(employee.id, employee.department_id):
            return None
        return [
            str(employee.id),
            employee.name,
            employee.email,
            self._department(employee.department_id),
        ]

    def _department(self, department_id: UUID | None) -> str | None:
        department = None if department_id is None else self._t.departments.get(department_id)
        return None if department is None else department.name

    def _store(self, store_id: UUID | None) -> str | None:
        store = None if store_id is None else self._t.stores.get(store_id)
        return None if store is None else store.name

    def _timesheets(self, scope: ExportScope) -> Iterator[ExportRow]:
        timers = sorted(
            (
                t
                for t in self._t.timers.values()
                if t.organization_id == scope.organization_id
                and scope.date_from <= t.business_date <= scope.date_to
            ),
            key=lambda t: (t.business_date, t.started_at, t.id),
        )
        tz = scope.timezone
        for timer in timers:
            person = self._person(scope, timer.employee_id)
            if person is None:
                continue
            task = self._t.tasks[timer.task_id]
            spent = durations(timer.intervals, scope.at)
            yield [
                str(timer.id),
                timer.business_date.isoformat(),
                *person,
                str(task.id),
                task.title,
                timer.state.value,
                local_iso(timer.started_at, tz),
                local_iso(timer.stopped_at, tz),
                seconds_text(spent.active),
                seconds_text(spent.pause),
                seconds_text(spent.break_),
                _text(timer.stop_reason),
                flag(timer.auto_stopped),
            ]

    def _attendance(self, scope: ExportScope) -> Iterator[ExportRow]:
        rows = sorted(
            (
                a
                for a in self._t.attendance.values()
                if a.organization_id == scope.organization_id
                and scope.date_from <= a.business_date <= scope.date_to
            ),
            key=lambda a: (a.business_date, a.employee_id),
        )
        for row in rows:
            person = self._person(scope, row.employee_id)
            if person is None:
                continue
            yield [
                row.business_date.isoformat(),
                *person,
                row.status.value,
                self._store(row.store_id),
                local_iso(row.clock_in_at, scope.timezone),
                local_iso(row.clock_out_at, scope.timezone),
                _text(row.override_by),
                row.override_reason,
            ]

    def _scores(self, scope: ExportScope) -> Iterator[ExportRow]:
        scores = sorted(
            (
                s
                for s in self._t.scores.values()
                if s.organization_id == scope.organization_id
                and scope.date_from <= s.business_date <= scope.date_to
            ),
            key=lambda s: (s.business_date, s.employee_id),
        )
        names = ("completion", "timeliness", "utilization", "sla", "quality")
        for score in scores:
            person = self._person(scope, score.employee_id)
            if person is None:
                continue
            values = {m.name.value: m.value for m in score.metrics}
            yield [
                score.business_date.isoformat(),
                *person,
                plain_number(score.score),
                plain_number(score.reliability),
                *(plain_number(values.get(name)) for name in names),
                local_iso(score.calculated_at, scope.timezone),
            ]

    def _task_in_scope(self, scope: ExportScope, task: Task) -> bool:
        if task.organization_id != scope.organization_id:
            return False
        if scope.department_id is not None and task.department_id != scope.department_id:
            return False
        return scope.task_reach is None or scope.task_reach.covers(task)

    def _tasks(self, scope: ExportScope) -> Iterator[ExportRow]:
        tz = scope.timezone
        dated = [
            (planner.plan_date(t.planned_date, t.due_at, t.created_at, tz), t)
            for t in self._t.tasks.values()
            if self._task_in_scope(scope, t)
        ]
        chosen = sorted(
            ((day, t) for day, t in dated if scope.date_from <= day <= scope.date_to),
            key=lambda pair: (pair[0], pair[1].created_at, pair[1].id),
        )
        for day, task in chosen:
            assignee = None if task.assignee_id is None else self._t.employees.get(task.assignee_id)
            yield [
                str(task.id),
                day.isoformat(),
                task.title,
                task.status.value,
                task.priority.value,
                _text(task.assignee_id),
                None if assignee is None else assignee.name,
                self._department(task.department_id),
                self._store(task.store_id),
                _text(task.job_category),
                local_iso(task.due_at, tz),
                local_iso(task.sla_deadline, tz),
                _text(task.last_sla_status),
                str(task.estimated_minutes),
                str(round(task.actual_seconds)),
                flag(task.requires_review),
                _text(task.quality_rating),
                task.source.value,
                local_iso(task.created_at, tz),
                local_iso(task.completed_at, tz),
            ]
