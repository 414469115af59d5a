"""In-memory repositories: the same contract as the PostgreSQL ones, in dictionaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from jts_domain import planner
from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.memory.tables import (
    Tables,
    check_version,
    detached,
    get_many_owned,
    get_owned,
    insert_new,
    of_org,
    page,
)
from jts_domain.model import (
    OPEN_TASK_STATUSES,
    Attendance,
    Department,
    Employee,
    Organization,
    Role,
    RosterEntry,
    ShiftTemplate,
    SlaStatus,
    StatusChange,
    Store,
    Task,
    TaskStatus,
)
from jts_domain.ports import Credentials, TaskFilter


class MemoryOrganizations:
    """Organizations."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, organization: Organization) -> None:
        if organization.id in self._t.organizations:
            raise DomainError(
                ErrorCode.CONFLICT, "a record with this id exists", {"id": str(organization.id)}
            )
        self._t.organizations[organization.id] = detached(organization)

    async def get(self, organization_id: UUID) -> Organization:
        found = self._t.organizations.get(organization_id)
        if found is None:
            raise not_found("organization", organization_id)
        return detached(found)

    async def list_all(self) -> list[Organization]:
        return [detached(o) for o in sorted(self._t.organizations.values(), key=lambda o: o.id)]


class MemoryEmployees:
    """Employees; e-mails are unique across organizations (compared lower-case)."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, employee: Employee) -> None:
        if await self.find_by_email(employee.email) is not None:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "this e-mail is already registered")
        insert_new(self._t.employees, employee)

    async def get(self, organization_id: UUID, employee_id: UUID) -> Employee:
        return get_owned(self._t.employees, organization_id, employee_id, "employee")

    async def get_many(self, organization_id: UUID, employee_ids: Sequence[UUID]) -> list[Employee]:
        return get_many_owned(self._t.employees, organization_id, employee_ids)

    async def find_by_email(self, email: str) -> Employee | None:
        wanted = email.lower()
        found = (e for e in self._t.employees.values() if e.email.lower() == wanted)
        employee = next(found, None)
        return detached(employee) if employee is not None else None

    async def list_active(
        self, organization_id: UUID, *, department_id: UUID | None = None
    ) -> list[Employee]:
        return [
            e
            for e in of_org(self._t.employees, organization_id)
            if e.active and (department_id is None or e.department_id == department_id)
        ]

    async def update_access(self, employee: Employee, *, read_epoch: int) -> None:
        stored = get_owned(self._t.employees, employee.organization_id, employee.id, "employee")
        if stored.access_epoch != read_epoch:
            raise DomainError(
                ErrorCode.CONFLICT,
                "the employee's access was changed by someone else; reload and retry",
                {"id": str(employee.id)},
            )
        stored.role, stored.active = employee.role, employee.active
        stored.access_epoch = employee.access_epoch
        self._t.employees[employee.id] = stored

    async def lock_active_admins(self, organization_id: UUID) -> set[UUID]:
        # units of work run one at a time here: nothing else can change them meanwhile
        return {
            e.id
            for e in self._t.employees.values()
            if e.organization_id == organization_id and e.active and e.role is Role.ADMIN
        }


class MemoryCredentials:
    """Password hashes, keyed by employee id."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def set_password_hash(
        self, organization_id: UUID, employee_id: UUID, password_hash: str
    ) -> None:
        get_owned(self._t.employees, organization_id, employee_id, "employee")
        self._t.password_hashes[employee_id] = password_hash

    async def find_by_email(self, email: str) -> Credentials | None:
        employee = await MemoryEmployees(self._t).find_by_email(email)
        if employee is None:
            return None
        return Credentials(
            employee=employee, password_hash=self._t.password_hashes.get(employee.id)
        )


class MemoryDepartments:
    """Departments."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, department: Department) -> None:
        insert_new(self._t.departments, department)

    async def get(self, organization_id: UUID, department_id: UUID) -> Department:
        return get_owned(self._t.departments, organization_id, department_id, "department")

    async def list_all(self, organization_id: UUID) -> list[Department]:
        return of_org(self._t.departments, organization_id)


class MemoryStores:
    """Stores."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, store: Store) -> None:
        insert_new(self._t.stores, store)

    async def get(self, organization_id: UUID, store_id: UUID) -> Store:
        return get_owned(self._t.stores, organization_id, store_id, "store")

    async def list_all(self, organization_id: UUID) -> list[Store]:
        return of_org(self._t.stores, organization_id)


