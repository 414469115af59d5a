"""Edits of an organization's settings and setup, in PostgreSQL.

``lock_*`` reads take the row with ``SELECT … FOR UPDATE``: a concurrent edit of the
same record waits for this transaction and then reads its result.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Table, delete, select, update

from jts_domain.errors import not_found
from jts_domain.model import (
    Department,
    Organization,
    OrganizationSettings,
    RosterEntry,
    ShiftTemplate,
    Store,
    TaskTemplate,
)
from jts_store.repositories.organizations import settings_document, settings_from
from jts_store.repositories.task_templates import template_from_row
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import (
    DepartmentRow,
    EmployeeRow,
    OrganizationRow,
    RosterEntryRow,
    ShiftTemplateRow,
    StoreRow,
    TaskTemplateRow,
)
from jts_store.tables.base import table_of

_organizations = table_of(OrganizationRow)
_departments = table_of(DepartmentRow)
_stores = table_of(StoreRow)
_shifts = table_of(ShiftTemplateRow)
_templates = table_of(TaskTemplateRow)
_roster = table_of(RosterEntryRow)
_employees = table_of(EmployeeRow)


class SqlOrganizationSetup:
    """Settings, departments, stores, shifts, roster entries and task templates, edited."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def _locked(
        self, table: Table, organization_id: UUID, record_id: UUID, entity: str
    ) -> Row[Any]:
        statement = (
            select(table)
            .where(table.c.id == record_id, table.c.organization_id == organization_id)
            .with_for_update()
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found(entity, record_id)
        return row

    async def _save(self, table: Table, record: Any, entity: str, **values: Any) -> None:
        statement = (
            update(table)
            .where(table.c.id == record.id, table.c.organization_id == record.organization_id)
            .values(**values)
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found(entity, record.id)

    async def lock_organization(self, organization_id: UUID) -> Organization:
        statement = (
            select(_organizations).where(_organizations.c.id == organization_id).with_for_update()
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("organization", organization_id)
        return Organization(
            id=row.id,
            name=row.name,
            settings=settings_from(row.settings),
            created_at=row.created_at,
        )

    async def save_settings(self, organization_id: UUID, settings: OrganizationSettings) -> None:
        statement = (
            update(_organizations)
            .where(_organizations.c.id == organization_id)
            .values(settings=settings_document(settings))
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found("organization", organization_id)

    async def lock_department(self, organization_id: UUID, department_id: UUID) -> Department:
        row = await self._locked(_departments, organization_id, department_id, "department")
        return Department(**row._mapping)

    async def save_department(self, department: Department) -> None:
        await self._save(
            _departments,
            department,
            "department",
            name=department.name,
            manager_id=department.manager_id,
        )

    async def lock_store(self, organization_id: UUID, store_id: UUID) -> Store:
        row = await self._locked(_stores, organization_id, store_id, "store")
        return Store(**row._mapping)

    async def save_store(self, store: Store) -> None:
        await self._save(
            _stores,
            store,
            "store",
            name=store.name,
            latitude=store.latitude,
            longitude=store.longitude,
            radius_meters=store.radius_meters,
        )

    async def lock_shift_template(self, organization_id: UUID, template_id: UUID) -> ShiftTemplate:
        row = await self._locked(_shifts, organization_id, template_id, "shift template")
        return ShiftTemplate(**row._mapping)

    async def save_shift_template(self, template: ShiftTemplate) -> None:
        await self._save(
            _shifts,
            template,
            "shift template",
            name=template.name,
            start_time=template.start_time,
            end_time=template.end_time,
            break_minutes=template.break_minutes,
        )

    async def lock_task_template(self, organization_id: UUID, template_id: UUID) -> TaskTemplate:
        row = await self._locked(_templates, organization_id, template_id, "task template")
        return template_from_row(row)

    async def save_task_template(self, template: TaskTemplate) -> None:
        await self._save(
            _templates,
            template,
            "task template",
            department_id=template.department_id,
            shift_template_id=template.shift_template_id,
            job_category=template.job_category.value,
            title=template.title,
            estimated_minutes=template.estimated_minutes,
            priority=template.priority.value,
            due_offset_minutes=template.due_offset_minutes,
            sla_minutes=template.sla_minutes,
            requires_review=template.requires_review,
            archived_at=template.archived_at,
        )

    async def roster_between(
        self,
        organization_id: UUID,
        date_from: date,
        date_to: date,
        *,
        department_id: UUID | None = None,
        employee_id: UUID | None = None,
    ) -> list[RosterEntry]:
        statement = select(_roster).where(
            _roster.c.organization_id == organization_id,
            _roster.c.business_date.between(date_from, date_to),
        )
        if employee_id is not None:
            statement = statement.where(_roster.c.employee_id == employee_id)
        if department_id is not None:
            staff = select(_employees.c.id).where(
                _employees.c.organization_id == organization_id,
                _employees.c.department_id == department_id,
            )
            statement = statement.where(_roster.c.employee_id.in_(staff))
        order = (_roster.c.business_date, _roster.c.employee_id)
        rows = await self._db.execute(statement.order_by(*order))
        return [RosterEntry(**row._mapping) for row in rows]

    async def lock_roster_entry(self, organization_id: UUID, entry_id: UUID) -> RosterEntry:
        row = await self._locked(_roster, organization_id, entry_id, "roster entry")
        return RosterEntry(**row._mapping)

    async def remove_roster_entry(self, entry: RosterEntry) -> None:
        statement = delete(_roster).where(
            _roster.c.id == entry.id, _roster.c.organization_id == entry.organization_id
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found("roster entry", entry.id)
