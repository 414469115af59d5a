"""People's access: changing a role, deactivating and reactivating an employee.

Each is ``employee.manage``'s, audited in its own transaction, and moves the person's
access epoch on: every token issued before it stops working (the API refuses it, on every
replica, once the ``employee.access_changed`` event emitted here reaches it), so a change
of access ends the person's sessions and open subscriptions at once; they sign in again.

An organization always keeps an active admin: demoting or deactivating the last one is a
VALIDATION_ERROR. The active admins are locked while that is checked, so two admins
demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.model import DomainEvent, Employee, EventName, Permission, Role, StopReason, Timer
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.work.recording import save_work
from jts_domain.work.text_input import required_text

MAX_REASON_LENGTH = 500


async def change_role(
    ctx: ServiceContext, caller: Caller, employee_id: UUID, role: Role, reason: str
) -> Employee:
    """Give the employee another role (audited with the old and the new one)."""
    caller.require(Permission.EMPLOYEE_MANAGE)
    why = required_text(reason, "reason", MAX_REASON_LENGTH)
    async with ctx.uow() as uow:
        employee = await uow.employees.get(caller.organization_id, employee_id)
        if employee.role is role:
            raise invalid(f"the employee already has the role {role.value}", field="role")
        if employee.role is Role.ADMIN:
            await _keep_an_admin(uow, employee, "demoted")
        now = ctx.clock.now()
        changed = await _change_access(uow, employee, now, role=role)
        summary = f"{employee.email}: role {employee.role.value} → {role.value}: {why}"
        await _record(uow, caller, now, "employee.change_role", employee, summary=summary)
        await uow.commit()
    return changed


async def deactivate_employee(
    ctx: ServiceContext, caller: Caller, employee_id: UUID, reason: str
) -> Employee:
    """Deactivate the employee: their timer stops (ADMIN, automatic), their open
    attendance closes, and they can no longer sign in or use a token issued before."""
    caller.require(Permission.EMPLOYEE_MANAGE)
    why = required_text(reason, "reason", MAX_REASON_LENGTH)
    async with ctx.uow() as uow:
        employee = await uow.employees.get(caller.organization_id, employee_id)
        if not employee.active:
            raise invalid("the employee is already inactive", field="id")
        if employee.id == caller.employee_id:
            raise invalid("nobody can deactivate their own account", field="id")
        if employee.role is Role.ADMIN:
            await _keep_an_admin(uow, employee, "deactivated")
        now = ctx.clock.now()
        stopped = await stop_timers_of(uow, caller, employee, now)
        closed = await _close_attendance(uow, employee, now)
        changed = await _change_access(uow, employee, now, active=False)
        summary = f"{employee.email} deactivated: {why}"
        if stopped is not None:
            summary += f"; timer {stopped.id} stopped"
        if closed:
            summary += "; attendance closed"
        await _record(uow, caller, now, "employee.deactivate", employee, summary=summary)
        await uow.commit()
    return changed


async def reactivate_employee(ctx: ServiceContext, caller: Caller, employee_id: UUID) -> Employee:
    """Let an inactive employee sign in again (their old tokens stay refused)."""
    caller.require(Permission.EMPLOYEE_MANAGE)
    async with ctx.uow() as uow:
        employee = await uow.employees.get(caller.organization_id, employee_id)
        if employee.active:
            raise invalid("the employee is already active", field="id")
        now = ctx.clock.now()
        changed = await _change_access(uow, employee, now, active=True)
        summary = f"{employee.email} reactivated"
        await _record(uow, caller, now, "employee.reactivate", employee, summary=summary)
        await uow.commit()
    return changed


async def stop_timers_of(
    uow: UnitOfWork, caller: Caller, employee: Employee, now: datetime
) -> Timer | None:
    """Stop the employee's running timer, if any, as an admin's automatic stop (its task
    goes ON_HOLD); the stopped timer."""
    loaded = await uow.work.for_employee(
        employee.organization_id, employee.id, acting=caller.employee_id, at=now
    )
    if loaded is None:
        return None
    loaded.check_standing(caller)
    stopped = loaded.work.stop(StopReason.ADMIN, actor=caller.actor, at=now).timer
    await save_work(uow, loaded.work)
    return stopped


async def _close_attendance(uow: UnitOfWork, employee: Employee, now: datetime) -> bool:
    row = await uow.attendance.find_open(employee.organization_id, employee.id)
    if row is None:
        return False
    row.clock_out_at = now
    await uow.attendance.update(row)
    return True


async def _keep_an_admin(uow: UnitOfWork, employee: Employee, change: str) -> None:
    admins = await uow.employees.lock_active_admins(employee.organization_id)
    if admins <= {employee.id}:
        raise invalid(f"the organization's last active admin cannot be {change}", field="id")


async def _change_access(
    uow: UnitOfWork,
    employee: Employee,
    now: datetime,
    *,
    role: Role | None = None,
    active: bool | None = None,
) -> Employee:
    changed = dataclasses.replace(
        employee,
        role=employee.role if role is None else role,
        active=employee.active if active is None else active,
        access_epoch=employee.access_epoch + 1,
    )
    await uow.employees.update_access(changed, read_epoch=employee.access_epoch)
    uow.emit(access_changed(changed, now))
    return changed


def access_changed(employee: Employee, at: datetime) -> DomainEvent:
    """The event announcing an employee's new access (their sessions of earlier epochs end)."""
    return DomainEvent(
        name=EventName.EMPLOYEE_ACCESS_CHANGED,
        organization_id=employee.organization_id,
        occurred_at=at,
        payload={
            "employee_id": str(employee.id),
            "access_epoch": employee.access_epoch,
            "active": employee.active,
            "role": employee.role.value,
            "at": at.isoformat(),
        },
    )


async def _record(
    uow: UnitOfWork, caller: Caller, now: datetime, action: str, employee: Employee, *, summary: str
) -> None:
    await record_change(
        uow,
        caller.organization_id,
        caller.actor,
        now,
        action=action,
        entity_type="employee",
        entity_id=employee.id,
        summary=summary,
    )
