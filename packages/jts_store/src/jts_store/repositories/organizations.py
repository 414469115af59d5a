"""Organizations, employees, departments and stores in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, insert, select, update

from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.model import (
    Department,
    Employee,
    JobCategory,
    Organization,
    OrganizationSettings,
    Role,
    ScoreWeights,
    Store,
    WorkloadThresholds,
)
from jts_domain.ports import Credentials
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import DepartmentRow, EmployeeRow, OrganizationRow, StoreRow
from jts_store.tables.base import table_of

_organizations = table_of(OrganizationRow)
_employees = table_of(EmployeeRow)
_departments = table_of(DepartmentRow)
_stores = table_of(StoreRow)
_WEIGHT_NAMES = ("completion", "timeliness", "utilization", "sla", "quality")
_LEVEL_NAMES = ("pending", "urgent", "overdue")
_SCALAR_SETTINGS = (
    "timezone",
    "idle_minutes",
    "overtime_minutes",
    "sla_warning_minutes",
    "late_grace_minutes",
    "shift_lead_minutes",
    "auto_stop_grace_minutes",
    "geofence_radius_meters",
    "idle_auto_pause",
    "activity_retention_months",
    "activity_late_days",
    "task_retention_days",
    "timer_retention_days",
)
_TIME_SETTINGS = ("quiet_hours_start", "quiet_hours_end")


def settings_document(settings: OrganizationSettings) -> dict[str, Any]:
    """Settings as JSON: weights as decimal strings (exact), thresholds as lists, local
    times as ISO strings."""
    document: dict[str, Any] = {name: getattr(settings, name) for name in _SCALAR_SETTINGS}
    document.update({name: getattr(settings, name).isoformat() for name in _TIME_SETTINGS})
    document["score_weights"] = {
        name: str(getattr(settings.score_weights, name)) for name in _WEIGHT_NAMES
    }
    document["workload"] = {name: list(getattr(settings.workload, name)) for name in _LEVEL_NAMES}
    return document


def settings_from(document: dict[str, Any]) -> OrganizationSettings:
    """The settings stored by :func:`settings_document` (missing keys take their defaults)."""
    weights = document.get("score_weights", {})
    levels = document.get("workload", {})
    stored: dict[str, Any] = {name: document[name] for name in _SCALAR_SETTINGS if name in document}
    stored.update(
        {name: time.fromisoformat(document[name]) for name in _TIME_SETTINGS if name in document}
    )
    return OrganizationSettings(
        **stored,
        score_weights=ScoreWeights(**{k: Decimal(v) for k, v in weights.items()}),
        workload=WorkloadThresholds(**{k: tuple(v) for k, v in levels.items()}),
    )


def _organization(row: Row[Any]) -> Organization:
    return Organization(
        id=row.id,
        name=row.name,
        settings=settings_from(row.settings),
        created_at=row.created_at,
    )


class SqlOrganizations:
    """Organizations (tenants)."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, organization: Organization) -> None:
        values = {
            "id": organization.id,
            "name": organization.name,
            "settings": settings_document(organization.settings),
            "created_at": organization.created_at,
        }
        await self._db.execute(insert(_organizations).values(**values))

    async def get(self, organization_id: UUID) -> Organization:
        statement = select(_organizations).where(_organizations.c.id == organization_id)
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("organization", organization_id)
        return _organization(row)

    async def list_all(self) -> list[Organization]:
        statement = select(_organizations).order_by(_organizations.c.id)
        return [_organization(row) for row in await self._db.execute(statement)]


_EMPLOYEE_COLUMNS = [c for c in _employees.c if c.name != "password_hash"]


def _employee(row: Row[Any]) -> Employee:
    return Employee(
        id=row.id,
        organization_id=row.organization_id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        department_id=row.department_id,
        job_category=None if row.job_category is None else JobCategory(row.job_category),
        store_id=row.store_id,
        active=row.active,
        created_at=row.created_at,
        access_epoch=row.access_epoch,
        external_id=row.external_id,
    )


