"""Tasks and their status history in PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, bindparam, insert, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text, Uuid

from jts_domain.errors import not_found
from jts_domain.model import (
    OPEN_TASK_STATUSES,
    Actor,
    ActorType,
    Environment,
    JobCategory,
    SlaStatus,
    StatusChange,
    Task,
    TaskPriority,
    TaskSource,
    TaskStatus,
)
from jts_domain.ports import TaskFilter, TaskReach
from jts_store.queries.business_dates import plan_date
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import TaskRow, TaskStatusHistoryRow
from jts_store.tables.base import table_of

_tasks = table_of(TaskRow)

# Every changed SLA status in one statement; a task changed since it was read is skipped.
_SET_SLA_STATUSES = text(
    """
    UPDATE tasks SET last_sla_status = c.status, version = tasks.version + 1
    FROM unnest(:ids, :versions, :statuses) AS c(id, version, status)
    WHERE tasks.id = c.id AND tasks.version = c.version
      AND tasks.organization_id = :organization_id
    RETURNING tasks.id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("versions", type_=ARRAY(Integer())),
    bindparam("statuses", type_=ARRAY(Text())),
)
_history = table_of(TaskStatusHistoryRow)
_OPEN = sorted(s.value for s in OPEN_TASK_STATUSES)


def task_values(task: Task) -> dict[str, Any]:
    """A task as the column values of its row."""
    return {
        "id": task.id,
        "organization_id": task.organization_id,
        "title": task.title,
        "description": task.description,
        "priority": task.priority.value,
        "status": task.status.value,
        "assignee_id": task.assignee_id,
        "department_id": task.department_id,
        "store_id": task.store_id,
        "job_category": None if task.job_category is None else task.job_category.value,
        "environment": None if task.environment is None else task.environment.value,
        "planned_date": task.planned_date,
        "due_at": task.due_at,
        "sla_deadline": task.sla_deadline,
        "estimated_minutes": task.estimated_minutes,
        "actual_seconds": task.actual_seconds,
        "requires_review": task.requires_review,
        "quality_rating": task.quality_rating,
        "source": task.source.value,
        "template_id": task.template_id,
        "generated_for": task.generated_for,
        "created_by": task.created_by,
        "created_at": task.created_at,
        "status_changed_at": task.status_changed_at,
        "completed_at": task.completed_at,
        "approved_at": task.approved_at,
        "last_sla_status": None if task.last_sla_status is None else task.last_sla_status.value,
        "project_id": task.project_id,
        "version": task.version,
    }


TASK_COLUMNS = tuple(c.name for c in _tasks.c)


def task_from_row(row: Row[Any]) -> Task:
    """The task a row holds."""
    return task_from_mapping(row._mapping)


def task_from_mapping(mapping: Mapping[Any, Any]) -> Task:
    """The task of a row's task columns (the row may hold more)."""
    values = {name: mapping[name] for name in TASK_COLUMNS}
    values["priority"] = TaskPriority(values["priority"])
    values["status"] = TaskStatus(values["status"])
    values["source"] = TaskSource(values["source"])
    if values["job_category"] is not None:
        values["job_category"] = JobCategory(values["job_category"])
    if values["environment"] is not None:
        values["environment"] = Environment(values["environment"])
    if values["last_sla_status"] is not None:
        values["last_sla_status"] = SlaStatus(values["last_sla_status"])
    return Task(**values)


def history_values(change: StatusChange) -> dict[str, Any]:
    """A status change as the column values of its history row (the position is the
    table's own)."""
    return {
        "id": change.id,
        "organization_id": change.organization_id,
        "task_id": change.task_id,
        "from_status": None if change.from_status is None else change.from_status.value,
        "to_status": change.to_status.value,
        "at": change.at,
        "actor_type": change.actor.type.value,
        "actor_id": change.actor.id,
        "actor_name": change.actor.name,
        "note": change.note,
        "seconds_in_previous": change.seconds_in_previous,
    }


def _change(row: Row[Any]) -> StatusChange:
    return StatusChange(
        id=row.id,
        organization_id=row.organization_id,
        task_id=row.task_id,
        from_status=None if row.from_status is None else TaskStatus(row.from_status),
        to_status=TaskStatus(row.to_status),
        at=row.at,
        actor=Actor(type=ActorType(row.actor_type), id=row.actor_id, name=row.actor_name),
        note=row.note,
        seconds_in_previous=row.seconds_in_previous,
    )


