"""In-memory adapters of the administration ports: the directory of people, setup edits
and pending summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

from jts_domain.administration.ports import EmployeeFilter
from jts_domain.errors import invalid, not_found
from jts_domain.memory.tables import Tables, detached, get_owned, of_org, page
from jts_domain.model import (
    Department,
    Employee,
    Organization,
    OrganizationSettings,
    RosterEntry,
    ShiftTemplate,
    Store,
    TaskTemplate,
)
from jts_domain.workload import DueWindows, PendingCounts, PendingSummary, count_pending

PlaceT = TypeVar("PlaceT", Department, Store, ShiftTemplate, TaskTemplate)


def _matches(employee: Employee, f: EmployeeFilter) -> bool:
    needle = None if f.search is None else f.search.lower()
    return (
        (f.department_id is None or employee.department_id == f.department_id)
        and (f.role is None or employee.role is f.role)
        and (f.active is None or employee.active is f.active)
        and (needle is None or needle in employee.name.lower() or needle in employee.email.lower())
        and (f.reach is None or f.reach.covers(employee))
    )


class MemoryDirectory:
    """Employees, searched and edited."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def search(
        self,
        organization_id: UUID,
        employee_filter: EmployeeFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Employee]:
        rows = [
            e for e in of_org(self._t.employees, organization_id) if _matches(e, employee_filter)
        ]
        return page(rows, lambda e: (e.created_at, e.id), after, limit)

    async def lock(self, organization_id: UUID, employee_id: UUID) -> Employee:
        # units of work run one at a time here: reading is holding
        return get_owned(self._t.employees, organization_id, employee_id, "employee")

    async def update_profile(self, employee: Employee) -> None:
        stored = get_owned(self._t.employees, employee.organization_id, employee.id, "employee")
        email = employee.email.lower()
        if any(
            e.email.lower() == email and e.id != employee.id for e in self._t.employees.values()
        ):
            raise invalid("this email is already registered", field="email")
        self._t.employees[employee.id] = replace(
            stored,
            name=employee.name,
            email=employee.email,
            department_id=employee.department_id,
            store_id=employee.store_id,
            job_category=employee.job_category,
        )


def _save(table: dict[UUID, PlaceT], record: PlaceT, entity: str) -> None:
    get_owned(table, record.organization_id, record.id, entity)
    table[record.id] = detached(record)


class MemoryOrganizationSetup:
    """Settings, departments, stores, shifts, roster entries and task templates, edited."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def lock_organization(self, organization_id: UUID) -> Organization:
        found = self._t.organizations.get(organization_id)
        if found is None:
            raise not_found("organization", organization_id)
        return detached(found)

    async def save_settings(self, organization_id: UUID, settings: OrganizationSettings) -> None:
        organization = await self.lock_organization(organization_id)
        self._t.organizations[organization_id] = replace(organization, settings=settings)

    async def lock_department(self, organization_id: UUID, department_id: UUID) -> Department:
        return get_owned(self._t.departments, organization_id, department_id, "department")

    async def save_department(self, department: Department) -> None:
        _save(self._t.departments, department, "department")

    async def lock_store(self, organization_id: UUID, store_id: UUID) -> Store:
        return get_owned(self._t.stores, organization_id, store_id, "store")

    async def save_store(self, store: Store) -> None:
        _save(self._t.stores, store, "store")

    async def lock_shift_template(self, organization_id: UUID, template_id: UUID) -> ShiftTemplate:
        return get_owned(self._t.shift_templates, organization_id, template_id, "shift template")

    async def save_shift_template(self, template: ShiftTemplate) -> None:
        _save(self._t.shift_templates, template, "shift template")

    async def lock_task_template(self, organization_id: UUID, template_id: UUID) -> TaskTemplate:
        return get_owned(self._t.task_templates, organization_id, template_id, "task template")

    async def save_task_template(self, template: TaskTemplate) -> None:
        _save(self._t.task_templates, template, "task template")

    async def roster_between(
        self,
        organization_id: UUID,
        date_from: date,
        date_to: date,
        *,
        department_id: UUID | None = None,
        employee_id: UUID | None = None,
    ) -> list[RosterEntry]:
        def wanted(entry: RosterEntry) -> bool:
            person = self._t.employees.get(entry.employee_id)
            return (
                entry.organization_id == organization_id
                and date_from <= entry.business_date <= date_to
                and (employee_id is None or entry.employee_id == employee_id)
                and (
                    department_id is None
                    or (person is not None and person.department_id == department_id)
                )
            )

        rows = [e for e in self._t.roster.values() if wanted(e)]
        return [detached(e) for e in sorted(rows, key=lambda e: (e.business_date, e.employee_id))]

    async def lock_roster_entry(self, organization_id: UUID, entry_id: UUID) -> RosterEntry:
        found = (
            e
            for e in self._t.roster.values()
            if e.id == entry_id and e.organization_id == organization_id
        )
        entry = next(found, None)
        if entry is None:
            raise not_found("roster entry", entry_id)
        return detached(entry)

    async def remove_roster_entry(self, entry: RosterEntry) -> None:
        key = (entry.employee_id, entry.business_date)
        stored = self._t.roster.get(key)
        if (
            stored is None
            or stored.id != entry.id
            or stored.organization_id != entry.organization_id
        ):
            raise not_found("roster entry", entry.id)
        del self._t.roster[key]


class MemoryPendingSummaries:
    """Pending summaries, one per organization and employee."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def count(
        self,
        organization_id: UUID,
        windows: DueWindows,
        *,
        employee_ids: Sequence[UUID] | None = None,
    ) -> list[PendingCounts]:
        staff = of_org(self._t.employees, organization_id)
        if employee_ids is None:
            chosen = [e.id for e in staff if e.active]
        else:
            wanted = set(employee_ids)
            chosen = [e.id for e in staff if e.id in wanted]
        tasks = [t for t in self._t.tasks.values() if t.organization_id == organization_id]
        return [count_pending(employee_id, tasks, windows) for employee_id in chosen]

    async def upsert_many(self, summaries: Sequence[PendingSummary]) -> None:
        for summary in summaries:
            key = (summary.organization_id, summary.employee_id)
            self._t.pending_summaries[key] = detached(summary)

    async def find_many(
        self, organization_id: UUID, employee_ids: Sequence[UUID]
    ) -> dict[UUID, PendingSummary]:
        found = (self._t.pending_summaries.get((organization_id, e)) for e in employee_ids)
        return {s.employee_id: detached(s) for s in found if s is not None}