class SqlEmployees:
    """Employees; e-mails are unique across organizations, compared lower-case."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, employee: Employee) -> None:
        values = {
            "id": employee.id,
            "organization_id": employee.organization_id,
            "email": employee.email,
            "name": employee.name,
            "role": employee.role.value,
            "department_id": employee.department_id,
            "job_category": None if employee.job_category is None else employee.job_category.value,
            "store_id": employee.store_id,
            "active": employee.active,
            "created_at": employee.created_at,
            "access_epoch": employee.access_epoch,
            "external_id": employee.external_id,
        }
        await self._db.execute(insert(_employees).values(**values))

    async def get(self, organization_id: UUID, employee_id: UUID) -> Employee:
        statement = select(*_EMPLOYEE_COLUMNS).where(
            _employees.c.id == employee_id, _employees.c.organization_id == organization_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("employee", employee_id)
        return _employee(row)

    async def get_many(self, organization_id: UUID, employee_ids: Sequence[UUID]) -> list[Employee]:
        if not employee_ids:
            return []
        statement = select(*_EMPLOYEE_COLUMNS).where(
            _employees.c.organization_id == organization_id,
            _employees.c.id.in_(set(employee_ids)),
        )
        rows = await self._db.execute(statement.order_by(_employees.c.id))
        return [_employee(row) for row in rows]

    async def find_by_email(self, email: str) -> Employee | None:
        statement = select(*_EMPLOYEE_COLUMNS).where(
            func.lower(_employees.c.email) == func.lower(email)
        )
        row = (await self._db.execute(statement)).one_or_none()
        return None if row is None else _employee(row)

    async def list_active(
        self, organization_id: UUID, *, department_id: UUID | None = None
    ) -> list[Employee]:
        statement = select(*_EMPLOYEE_COLUMNS).where(
            _employees.c.organization_id == organization_id, _employees.c.active
        )
        if department_id is not None:
            statement = statement.where(_employees.c.department_id == department_id)
        rows = await self._db.execute(statement.order_by(_employees.c.id))
        return [_employee(row) for row in rows]

    async def update_access(self, employee: Employee, *, read_epoch: int) -> None:
        statement = (
            update(_employees)
            .where(
                _employees.c.id == employee.id,
                _employees.c.organization_id == employee.organization_id,
                _employees.c.access_epoch == read_epoch,
            )
            .values(
                role=employee.role.value,
                active=employee.active,
                access_epoch=employee.access_epoch,
            )
        )
        if (await self._db.execute(statement)).rowcount == 1:
            return
        await self.get(employee.organization_id, employee.id)  # NOT_FOUND if it is gone
        raise DomainError(
            ErrorCode.CONFLICT,
            "the employee's access was changed by someone else; reload and retry",
            {"id": str(employee.id)},
        )

    async def lock_active_admins(self, organization_id: UUID) -> set[UUID]:
        # Locked in id order, so two units of work never wait for each other in a cycle.
        statement = (
            select(_employees.c.id)
            .where(
                _employees.c.organization_id == organization_id,
                _employees.c.role == Role.ADMIN.value,
                _employees.c.active,
            )
            .order_by(_employees.c.id)
            .with_for_update()
        )
        return set((await self._db.execute(statement)).scalars())


class SqlCredentials:
    """Password hashes, in the ``employees.password_hash`` column."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def set_password_hash(
        self, organization_id: UUID, employee_id: UUID, password_hash: str
    ) -> None:
        statement = (
            update(_employees)
            .where(_employees.c.id == employee_id, _employees.c.organization_id == organization_id)
            .values(password_hash=password_hash)
        )
        if (await self._db.execute(statement)).rowcount != 1:
            raise not_found("employee", employee_id)

    async def find_by_email(self, email: str) -> Credentials | None:
        statement = select(*_EMPLOYEE_COLUMNS, _employees.c.password_hash).where(
            func.lower(_employees.c.email) == func.lower(email)
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            return None
        return Credentials(employee=_employee(row), password_hash=row.password_hash)


def _department(row: Row[Any]) -> Department:
    return Department(
        id=row.id, organization_id=row.organization_id, name=row.name, manager_id=row.manager_id
    )


class SqlDepartments:
    """Departments."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, department: Department) -> None:
        values = {
            "id": department.id,
            "organization_id": department.organization_id,
            "name": department.name,
            "manager_id": department.manager_id,
        }
        await self._db.execute(insert(_departments).values(**values))

    async def get(self, organization_id: UUID, department_id: UUID) -> Department:
        statement = select(_departments).where(
            _departments.c.id == department_id, _departments.c.organization_id == organization_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("department", department_id)
        return _department(row)

    async def list_all(self, organization_id: UUID) -> list[Department]:
        statement = (
            select(_departments)
            .where(_departments.c.organization_id == organization_id)
            .order_by(_departments.c.id)
        )
        return [_department(row) for row in await self._db.execute(statement)]


def _store(row: Row[Any]) -> Store:
    return Store(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        latitude=row.latitude,
        longitude=row.longitude,
        radius_meters=row.radius_meters,
    )


class SqlStores:
    """Stores."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, store: Store) -> None:
        values = {
            "id": store.id,
            "organization_id": store.organization_id,
            "name": store.name,
            "latitude": store.latitude,
            "longitude": store.longitude,
            "radius_meters": store.radius_meters,
        }
        await self._db.execute(insert(_stores).values(**values))

    async def get(self, organization_id: UUID, store_id: UUID) -> Store:
        statement = select(_stores).where(
            _stores.c.id == store_id, _stores.c.organization_id == organization_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("store", store_id)
        return _store(row)

    async def list_all(self, organization_id: UUID) -> list[Store]:
        statement = (
            select(_stores)
            .where(_stores.c.organization_id == organization_id)
            .order_by(_stores.c.id)
        )
        return [_store(row) for row in await self._db.execute(statement)]
