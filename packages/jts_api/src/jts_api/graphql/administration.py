"""Running an organization: its settings, people, places, roster, task templates, task
edits and team workload.

Every resolver parses its arguments, calls one use case of
:mod:`jts_domain.administration` and shapes the answer; permissions, reach, validation
and the audit log are the use cases'.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_id, parse_optional_id
from jts_api.graphql.types.administration import (
    EmployeeConnection,
    OrganizationType,
    TaskTemplateType,
    WorkloadType,
)
from jts_api.graphql.types.administration_inputs import (
    CreateTaskTemplateInput,
    EmployeeFilterInput,
    UpdateDepartmentInput,
    UpdateEmployeeInput,
    UpdateOrganizationSettingsInput,
    UpdateShiftTemplateInput,
    UpdateStoreInput,
    UpdateTaskInput,
    UpdateTaskTemplateInput,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_api.graphql.types.people import EmployeeType
from jts_api.graphql.types.places import DepartmentType, StoreType
from jts_api.graphql.types.roster import RosterEntryType, ShiftTemplateType
from jts_api.graphql.types.tasks import TaskType
from jts_domain.administration import (
    employees,
    pending,
    places,
    roster,
    settings,
    task_edits,
    task_templates,
)
from jts_domain.services import organization as setup

DEFAULT_PAGE_SIZE = 50


@strawberry.type
class Query:
    @typed.field(description="The caller's organization with all its settings.")
    async def organization(self, info: Info) -> OrganizationType:
        ctx = info.context
        found = await settings.get_organization(ctx.services, ctx.require_caller())
        return OrganizationType.of(found)

    @typed.field(
        description="People within the caller's reach (admins: everyone), by creation, by pages."
    )
    async def employees(
        self,
        info: Info,
        filter: EmployeeFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> EmployeeConnection:
        ctx = info.context
        wanted = (filter or EmployeeFilterInput()).to_filter()
        page = await employees.list_employees(
            ctx.services, ctx.require_caller(), wanted, first=first, after=decode_cursor(after)
        )
        return EmployeeConnection.of(page)

    @typed.field(description="One employee: oneself, or one within reach.")
    async def employee(self, info: Info, id: strawberry.ID) -> EmployeeType:
        ctx = info.context
        found = await employees.get_employee(ctx.services, ctx.require_caller(), parse_id(id, "id"))
        return EmployeeType.of(found)

    @typed.field(description="The organization's departments.")
    async def departments(self, info: Info) -> list[DepartmentType]:
        ctx = info.context
        found = await places.list_departments(ctx.services, ctx.require_caller())
        return [DepartmentType.of(d) for d in found]

    @typed.field(description="The organization's stores.")
    async def stores(self, info: Info) -> list[StoreType]:
        ctx = info.context
        found = await places.list_stores(ctx.services, ctx.require_caller())
        return [StoreType.of(s) for s in found]

    @typed.field(description="The organization's shift templates.")
    async def shift_templates(self, info: Info) -> list[ShiftTemplateType]:
        ctx = info.context
        found = await places.list_shift_templates(ctx.services, ctx.require_caller())
        return [ShiftTemplateType.of(t) for t in found]

    @typed.field(
        description="Roster entries between two dates (at most 62 days), by date then "
        "employee: of a department, of one employee, or all within reach."
    )
    async def roster(
        self,
        info: Info,
        date_from: Annotated[date, strawberry.argument(name="from")],
        date_to: Annotated[date, strawberry.argument(name="to")],
        department_id: strawberry.ID | None = None,
        employee_id: strawberry.ID | None = None,
    ) -> list[RosterEntryType]:
        ctx = info.context
        entries = await roster.roster(
            ctx.services,
            ctx.require_caller(),
            date_from=date_from,
            date_to=date_to,
            department_id=parse_optional_id(department_id, "departmentId"),
            employee_id=parse_optional_id(employee_id, "employeeId"),
        )
        return [RosterEntryType.of(e) for e in entries]

    @typed.field(description="Task templates of the departments the caller plans for.")
    async def task_templates(
        self, info: Info, include_archived: bool = False
    ) -> list[TaskTemplateType]:
        ctx = info.context
        found = await task_templates.list_task_templates(
            ctx.services, ctx.require_caller(), include_archived=include_archived
        )
        return [TaskTemplateType.of(t) for t in found]

    @typed.field(description="The pending summaries of a department's active employees.")
    async def team_workload(self, info: Info, department_id: strawberry.ID) -> list[WorkloadType]:
        ctx = info.context
        found = await pending.team_workload(
            ctx.services,
            ctx.require_caller(),
            department_id=parse_id(department_id, "departmentId"),
        )
        return [WorkloadType.of(s) for s in found]


@strawberry.type
class Mutation:
    @typed.mutation(description="Change some settings (org.manage); audited old → new.")
    async def update_organization_settings(
        self, info: Info, input: UpdateOrganizationSettingsInput
    ) -> OrganizationType:
        ctx = info.context
        updated = await settings.update_organization_settings(
            ctx.services, ctx.require_caller(), input.to_edit()
        )
        return OrganizationType.of(updated)

    @typed.mutation(description="Change a person's profile (employee.manage).")
    async def update_employee(
        self, info: Info, id: strawberry.ID, input: UpdateEmployeeInput
    ) -> EmployeeType:
        ctx = info.context
        updated = await employees.update_employee(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), input.to_edit()
        )
        return EmployeeType.of(updated)

    @typed.mutation(description="Rename a department or change its manager (org.manage).")
    async def update_department(
        self, info: Info, id: strawberry.ID, input: UpdateDepartmentInput
    ) -> DepartmentType:
        ctx = info.context
        updated = await places.update_department(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), input.to_edit()
        )
        return DepartmentType.of(updated)

    @typed.mutation(description="Rename, move or resize a store (org.manage).")
    async def update_store(
        self, info: Info, id: strawberry.ID, input: UpdateStoreInput
    ) -> StoreType:
        ctx = info.context
        updated = await places.update_store(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), input.to_edit()
        )
        return StoreType.of(updated)

    @typed.mutation(description="Change a shift's name, times or break (org.manage).")
    async def update_shift_template(
        self, info: Info, id: strawberry.ID, input: UpdateShiftTemplateInput
    ) -> ShiftTemplateType:
        ctx = info.context
        updated = await places.update_shift_template(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), input.to_edit()
        )
        return ShiftTemplateType.of(updated)

    @typed.mutation(
        description="Take an entry off the roster (roster.manage); not once its employee "
        "clocked in that date."
    )
    async def remove_roster_entry(self, info: Info, id: strawberry.ID) -> RosterEntryType:
        ctx = info.context
        removed = await roster.remove_roster_entry(
            ctx.services, ctx.require_caller(), parse_id(id, "id")
        )
        return RosterEntryType.of(removed)

    @typed.mutation(description="Create a roster task template (planner.manage).")
    async def create_task_template(
        self, info: Info, input: CreateTaskTemplateInput
    ) -> TaskTemplateType:
        ctx = info.context
        created = await setup.create_task_template(
            ctx.services,
            ctx.require_caller(),
            department_id=parse_id(input.department_id, "departmentId"),
            shift_template_id=parse_id(input.shift_template_id, "shiftTemplateId"),
            job_category=input.job_category,
            title=input.title,
            estimated_minutes=input.estimated_minutes,
            priority=input.priority,
            due_offset_minutes=input.due_offset_minutes,
            sla_minutes=input.sla_minutes,
            requires_review=input.requires_review,
        )
        return TaskTemplateType.of(created)

    @typed.mutation(description="Change a task template; tasks it generates next follow.")
    async def update_task_template(
        self, info: Info, id: strawberry.ID, input: UpdateTaskTemplateInput
    ) -> TaskTemplateType:
        ctx = info.context
        updated = await task_templates.update_task_template(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), input.to_edit()
        )
        return TaskTemplateType.of(updated)

    @typed.mutation(description="Archive a task template: it generates nothing more.")
    async def archive_task_template(self, info: Info, id: strawberry.ID) -> TaskTemplateType:
        ctx = info.context
        archived = await task_templates.archive_task_template(
            ctx.services, ctx.require_caller(), parse_id(id, "id")
        )
        return TaskTemplateType.of(archived)

    @typed.mutation(
        description="Edit an open task's fields (task.assign), made from the version read; "
        "a stale version is CONFLICT and changes nothing."
    )
    async def update_task(
        self, info: Info, id: strawberry.ID, version: int, input: UpdateTaskInput
    ) -> TaskType:
        ctx = info.context
        updated = await task_edits.update_task(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), version, input.to_edit()
        )
        return TaskType.of(updated)
