"""Employees searched and edited, in PostgreSQL."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, or_, select, tuple_, update

from jts_domain.administration.ports import EmployeeFilter, EmployeeReach
from jts_domain.errors import not_found
from jts_domain.model import Employee, JobCategory, Role
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import EmployeeRow
from jts_store.tables.base import table_of

_employees = table_of(EmployeeRow)
_FIELDS = tuple(f.name for f in fields(Employee) if f.name in _employees.c)
_COLUMNS = [_employees.c[name] for name in _FIELDS]


def employee_from_row(row: Row[Any]) -> Employee:
    """The employee a row of the employee columns holds."""
    values = {name: row._mapping[name] for name in _FIELDS}
    values["role"] = Role(values["role"])
    if values["job_category"] is not None:
        values["job_category"] = JobCategory(values["job_category"])
    return Employee(**values)


def _like(text: str) -> str:
    """``%text%`` with LIKE's wildcards and its escape character taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _within(reach: EmployeeReach) -> ColumnElement[bool]:
    in_departments = _employees.c.department_id.in_(sorted(reach.department_ids))
    if reach.employee_id is None:
        return in_departments
    return or_(in_departments, _employees.c.id == reach.employee_id)


def _filtered(statement: Select[Any], f: EmployeeFilter) -> Select[Any]:
    if f.department_id is not None:
        statement = statement.where(_employees.c.department_id == f.department_id)
    if f.role is not None:
        statement = statement.where(_employees.c.role == f.role.value)
    if f.active is not None:
        statement = statement.where(_employees.c.active.is_(f.active))
    if f.search is not None:
        pattern = _like(f.search)
        statement = statement.where(
            or_(
                _employees.c.name.ilike(pattern, escape="\\"),
                _employees.c.email.ilike(pattern, escape="\\"),
            )
        )
    if f.reach is not None:
        statement = statement.where(_within(f.reach))
    return statement


class SqlDirectory:
    """The people of an organization as an administrator sees them."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def search(
        self,
        organization_id: UUID,
        employee_filter: EmployeeFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Employee]:
        statement = select(*_COLUMNS).where(_employees.c.organization_id == organization_id)
        statement = _filtered(statement, employee_filter)
        if after is not None:
            statement = statement.where(
                tuple_(_employees.c.created_at, _employees.c.id) > tuple_(*after)
            )
        order = (_employees.c.created_at, _employees.c.id)
        rows = await self._db.execute(statement.order_by(*order).limit(max(limit, 0)))
        return [employee_from_row(row) for row in rows]

    async def lock(self, organization_id: UUID, employee_id: UUID) -> Employee:
        statement = (
            select(*_COLUMNS)
            .where(_employees.c.id == employee_id, _employees.c.organization_id == organization_id)
            .with_for_update()
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("employee", employee_id)
        return employee_from_row(row)

    async def update_profile(self, employee: Employee) -> None:
        statement = (
            update(_employees)
            .where(
                _employees.c.id == employee.id,
                _employees.c.organization_id == employee.organization_id,
            )
            .values(
                name=employee.name,
                email=employee.email,
                department_id=employee.department_id,
                store_id=employee.store_id,
                job_category=None if employee.job_category is None else employee.job_category.value,
            )
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found("employee", employee.id)
