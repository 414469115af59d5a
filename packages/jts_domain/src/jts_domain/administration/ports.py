"""What the administration use cases need from a store, beyond the core ports.

Every method takes the organization id (or a record carrying it): nothing crosses
tenants. ``lock_*`` methods read a record and hold it until the unit of work ends, so a
concurrent edit of the same record waits and then sees this one's result (the audit's old
values are then the values really replaced); they raise ``DomainError(NOT_FOUND)`` for an
id of another organization.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from jts_domain.model import (
    Department,
    Employee,
    Organization,
    OrganizationSettings,
    Role,
    RosterEntry,
    ShiftTemplate,
    Store,
    TaskTemplate,
)
from jts_domain.workload import DueWindows, PendingCounts, PendingSummary


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeReach:
    """The employees a caller may list: those of ``department_ids``, and themselves."""

    department_ids: frozenset[UUID] = frozenset()
    employee_id: UUID | None = None

    def covers(self, employee: Employee) -> bool:
        """Whether the employee is within reach."""
        return employee.id == self.employee_id or employee.department_id in self.department_ids


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeFilter:
    """Filters of an employee listing; None means any (``reach`` None: everyone).

    ``search`` matches a part of the name or the e-mail address, ignoring case.
    """

    department_id: UUID | None = None
    role: Role | None = None
    active: bool | None = None
    search: str | None = None
    reach: EmployeeReach | None = None


class EmployeeDirectory(Protocol):
    """The people of an organization as an administrator sees them."""

    async def search(
        self,
        organization_id: UUID,
        employee_filter: EmployeeFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Employee]:
        """Employees ordered by ``(created_at, id)``, strictly after the cursor when given."""
        ...

    async def lock(self, organization_id: UUID, employee_id: UUID) -> Employee:
        """The employee, locked until the unit of work ends."""
        ...

    async def update_profile(self, employee: Employee) -> None:
        """Store the employee's name, e-mail, department, store and job category.

        VALIDATION_ERROR when another employee (of any organization) has the e-mail.
        """
        ...


class OrganizationSetup(Protocol):
    """Edits of an organization's settings and setup: departments, stores, shift
    templates, roster entries and task templates."""

    async def lock_organization(self, organization_id: UUID) -> Organization: ...
    async def save_settings(self, organization_id: UUID, settings: OrganizationSettings) -> None:
        """Replace the organization's settings."""
        ...

    async def lock_department(self, organization_id: UUID, department_id: UUID) -> Department: ...
    async def save_department(self, department: Department) -> None:
        """Store the department's name and manager."""
        ...

    async def lock_store(self, organization_id: UUID, store_id: UUID) -> Store: ...
    async def save_store(self, store: Store) -> None:
        """Store the store's name, point and radius."""
        ...

    async def lock_shift_template(
        self, organization_id: UUID, template_id: UUID
    ) -> ShiftTemplate: ...
    async def save_shift_template(self, template: ShiftTemplate) -> None:
        """Store the shift's name, times and break."""
        ...

    async def lock_task_template(
        self, organization_id: UUID, template_id: UUID
    ) -> TaskTemplate: ...
    async def save_task_template(self, template: TaskTemplate) -> None:
        """Store every field of the task template but its organization."""
        ...

    async def roster_between(
        self,
        organization_id: UUID,
        date_from: date,
        date_to: date,
        *,
        department_id: UUID | None = None,
        employee_id: UUID | None = None,
    ) -> list[RosterEntry]:
        """Entries of the dates (inclusive), by date then employee id; only of the
        department's current employees, or of one employee, when given."""
        ...

    async def lock_roster_entry(self, organization_id: UUID, entry_id: UUID) -> RosterEntry: ...
    async def remove_roster_entry(self, entry: RosterEntry) -> None:
        """Delete the entry."""
        ...


class PendingSummaryRepository(Protocol):
    """Pending summaries: counted set-based, stored one per employee."""

    async def count(
        self,
        organization_id: UUID,
        windows: DueWindows,
        *,
        employee_ids: Sequence[UUID] | None = None,
    ) -> list[PendingCounts]:
        """In one read, the open tasks of each of the employees (every active employee of
        the organization when None) counted as :func:`jts_domain.workload.count_pending`
        counts them; one row per employee, by employee id, zeros included."""
        ...

    async def upsert_many(self, summaries: Sequence[PendingSummary]) -> None:
        """Insert or replace each employee's summary, in one write."""
        ...

    async def find_many(
        self, organization_id: UUID, employee_ids: Sequence[UUID]
    ) -> dict[UUID, PendingSummary]:
        """The stored summaries of the employees that have one, by employee id."""
        ...
