"""Who may act on whom: permissions plus the reach of a manager.

A permission says *what* a caller may do; the reach says *on whom*. A holder of
``org.manage`` (admins, and the system caller of scheduled jobs) reaches the whole
organization. Anyone else holding a team permission reaches the employees of the
departments whose ``manager_id`` is theirs. Everybody reaches themselves where a use
case allows it (their own planner, score or workload).
"""

from __future__ import annotations

from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import Employee, Permission, Task
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller


def _forbidden(message: str, permission: Permission) -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message, {"permission": permission.value})


async def manages_department(uow: UnitOfWork, caller: Caller, department_id: UUID | None) -> bool:
    """Whether the caller reaches the department: org-wide, or as its manager."""
    if caller.can(Permission.ORG_MANAGE):
        return True
    if department_id is None or caller.employee_id is None:
        return False
    department = await uow.departments.get(caller.organization_id, department_id)
    return department.manager_id == caller.employee_id


async def require_department_reach(
    uow: UnitOfWork, caller: Caller, department_id: UUID, permission: Permission
) -> None:
    """FORBIDDEN unless the caller holds the permission and reaches the department.

    The department must exist in the caller's organization (NOT_FOUND otherwise).
    """
    caller.require(permission)
    await uow.departments.get(caller.organization_id, department_id)
    if not await manages_department(uow, caller, department_id):
        raise _forbidden("this department is not managed by the caller", permission)


async def require_employee_reach(
    uow: UnitOfWork,
    caller: Caller,
    employee_id: UUID,
    *permissions: Permission,
    allow_self: bool = False,
) -> Employee:
    """Load the employee and check that the caller may act on them.

    Allowed when ``allow_self`` and the caller is the employee, or when the caller holds
    any of ``permissions`` and reaches the employee's department. An employee of another
    organization is NOT_FOUND, never FORBIDDEN.
    """
    employee = await uow.employees.get(caller.organization_id, employee_id)
    if allow_self and caller.employee_id == employee.id:
        return employee
    held = [p for p in permissions if caller.can(p)]
    if not held:
        caller.require(permissions[0])
    if not await manages_department(uow, caller, employee.department_id):
        raise _forbidden("this employee is outside the caller's departments", held[0])
    return employee


async def require_task_reach(
    uow: UnitOfWork, caller: Caller, task: Task, permission: Permission
) -> None:
    """FORBIDDEN unless the caller holds the permission and reaches the task's department.

    A task without a department is reached by every holder of the permission.
    """
    caller.require(permission)
    if task.department_id is not None and not await manages_department(
        uow, caller, task.department_id
    ):
        raise _forbidden("this task's department is not managed by the caller", permission)
