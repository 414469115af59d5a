"""People, as an organization's administrators and managers see them.

Decisions where PRODUCT.md is silent:

* ``employees`` lists the whole organization for holders of ``employee.manage``; a
  manager (``task.assign`` or ``score.read_team``) sees the employees of the departments
  they manage and themselves; anyone else is FORBIDDEN. ``employee(id)`` follows the same
  reach, and everybody may read themselves.
* The list is ordered by ``(created_at, id)``, the one paging order of JTS; ``search``
  matches a part of the name or the e-mail address, ignoring case.
* ``updateEmployee`` needs ``employee.manage``. The e-mail address stays unique across
  organizations (VALIDATION_ERROR naming ``email``, also when a concurrent edit takes it
  first). Role and active flag are not profile fields: ``changeRole``,
  ``deactivateEmployee`` and ``reactivateEmployee`` change them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from jts_domain.administration.changes import KEEP, Keep, changed_fields, describe, kept
from jts_domain.administration.ports import EmployeeFilter, EmployeeReach
from jts_domain.errors import invalid
from jts_domain.model import Employee, JobCategory, Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.listings import managed_departments
from jts_domain.services.organization import clean_email, clean_name
from jts_domain.services.paging import Cursor, Page, read_page

MAX_SEARCH_LENGTH = 200
_PROFILE_FIELDS = ("name", "email", "department_id", "store_id", "job_category")
_TEAM_PERMISSIONS = (Permission.TASK_ASSIGN, Permission.SCORE_READ_TEAM)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeEdit:
    """The profile fields an edit changes; None clears an optional one."""

    name: str | Keep = KEEP
    email: str | Keep = KEEP
    department_id: UUID | Keep | None = KEEP
    store_id: UUID | Keep | None = KEEP
    job_category: JobCategory | Keep | None = KEEP


async def employee_reach(uow: UnitOfWork, caller: Caller) -> EmployeeReach | None:
    """The employees the caller may list; None for the whole organization."""
    if caller.can(Permission.EMPLOYEE_MANAGE) or caller.can(Permission.ORG_MANAGE):
        return None
    if not any(caller.can(p) for p in _TEAM_PERMISSIONS):
        caller.require(Permission.EMPLOYEE_MANAGE)
    return EmployeeReach(
        department_ids=await managed_departments(uow, caller), employee_id=caller.employee_id
    )


def _clean_search(search: str | None) -> str | None:
    if search is None or not search.strip():
        return None
    if len(search) > MAX_SEARCH_LENGTH:
        raise invalid(f"search is longer than {MAX_SEARCH_LENGTH} characters", field="search")
    return search.strip()


async def list_employees(
    ctx: ServiceContext,
    caller: Caller,
    employee_filter: EmployeeFilter,
    *,
    first: int = 50,
    after: Cursor | None = None,
) -> Page[Employee]:
    """Employees matching the filter within the caller's reach, by ``(created_at, id)``."""
    search = _clean_search(employee_filter.search)
    async with ctx.uow() as uow:
        org = caller.organization_id
        if employee_filter.department_id is not None:
            await uow.departments.get(org, employee_filter.department_id)
        scoped = replace(employee_filter, search=search, reach=await employee_reach(uow, caller))

        async def fetch(cursor: Cursor | None, limit: int) -> list[Employee]:
            return await uow.directory.search(org, scoped, after=cursor, limit=limit)

        return await read_page(fetch, first=first, after=after)


async def get_employee(ctx: ServiceContext, caller: Caller, employee_id: UUID) -> Employee:
    """One employee: oneself, or one within the caller's reach."""
    async with ctx.uow() as uow:
        return await require_employee_reach(
            uow,
            caller,
            employee_id,
            Permission.EMPLOYEE_MANAGE,
            *_TEAM_PERMISSIONS,
            allow_self=True,
        )


def _cleaned(edit: EmployeeEdit) -> EmployeeEdit:
    return replace(
        edit,
        name=edit.name if edit.name is KEEP else clean_name(edit.name),
        email=edit.email if edit.email is KEEP else clean_email(edit.email),
    )


async def update_employee(
    ctx: ServiceContext, caller: Caller, employee_id: UUID, edit: EmployeeEdit
) -> Employee:
    """Change an employee's profile (``employee.manage``), audited field by field."""
    caller.require(Permission.EMPLOYEE_MANAGE)
    edit = _cleaned(edit)
    org = caller.organization_id
    async with ctx.uow() as uow:
        before = await uow.directory.lock(org, employee_id)
        after = replace(
            before,
            name=kept(edit.name, before.name),
            email=kept(edit.email, before.email),
            department_id=kept(edit.department_id, before.department_id),
            store_id=kept(edit.store_id, before.store_id),
            job_category=kept(edit.job_category, before.job_category),
        )
        changes = changed_fields(before, after, _PROFILE_FIELDS)
        if not changes:
            return before
        if after.department_id is not None and after.department_id != before.department_id:
            await uow.departments.get(org, after.department_id)
        if after.store_id is not None and after.store_id != before.store_id:
            await uow.stores.get(org, after.store_id)
        if after.email != before.email:
            taken = await uow.employees.find_by_email(after.email)
            if taken is not None and taken.id != after.id:
                raise invalid("this email is already registered", field="email")
        await uow.directory.update_profile(after)
        await record_change(
            uow,
            org,
            caller.actor,
            ctx.clock.now(),
            action="employee.update",
            entity_type="employee",
            entity_id=after.id,
            summary=f"{before.email}: {describe(changes)}",
        )
        await uow.commit()
    return after
