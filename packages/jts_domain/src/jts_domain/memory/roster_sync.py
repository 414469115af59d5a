"""Roster sync in memory: the configured sources, and lookups by external id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.memory.tables import Tables, detached
from jts_domain.model import Employee, RosterEntry
from jts_domain.roster_sync.model import RosterSource, SyncCounts


class MemoryRosterSources:
    """One roster source per organization."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def find(self, organization_id: UUID) -> RosterSource | None:
        found = self._t.roster_sources.get(organization_id)
        return None if found is None else detached(found)

    async def save(self, source: RosterSource) -> None:
        self._t.roster_sources[source.organization_id] = detached(source)

    async def remove(self, organization_id: UUID) -> bool:
        return self._t.roster_sources.pop(organization_id, None) is not None

    async def record_sync(self, organization_id: UUID, at: datetime, counts: SyncCounts) -> None:
        found = self._t.roster_sources.get(organization_id)
        if found is not None:
            self._t.roster_sources[organization_id] = replace(
                found, last_synced_at=at, last_counts=counts
            )


def _taken(organization_id: UUID, external_id: str | None, other: object) -> DomainError:
    return DomainError(
        ErrorCode.CONFLICT,
        "another record of the organization has this external id",
        {"organization_id": str(organization_id), "external_id": external_id, "id": str(other)},
    )


class MemoryRosterSync:
    """Batch lookups by external id and e-mail, and the updates of a sync."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def employees_by_external_id(
        self, organization_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, Employee]:
        wanted = set(external_ids)
        return {
            e.external_id: detached(e)
            for e in self._t.employees.values()
            if e.organization_id == organization_id
            and e.external_id in wanted
            and e.external_id is not None
        }

    async def employees_by_email(self, emails: Sequence[str]) -> dict[str, Employee]:
        wanted = {e.lower() for e in emails}
        return {
            e.email.lower(): detached(e)
            for e in self._t.employees.values()
            if e.email.lower() in wanted
        }

    async def update_employee(self, employee: Employee) -> None:
        stored = self._t.employees.get(employee.id)
        if stored is None or stored.organization_id != employee.organization_id:
            raise not_found("employee", employee.id)
        for other in self._t.employees.values():
            if other.id == employee.id:
                continue
            if other.email.lower() == employee.email.lower():
                raise DomainError(ErrorCode.VALIDATION_ERROR, "this e-mail is already registered")
            same_org = other.organization_id == employee.organization_id
            if same_org and employee.external_id and other.external_id == employee.external_id:
                raise _taken(employee.organization_id, employee.external_id, other.id)
        self._t.employees[employee.id] = replace(
            stored,
            email=employee.email,
            name=employee.name,
            department_id=employee.department_id,
            job_category=employee.job_category,
            store_id=employee.store_id,
            external_id=employee.external_id,
        )

    async def roster_by_external_id(
        self, organization_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, RosterEntry]:
        wanted = set(external_ids)
        return {
            r.external_id: detached(r)
            for r in self._t.roster.values()
            if r.organization_id == organization_id
            and r.external_id is not None
            and r.external_id in wanted
        }

    async def roster_by_employee_date(
        self, organization_id: UUID, keys: Sequence[tuple[UUID, date]]
    ) -> dict[tuple[UUID, date], RosterEntry]:
        found = {k: self._t.roster.get(k) for k in set(keys)}
        return {
            k: detached(r)
            for k, r in found.items()
            if r is not None and r.organization_id == organization_id
        }

    async def update_roster_entry(self, entry: RosterEntry) -> None:
        old_key = next((k for k, r in self._t.roster.items() if r.id == entry.id), None)
        if old_key is None or self._t.roster[old_key].organization_id != entry.organization_id:
            raise not_found("roster entry", entry.id)
        new_key = (entry.employee_id, entry.business_date)
        occupant = self._t.roster.get(new_key)
        if occupant is not None and occupant.id != entry.id:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, "the employee is already rostered on this date"
            )
        for other in self._t.roster.values():
            same = other.organization_id == entry.organization_id and other.id != entry.id
            if same and entry.external_id and other.external_id == entry.external_id:
                raise _taken(entry.organization_id, entry.external_id, other.id)
        del self._t.roster[old_key]
        self._t.roster[new_key] = detached(entry)