class MemoryShiftTemplates:
    """Shift templates."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, template: ShiftTemplate) -> None:
        insert_new(self._t.shift_templates, template)

    async def get(self, organization_id: UUID, template_id: UUID) -> ShiftTemplate:
        return get_owned(self._t.shift_templates, organization_id, template_id, "shift template")

    async def list_all(self, organization_id: UUID) -> list[ShiftTemplate]:
        return of_org(self._t.shift_templates, organization_id)


class MemoryRoster:
    """Roster entries, one per employee and date."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, entry: RosterEntry) -> None:
        key = (entry.employee_id, entry.business_date)
        if key in self._t.roster:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, "the employee is already rostered on this date"
            )
        self._t.roster[key] = detached(entry)

    async def update(self, entry: RosterEntry) -> None:
        key = (entry.employee_id, entry.business_date)
        stored = self._t.roster.get(key)
        if (
            stored is None
            or stored.id != entry.id
            or stored.organization_id != entry.organization_id
        ):
            raise not_found("roster entry", entry.id)
        self._t.roster[key] = detached(entry)

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> RosterEntry | None:
        entry = self._t.roster.get((employee_id, business_date))
        if entry is None or entry.organization_id != organization_id:
            return None
        return detached(entry)

    async def list_for_date(self, organization_id: UUID, business_date: date) -> list[RosterEntry]:
        rows = [
            e
            for e in self._t.roster.values()
            if e.organization_id == organization_id and e.business_date == business_date
        ]
        return [detached(e) for e in sorted(rows, key=lambda e: e.employee_id)]


