"""Pending summaries in PostgreSQL: a whole organization counted in one statement and
stored in one more."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, and_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import DateTime, Integer, Text, Uuid

from jts_domain.model import OPEN_TASK_STATUSES, TaskPriority, WorkloadLevel
from jts_domain.workload import DueWindows, PendingCounts, PendingSummary, WorkloadAssessment
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import EmployeeRow, PendingSummaryRow, TaskRow
from jts_store.tables.base import table_of
from jts_store.tables.pending_summaries import COUNT_COLUMNS, LEVEL_COLUMNS

_employees = table_of(EmployeeRow)
_tasks = table_of(TaskRow)
_summaries = table_of(PendingSummaryRow)
_OPEN = sorted(s.value for s in OPEN_TASK_STATUSES)

_KEY_COLUMNS = ("organization_id", "employee_id")
_ALL_COLUMNS = (*_KEY_COLUMNS, *COUNT_COLUMNS, *LEVEL_COLUMNS, "computed_at")
_ARRAY_TYPES: dict[str, Any] = {
    **dict.fromkeys(_KEY_COLUMNS, ARRAY(Uuid())),
    **dict.fromkeys(COUNT_COLUMNS, ARRAY(Integer())),
    **dict.fromkeys(LEVEL_COLUMNS, ARRAY(Text())),
    "computed_at": ARRAY(DateTime(timezone=True)),
}
# Every summary of a run in one statement, whatever the number of employees.
_UPSERT = text(
    f"""
    INSERT INTO pending_summaries ({", ".join(_ALL_COLUMNS)})
    SELECT * FROM unnest({", ".join(f":{c}" for c in _ALL_COLUMNS)})
    ON CONFLICT (organization_id, employee_id) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in _ALL_COLUMNS if c not in _KEY_COLUMNS)}
    """  # noqa: S608 -- the column names are this module's constants, never input
).bindparams(*(bindparam(c, type_=t) for c, t in _ARRAY_TYPES.items()))


def _counted(condition: ColumnElement[bool]) -> Any:
    return func.count(_tasks.c.id).filter(condition)


def _between(window: tuple[Any, Any]) -> ColumnElement[bool]:
    return and_(_tasks.c.due_at >= window[0], _tasks.c.due_at < window[1])


def _counts_statement(windows: DueWindows) -> Any:
    priority = _tasks.c.priority
    open_tasks = and_(
        _tasks.c.organization_id == _employees.c.organization_id,
        _tasks.c.assignee_id == _employees.c.id,
        _tasks.c.status.in_(_OPEN),
    )
    return (
        select(
            _employees.c.id.label("employee_id"),
            _counted(priority == TaskPriority.LOW.value).label("low"),
            _counted(priority == TaskPriority.MEDIUM.value).label("medium"),
            _counted(priority == TaskPriority.HIGH.value).label("high"),
            _counted(priority == TaskPriority.URGENT.value).label("urgent"),
            _counted(_tasks.c.due_at < windows.now).label("overdue"),
            _counted(_between(windows.today)).label("due_today"),
            _counted(_between(windows.week)).label("due_this_week"),
            _counted(_between(windows.month)).label("due_this_month"),
        )
        .select_from(_employees.outerjoin(_tasks, open_tasks))
        .group_by(_employees.c.id)
        .order_by(_employees.c.id)
    )


def _summary(row: Row[Any]) -> PendingSummary:
    counts = PendingCounts(
        employee_id=row.employee_id, **{name: row._mapping[name] for name in COUNT_COLUMNS}
    )
    assessment = WorkloadAssessment(
        level=WorkloadLevel(row.level),
        pending_level=WorkloadLevel(row.pending_level),
        urgent_level=WorkloadLevel(row.urgent_level),
        overdue_level=WorkloadLevel(row.overdue_level),
        pending=counts.pending,
        urgent=counts.urgent,
        overdue=counts.overdue,
    )
    return PendingSummary(
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        counts=counts,
        assessment=assessment,
        computed_at=row.computed_at,
    )


def _row_values(summary: PendingSummary) -> dict[str, Any]:
    a = summary.assessment
    return {
        "organization_id": summary.organization_id,
        "employee_id": summary.employee_id,
        **{name: getattr(summary.counts, name) for name in COUNT_COLUMNS},
        "level": a.level.value,
        "pending_level": a.pending_level.value,
        "urgent_level": a.urgent_level.value,
        "overdue_level": a.overdue_level.value,
        "computed_at": summary.computed_at,
    }


class SqlPendingSummaries:
    """Pending summaries, one per organization and employee."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def count(
        self,
        organization_id: UUID,
        windows: DueWindows,
        *,
        employee_ids: Sequence[UUID] | None = None,
    ) -> list[PendingCounts]:
        statement = _counts_statement(windows).where(
            _employees.c.organization_id == organization_id
        )
        if employee_ids is None:
            statement = statement.where(_employees.c.active)
        else:
            statement = statement.where(_employees.c.id.in_(set(employee_ids)))
        rows = await self._db.execute(statement)
        return [
            PendingCounts(
                employee_id=row.employee_id, **{name: row._mapping[name] for name in COUNT_COLUMNS}
            )
            for row in rows
        ]

    async def upsert_many(self, summaries: Sequence[PendingSummary]) -> None:
        if not summaries:
            return
        rows = [_row_values(s) for s in summaries]
        await self._db.execute(_UPSERT, {c: [row[c] for row in rows] for c in _ALL_COLUMNS})

    async def find_many(
        self, organization_id: UUID, employee_ids: Sequence[UUID]
    ) -> dict[UUID, PendingSummary]:
        if not employee_ids:
            return {}
        statement = select(_summaries).where(
            _summaries.c.organization_id == organization_id,
            _summaries.c.employee_id.in_(set(employee_ids)),
        )
        return {row.employee_id: _summary(row) for row in await self._db.execute(statement)}
