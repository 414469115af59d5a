"""Departments, stores and shift templates: listed for every member, changed by
``org.manage``.

Decisions where PRODUCT.md is silent:

* Every member of an organization may list its departments, stores and shift templates
  (a frontend shows where people work and when); changing one needs ``org.manage``.
* The rules of creation hold for an edit: a department's manager is an active ADMIN or
  MANAGER (None: nobody), a store's point is on Earth and its radius above 0 and at most
  100 km, a shift's unpaid break is shorter than the shift.
* A shift template's new times apply to every roster entry that names it, past ones
  included (scores recalculated later read the new capacity); the audit keeps the old.
* Each edit is one audit entry listing ``field: old → new``; an edit that changes nothing
  writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time
from uuid import UUID

from jts_domain.administration.changes import (
    KEEP,
    FieldChange,
    Keep,
    changed_fields,
    describe,
    kept,
)
from jts_domain.geo import validate_point
from jts_domain.model import Department, Permission, ShiftTemplate, Store
from jts_domain.ports import UnitOfWork
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.organization import (
    check_radius,
    check_shift,
    clean_name,
    require_manager,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentEdit:
    """A department's new name and manager (None: no manager)."""

    name: str | Keep = KEEP
    manager_id: UUID | Keep | None = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreEdit:
    """A store's new name, point and geofence radius."""

    name: str | Keep = KEEP
    latitude: float | Keep = KEEP
    longitude: float | Keep = KEEP
    radius_meters: float | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftTemplateEdit:
    """A shift's new name, times and unpaid break."""

    name: str | Keep = KEEP
    start_time: time | Keep = KEEP
    end_time: time | Keep = KEEP
    break_minutes: int | Keep = KEEP


async def list_departments(ctx: ServiceContext, caller: Caller) -> list[Department]:
    """The organization's departments, by id."""
    async with ctx.uow() as uow:
        return await uow.departments.list_all(caller.organization_id)


async def list_stores(ctx: ServiceContext, caller: Caller) -> list[Store]:
    """The organization's stores, by id."""
    async with ctx.uow() as uow:
        return await uow.stores.list_all(caller.organization_id)


async def list_shift_templates(ctx: ServiceContext, caller: Caller) -> list[ShiftTemplate]:
    """The organization's shift templates, by id."""
    async with ctx.uow() as uow:
        return await uow.shift_templates.list_all(caller.organization_id)


async def update_department(
    ctx: ServiceContext, caller: Caller, department_id: UUID, edit: DepartmentEdit
) -> Department:
    """Rename a department or change its manager."""
    caller.require(Permission.ORG_MANAGE)
    name = edit.name if edit.name is KEEP else clean_name(edit.name)
    async with ctx.uow() as uow:
        before = await uow.setup.lock_department(caller.organization_id, department_id)
        after = replace(
            before,
            name=kept(name, before.name),
            manager_id=kept(edit.manager_id, before.manager_id),
        )
        if after.manager_id is not None and after.manager_id != before.manager_id:
            await require_manager(uow, caller.organization_id, after.manager_id)
        changes = changed_fields(before, after, ("name", "manager_id"))
        if changes:
            await uow.setup.save_department(after)
            await _record(ctx, uow, caller, entity="department", record=before, changes=changes)
            await uow.commit()
    return after


async def update_store(
    ctx: ServiceContext, caller: Caller, store_id: UUID, edit: StoreEdit
) -> Store:
    """Rename a store, move it, or change its geofence radius."""
    caller.require(Permission.ORG_MANAGE)
    name = edit.name if edit.name is KEEP else clean_name(edit.name)
    async with ctx.uow() as uow:
        before = await uow.setup.lock_store(caller.organization_id, store_id)
        after = replace(
            before,
            name=kept(name, before.name),
            latitude=kept(edit.latitude, before.latitude),
            longitude=kept(edit.longitude, before.longitude),
            radius_meters=kept(edit.radius_meters, before.radius_meters),
        )
        validate_point(after.latitude, after.longitude)
        check_radius(after.radius_meters)
        changes = changed_fields(before, after, ("name", "latitude", "longitude", "radius_meters"))
        if changes:
            await uow.setup.save_store(after)
            await _record(ctx, uow, caller, entity="store", record=before, changes=changes)
            await uow.commit()
    return after


async def update_shift_template(
    ctx: ServiceContext, caller: Caller, template_id: UUID, edit: ShiftTemplateEdit
) -> ShiftTemplate:
    """Rename a shift or change its times or unpaid break."""
    caller.require(Permission.ORG_MANAGE)
    name = edit.name if edit.name is KEEP else clean_name(edit.name)
    async with ctx.uow() as uow:
        before = await uow.setup.lock_shift_template(caller.organization_id, template_id)
        after = replace(
            before,
            name=kept(name, before.name),
            start_time=kept(edit.start_time, before.start_time),
            end_time=kept(edit.end_time, before.end_time),
            break_minutes=kept(edit.break_minutes, before.break_minutes),
        )
        check_shift(after.start_time, after.end_time, after.break_minutes)
        changes = changed_fields(before, after, ("name", "start_time", "end_time", "break_minutes"))
        if changes:
            await uow.setup.save_shift_template(after)
            entity = "shift_template"
            await _record(ctx, uow, caller, entity=entity, record=before, changes=changes)
            await uow.commit()
    return after


async def _record(
    ctx: ServiceContext,
    uow: UnitOfWork,
    caller: Caller,
    *,
    entity: str,
    record: Department | Store | ShiftTemplate,
    changes: list[FieldChange],
) -> None:
    """The audit entry of an edit of ``record`` (as it was read): ``field: old → new``."""
    await record_change(
        uow,
        caller.organization_id,
        caller.actor,
        ctx.clock.now(),
        action=f"{entity}.update",
        entity_type=entity,
        entity_id=record.id,
        summary=f"{record.name}: {describe(changes)}",
    )
