"""Setting up an organization: departments, stores, shifts, people and the roster."""

from __future__ import annotations

from datetime import date, time

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import JobCategory, Role
from jts_api.graphql.ids import parse_id, parse_optional_id
from jts_api.graphql.types.people import EmployeeType
from jts_api.graphql.types.places import DepartmentType, StoreType
from jts_api.graphql.types.roster import RosterEntryType, ShiftTemplateType
from jts_domain import model
from jts_domain.services import accounts, organization


@strawberry.input
class CreateDepartmentInput:
    name: str
    manager_id: strawberry.ID | None = None


@strawberry.input
class CreateStoreInput:
    name: str
    latitude: float
    longitude: float
    radius_meters: float | None = strawberry.field(
        default=None, description="Defaults to the organization's geofence radius."
    )


@strawberry.input
class CreateShiftTemplateInput:
    name: str
    start_time: time
    end_time: time
    break_minutes: int = 0


@strawberry.input
class CreateEmployeeInput:
    email: str
    name: str
    password: str
    role: Role = model.Role.EMPLOYEE
    department_id: strawberry.ID | None = None
    job_category: JobCategory | None = None
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="The home store, used to clock in on days off the roster."
    )


@strawberry.input
class AssignRosterInput:
    employee_id: strawberry.ID
    date: date
    shift_template_id: strawberry.ID
    store_id: strawberry.ID


@strawberry.type
class Mutation:
    @typed.mutation(description="Create a department (org.manage).")
    async def create_department(self, info: Info, input: CreateDepartmentInput) -> DepartmentType:
        ctx = info.context
        department = await organization.create_department(
            ctx.services,
            ctx.require_caller(),
            name=input.name,
            manager_id=parse_optional_id(input.manager_id, "managerId"),
        )
        return DepartmentType.of(department)

    @typed.mutation(description="Create a store with its geofence (org.manage).")
    async def create_store(self, info: Info, input: CreateStoreInput) -> StoreType:
        ctx = info.context
        store = await organization.create_store(
            ctx.services,
            ctx.require_caller(),
            name=input.name,
            latitude=input.latitude,
            longitude=input.longitude,
            radius_meters=input.radius_meters,
        )
        return StoreType.of(store)

    @typed.mutation(description="Create a shift template (org.manage).")
    async def create_shift_template(
        self, info: Info, input: CreateShiftTemplateInput
    ) -> ShiftTemplateType:
        ctx = info.context
        template = await organization.create_shift_template(
            ctx.services,
            ctx.require_caller(),
            name=input.name,
            start_time=input.start_time,
            end_time=input.end_time,
            break_minutes=input.break_minutes,
        )
        return ShiftTemplateType.of(template)

    @typed.mutation(description="Add a person who signs in with a password.")
    async def create_employee(self, info: Info, input: CreateEmployeeInput) -> EmployeeType:
        ctx = info.context
        employee = await accounts.create_account(
            ctx.services,
            ctx.require_caller(),
            ctx.runtime.passwords,
            email=input.email,
            name=input.name,
            password=input.password,
            role=input.role,
            department_id=parse_optional_id(input.department_id, "departmentId"),
            job_category=input.job_category,
            store_id=parse_optional_id(input.store_id, "storeId"),
        )
        return EmployeeType.of(employee)

    @typed.mutation(description="Put an employee on a shift; replaces that date's entry.")
    async def assign_roster(self, info: Info, input: AssignRosterInput) -> RosterEntryType:
        ctx = info.context
        entry = await organization.assign_roster(
            ctx.services,
            ctx.require_caller(),
            employee_id=parse_id(input.employee_id, "employeeId"),
            business_date=input.date,
            shift_template_id=parse_id(input.shift_template_id, "shiftTemplateId"),
            store_id=parse_id(input.store_id, "storeId"),
        )
        return RosterEntryType.of(entry)