class SqlTasks:
    """Tasks and their status history."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def _tasks(self, statement: Select[Any]) -> list[Task]:
        return [task_from_row(row) for row in await self._db.execute(statement)]

    async def add(self, task: Task) -> None:
        await self._db.execute(insert(_tasks).values(**task_values(task)))

    async def get(self, organization_id: UUID, task_id: UUID) -> Task:
        statement = select(_tasks).where(
            _tasks.c.id == task_id, _tasks.c.organization_id == organization_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("task", task_id)
        return task_from_row(row)

    async def get_many(self, organization_id: UUID, task_ids: Sequence[UUID]) -> list[Task]:
        if not task_ids:
            return []
        statement = select(_tasks).where(
            _tasks.c.organization_id == organization_id, _tasks.c.id.in_(set(task_ids))
        )
        return await self._tasks(statement.order_by(_tasks.c.id))

    async def update(self, task: Task) -> None:
        values = task_values(task)
        for key in ("id", "organization_id", "version"):
            del values[key]
        await self._db.update_versioned(
            _tasks,
            [_tasks.c.id == task.id, _tasks.c.organization_id == task.organization_id],
            entity="task",
            record_id=task.id,
            version=task.version,
            values=values,
        )
        task.version += 1

    async def set_sla_statuses(
        self, organization_id: UUID, changes: Sequence[tuple[UUID, int, SlaStatus]]
    ) -> set[UUID]:
        if not changes:
            return set()
        rows = await self._db.execute(
            _SET_SLA_STATUSES,
            {
                "organization_id": organization_id,
                "ids": [task_id for task_id, _, _ in changes],
                "versions": [version for _, version, _ in changes],
                "statuses": [status.value for _, _, status in changes],
            },
        )
        return {row.id for row in rows}

    async def add_history(self, change: StatusChange) -> None:
        await self._db.execute(insert(_history).values(**history_values(change)))

    async def history(self, organization_id: UUID, task_id: UUID) -> list[StatusChange]:
        statement = (
            select(_history)
            .where(_history.c.task_id == task_id, _history.c.organization_id == organization_id)
            .order_by(_history.c.position)
        )
        return [_change(row) for row in await self._db.execute(statement)]

    async def histories(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> dict[UUID, list[StatusChange]]:
        if not task_ids:
            return {}
        statement = (
            select(_history)
            .where(
                _history.c.organization_id == organization_id,
                _history.c.task_id.in_(list(dict.fromkeys(task_ids))),
            )
            .order_by(_history.c.task_id, _history.c.position)
        )
        found: dict[UUID, list[StatusChange]] = {}
        for row in await self._db.execute(statement):
            found.setdefault(row.task_id, []).append(_change(row))
        return found

    async def search(
        self,
        organization_id: UUID,
        task_filter: TaskFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Task]:
        f = task_filter
        statement = select(_tasks).where(_tasks.c.organization_id == organization_id)
        if f.assignee_id is not None:
            statement = statement.where(_tasks.c.assignee_id == f.assignee_id)
        if f.department_id is not None:
            statement = statement.where(_tasks.c.department_id == f.department_id)
        if f.statuses is not None:
            statement = statement.where(_tasks.c.status.in_(sorted(s.value for s in f.statuses)))
        if f.planned_date is not None:
            statement = statement.where(_tasks.c.planned_date == f.planned_date)
        if f.reach is not None:
            statement = statement.where(_within(f.reach))
        if after is not None:
            statement = statement.where(tuple_(_tasks.c.created_at, _tasks.c.id) > tuple_(*after))
        order = (_tasks.c.created_at, _tasks.c.id)
        return await self._tasks(statement.order_by(*order).limit(max(limit, 0)))

    async def list_open(
        self, organization_id: UUID, *, assignee_id: UUID | None = None
    ) -> list[Task]:
        statement = select(_tasks).where(
            _tasks.c.organization_id == organization_id, _tasks.c.status.in_(_OPEN)
        )
        if assignee_id is not None:
            statement = statement.where(_tasks.c.assignee_id == assignee_id)
        return await self._tasks(statement.order_by(_tasks.c.created_at, _tasks.c.id))

    async def list_unassigned(
        self, organization_id: UUID, department_id: UUID, business_date: date
    ) -> list[Task]:
        statement = select(_tasks).where(
            _tasks.c.organization_id == organization_id,
            _tasks.c.department_id == department_id,
            _tasks.c.status == TaskStatus.PENDING.value,
            _tasks.c.assignee_id.is_(None),
            or_(_tasks.c.planned_date.is_(None), _tasks.c.planned_date == business_date),
        )
        return await self._tasks(statement.order_by(_tasks.c.created_at, _tasks.c.id))

    async def for_planner(
        self, organization_id: UUID, employee_id: UUID, business_date: date, timezone: str
    ) -> list[Task]:
        statement = select(_tasks).where(
            _tasks.c.organization_id == organization_id,
            _tasks.c.assignee_id == employee_id,
            _tasks.c.status.in_(_OPEN),
            plan_date(_tasks, timezone) <= business_date,
        )
        return await self._tasks(statement.order_by(_tasks.c.created_at, _tasks.c.id))

    async def find_generated(
        self, organization_id: UUID, template_id: UUID, employee_id: UUID, business_date: date
    ) -> Task | None:
        statement = select(_tasks).where(
            _tasks.c.organization_id == organization_id,
            _tasks.c.template_id == template_id,
            _tasks.c.generated_for == employee_id,
            _tasks.c.planned_date == business_date,
        )
        row = (await self._db.execute(statement.limit(1))).first()
        return None if row is None else task_from_row(row)


def _within(reach: TaskReach) -> ColumnElement[bool]:
    """SQL for :meth:`jts_domain.ports.TaskReach.covers`."""
    department = _tasks.c.department_id
    in_department: ColumnElement[bool] = department.in_(sorted(reach.department_ids))
    if reach.departmentless:
        in_department = or_(in_department, department.is_(None))
    if reach.employee_id is None:
        return in_department
    return or_(
        in_department,
        _tasks.c.assignee_id == reach.employee_id,
        _tasks.c.created_by == reach.employee_id,
    )