class MemoryAttendance:
    """Attendance rows, one per employee and date."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, attendance: Attendance) -> None:
        key = (attendance.employee_id, attendance.business_date)
        if key in self._t.attendance:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, "attendance for this employee and date exists"
            )
        self._t.attendance[key] = detached(attendance)

    async def update(self, attendance: Attendance) -> None:
        key = (attendance.employee_id, attendance.business_date)
        check_version(self._t.attendance.get(key), attendance, "attendance")
        self._t.attendance[key] = detached(attendance)

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> Attendance | None:
        row = self._t.attendance.get((employee_id, business_date))
        if row is None or row.organization_id != organization_id:
            return None
        return detached(row)

    async def find_open(self, organization_id: UUID, employee_id: UUID) -> Attendance | None:
        rows = (
            a
            for a in self._t.attendance.values()
            if a.organization_id == organization_id and a.employee_id == employee_id and a.is_open
        )
        row = next(rows, None)
        return detached(row) if row is not None else None

    async def add_missing(self, rows: Sequence[Attendance]) -> int:
        added = 0
        for row in rows:
            key = (row.employee_id, row.business_date)
            if key not in self._t.attendance:
                self._t.attendance[key] = detached(row)
                added += 1
        return added

    async def list_for_date(self, organization_id: UUID, business_date: date) -> list[Attendance]:
        rows = [
            a
            for a in self._t.attendance.values()
            if a.organization_id == organization_id and a.business_date == business_date
        ]
        return [detached(a) for a in sorted(rows, key=lambda a: a.employee_id)]

    async def punctuality(
        self, organization_id: UUID, date_from: date, date_to: date
    ) -> dict[UUID, tuple[int, int]]:
        result: dict[UUID, tuple[int, int]] = {}
        for (employee_id, day), entry in self._t.roster.items():
            if entry.organization_id != organization_id or not date_from <= day <= date_to:
                continue
            row = self._t.attendance.get((employee_id, day))
            punctual = int(row is not None and row.status == "PRESENT")
            done, rostered = result.get(employee_id, (0, 0))
            result[employee_id] = (done + punctual, rostered + 1)
        return result


class MemoryTasks:
    """Tasks and their status history."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, task: Task) -> None:
        insert_new(self._t.tasks, task)

    async def get(self, organization_id: UUID, task_id: UUID) -> Task:
        return get_owned(self._t.tasks, organization_id, task_id, "task")

    async def get_many(self, organization_id: UUID, task_ids: Sequence[UUID]) -> list[Task]:
        return get_many_owned(self._t.tasks, organization_id, task_ids)

    async def update(self, task: Task) -> None:
        check_version(self._t.tasks.get(task.id), task, "task")
        self._t.tasks[task.id] = detached(task)

    async def set_sla_statuses(
        self, organization_id: UUID, changes: Sequence[tuple[UUID, int, SlaStatus]]
    ) -> set[UUID]:
        written: set[UUID] = set()
        for task_id, version, status in changes:
            stored = self._t.tasks.get(task_id)
            if stored is None or stored.organization_id != organization_id:
                continue
            if stored.version != version:
                continue
            task = detached(stored)
            task.last_sla_status, task.version = status, version + 1
            self._t.tasks[task_id] = task
            written.add(task_id)
        return written

    async def add_history(self, change: StatusChange) -> None:
        self._t.history.setdefault(change.task_id, []).append(change)

    async def history(self, organization_id: UUID, task_id: UUID) -> list[StatusChange]:
        rows = self._t.history.get(task_id, [])
        return [c for c in rows if c.organization_id == organization_id]

    async def histories(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> dict[UUID, list[StatusChange]]:
        found: dict[UUID, list[StatusChange]] = {}
        for task_id in dict.fromkeys(task_ids):
            rows = await self.history(organization_id, task_id)
            if rows:
                found[task_id] = rows
        return found

    def _org_tasks(self, organization_id: UUID) -> list[Task]:
        return [t for t in self._t.tasks.values() if t.organization_id == organization_id]

    async def search(
        self,
        organization_id: UUID,
        task_filter: TaskFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Task]:
        f = task_filter
        rows = [
            t
            for t in self._org_tasks(organization_id)
            if (f.assignee_id is None or t.assignee_id == f.assignee_id)
            and (f.department_id is None or t.department_id == f.department_id)
            and (f.statuses is None or t.status in f.statuses)
            and (f.planned_date is None or t.planned_date == f.planned_date)
            and (f.reach is None or f.reach.covers(t))
        ]
        return page(rows, lambda t: (t.created_at, t.id), after, limit)

    async def list_open(
        self, organization_id: UUID, *, assignee_id: UUID | None = None
    ) -> list[Task]:
        rows = [
            t
            for t in self._org_tasks(organization_id)
            if t.status in OPEN_TASK_STATUSES
            and (assignee_id is None or t.assignee_id == assignee_id)
        ]
        return [detached(t) for t in sorted(rows, key=lambda t: (t.created_at, t.id))]

    async def list_unassigned(
        self, organization_id: UUID, department_id: UUID, business_date: date
    ) -> list[Task]:
        rows = [
            t
            for t in self._org_tasks(organization_id)
            if t.status is TaskStatus.PENDING
            and t.assignee_id is None
            and t.department_id == department_id
            and t.planned_date in (None, business_date)
        ]
        return [detached(t) for t in sorted(rows, key=lambda t: (t.created_at, t.id))]

    async def for_planner(
        self, organization_id: UUID, employee_id: UUID, business_date: date, timezone: str
    ) -> list[Task]:
        def wanted(t: Task) -> bool:
            return (
                t.assignee_id == employee_id
                and t.status in OPEN_TASK_STATUSES
                and planner.plan_date(t.planned_date, t.due_at, t.created_at, timezone)
                <= business_date
            )

        rows = [t for t in self._org_tasks(organization_id) if wanted(t)]
        return [detached(t) for t in sorted(rows, key=lambda t: (t.created_at, t.id))]

    async def find_generated(
        self, organization_id: UUID, template_id: UUID, employee_id: UUID, business_date: date
    ) -> Task | None:
        found = (
            t
            for t in self._org_tasks(organization_id)
            if t.template_id == template_id
            and t.generated_for == employee_id
            and t.planned_date == business_date
        )
        task = next(found, None)
        return detached(task) if task is not None else None
