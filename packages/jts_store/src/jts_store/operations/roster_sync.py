"""Roster sync in PostgreSQL: each organization's source, lookups by external id, updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from jts_domain.errors import not_found
from jts_domain.model import Employee, RosterEntry
from jts_domain.roster_sync.model import RosterSource, Secret, SyncCounts
from jts_store.repositories.organizations import _EMPLOYEE_COLUMNS, _employee
from jts_store.repositories.roster import _entry
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import EmployeeRow, RosterEntryRow, RosterSourceRow
from jts_store.tables.base import table_of

_sources = table_of(RosterSourceRow)
_employees = table_of(EmployeeRow)
_roster = table_of(RosterEntryRow)


def _source(row: Row[Any]) -> RosterSource:
    counts = None if row.last_counts is None else SyncCounts(**row.last_counts)
    return RosterSource(
        organization_id=row.organization_id,
        url=row.url,
        token=Secret(row.token),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        last_synced_at=row.last_synced_at,
        last_counts=counts,
    )


class SqlRosterSources:
    """The ``roster_sources`` table: one row per organization that has a source."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def find(self, organization_id: UUID) -> RosterSource | None:
        statement = select(_sources).where(_sources.c.organization_id == organization_id)
        row = (await self._db.execute(statement)).one_or_none()
        return None if row is None else _source(row)

    async def save(self, source: RosterSource) -> None:
        values = {
            "organization_id": source.organization_id,
            "url": source.url,
            "token": source.token.reveal(),
            "updated_at": source.updated_at,
            "updated_by": source.updated_by,
            "last_synced_at": source.last_synced_at,
            "last_counts": None if source.last_counts is None else source.last_counts.as_dict(),
        }
        statement = insert(_sources).values(**values)
        changed = {k: statement.excluded[k] for k in ("url", "token", "updated_at", "updated_by")}
        await self._db.execute(
            statement.on_conflict_do_update(index_elements=["organization_id"], set_=changed)
        )

    async def remove(self, organization_id: UUID) -> bool:
        statement = delete(_sources).where(_sources.c.organization_id == organization_id)
        return (await self._db.execute(statement)).rowcount > 0

    async def record_sync(self, organization_id: UUID, at: datetime, counts: SyncCounts) -> None:
        statement = (
            update(_sources)
            .where(_sources.c.organization_id == organization_id)
            .values(last_synced_at=at, last_counts=counts.as_dict())
        )
        await self._db.execute(statement)


class SqlRosterSync:
    """Set-based lookups of a batch's employees and entries, and a sync's updates."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def employees_by_external_id(
        self, organization_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, Employee]:
        if not external_ids:
            return {}
        statement = select(*_EMPLOYEE_COLUMNS).where(
            _employees.c.organization_id == organization_id,
            _employees.c.external_id.in_(set(external_ids)),
        )
        found = [_employee(row) for row in await self._db.execute(statement)]
        return {e.external_id: e for e in found if e.external_id is not None}

    async def employees_by_email(self, emails: Sequence[str]) -> dict[str, Employee]:
        if not emails:
            return {}
        wanted = {e.lower() for e in emails}
        statement = select(*_EMPLOYEE_COLUMNS).where(func.lower(_employees.c.email).in_(wanted))
        return {e.email.lower(): e for e in map(_employee, await self._db.execute(statement))}

    async def update_employee(self, employee: Employee) -> None:
        statement = (
            update(_employees)
            .where(
                _employees.c.id == employee.id,
                _employees.c.organization_id == employee.organization_id,
            )
            .values(
                email=employee.email,
                name=employee.name,
                department_id=employee.department_id,
                job_category=None if employee.job_category is None else employee.job_category.value,
                store_id=employee.store_id,
                external_id=employee.external_id,
            )
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found("employee", employee.id)

    async def roster_by_external_id(
        self, organization_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, RosterEntry]:
        if not external_ids:
            return {}
        statement = select(_roster).where(
            _roster.c.organization_id == organization_id,
            _roster.c.external_id.in_(set(external_ids)),
        )
        found = [_entry(row) for row in await self._db.execute(statement)]
        return {e.external_id: e for e in found if e.external_id is not None}

    async def roster_by_employee_date(
        self, organization_id: UUID, keys: Sequence[tuple[UUID, date]]
    ) -> dict[tuple[UUID, date], RosterEntry]:
        if not keys:
            return {}
        statement = select(_roster).where(
            _roster.c.organization_id == organization_id,
            tuple_(_roster.c.employee_id, _roster.c.business_date).in_(set(keys)),
        )
        found = [_entry(row) for row in await self._db.execute(statement)]
        return {(e.employee_id, e.business_date): e for e in found}

    async def update_roster_entry(self, entry: RosterEntry) -> None:
        statement = (
            update(_roster)
            .where(_roster.c.id == entry.id, _roster.c.organization_id == entry.organization_id)
            .values(
                employee_id=entry.employee_id,
                business_date=entry.business_date,
                shift_template_id=entry.shift_template_id,
                store_id=entry.store_id,
                external_id=entry.external_id,
            )
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found("roster entry", entry.id)
