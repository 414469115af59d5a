"""Task templates: listed, changed and archived (``planner.manage``).

Decisions where PRODUCT.md is silent:

* Templates are ``planner.manage``'s, within a manager's departments (for an edit that
  moves a template, both the old and the new department). Admins see them all.
* An archived template is kept (the tasks it generated refer to it) but generates nothing
  more, is listed only when asked for, and cannot be changed or archived again.
* An edit takes effect from the next generation: tasks generated already keep their
  title, estimate and times, and generation stays idempotent (one task per template,
  employee and date, whatever the template became).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from jts_domain.administration.changes import KEEP, Keep, changed_fields, describe, kept
from jts_domain.errors import invalid
from jts_domain.model import JobCategory, Permission, TaskPriority, TaskTemplate
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.listings import managed_departments
from jts_domain.services.organization import check_template_minutes, clean_name

_FIELDS = (
    "title",
    "department_id",
    "shift_template_id",
    "job_category",
    "estimated_minutes",
    "priority",
    "due_offset_minutes",
    "sla_minutes",
    "requires_review",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskTemplateEdit:
    """The fields of a task template an edit changes (None clears an offset)."""

    title: str | Keep = KEEP
    department_id: UUID | Keep = KEEP
    shift_template_id: UUID | Keep = KEEP
    job_category: JobCategory | Keep = KEEP
    estimated_minutes: int | Keep = KEEP
    priority: TaskPriority | Keep = KEEP
    due_offset_minutes: int | Keep | None = KEEP
    sla_minutes: int | Keep | None = KEEP
    requires_review: bool | Keep = KEEP


async def list_task_templates(
    ctx: ServiceContext, caller: Caller, *, include_archived: bool = False
) -> list[TaskTemplate]:
    """The templates of the departments the caller plans for, by id."""
    caller.require(Permission.PLANNER_MANAGE)
    async with ctx.uow() as uow:
        templates = await uow.task_templates.list_all(caller.organization_id)
        if not caller.can(Permission.ORG_MANAGE):
            managed = await managed_departments(uow, caller)
            templates = [t for t in templates if t.department_id in managed]
    return [t for t in templates if include_archived or t.archived_at is None]


async def _editable(uow: UnitOfWork, caller: Caller, template_id: UUID) -> TaskTemplate:
    template = await uow.setup.lock_task_template(caller.organization_id, template_id)
    await require_department_reach(uow, caller, template.department_id, Permission.PLANNER_MANAGE)
    if template.archived_at is not None:
        raise invalid("the task template is archived", field="id")
    return template


def _edited(before: TaskTemplate, edit: TaskTemplateEdit) -> TaskTemplate:
    title = edit.title if edit.title is KEEP else clean_name(edit.title, "title")
    after = replace(
        before,
        title=kept(title, before.title),
        department_id=kept(edit.department_id, before.department_id),
        shift_template_id=kept(edit.shift_template_id, before.shift_template_id),
        job_category=kept(edit.job_category, before.job_category),
        estimated_minutes=kept(edit.estimated_minutes, before.estimated_minutes),
        priority=kept(edit.priority, before.priority),
        due_offset_minutes=kept(edit.due_offset_minutes, before.due_offset_minutes),
        sla_minutes=kept(edit.sla_minutes, before.sla_minutes),
        requires_review=kept(edit.requires_review, before.requires_review),
    )
    check_template_minutes(after.estimated_minutes, after.due_offset_minutes, after.sla_minutes)
    return after


async def update_task_template(
    ctx: ServiceContext, caller: Caller, template_id: UUID, edit: TaskTemplateEdit
) -> TaskTemplate:
    """Change a template; the tasks it generates from now on follow it."""
    caller.require(Permission.PLANNER_MANAGE)
    org = caller.organization_id
    async with ctx.uow() as uow:
        before = await _editable(uow, caller, template_id)
        after = _edited(before, edit)
        if after.department_id != before.department_id:
            await require_department_reach(
                uow, caller, after.department_id, Permission.PLANNER_MANAGE
            )
        if after.shift_template_id != before.shift_template_id:
            await uow.shift_templates.get(org, after.shift_template_id)
        changes = changed_fields(before, after, _FIELDS)
        if not changes:
            return before
        await uow.setup.save_task_template(after)
        await _record(
            ctx, uow, caller, action="task_template.update", template=after, what=describe(changes)
        )
        await uow.commit()
    return after


async def archive_task_template(
    ctx: ServiceContext, caller: Caller, template_id: UUID
) -> TaskTemplate:
    """Archive a template: it generates nothing from now on."""
    caller.require(Permission.PLANNER_MANAGE)
    async with ctx.uow() as uow:
        template = await _editable(uow, caller, template_id)
        template.archived_at = ctx.clock.now()
        await uow.setup.save_task_template(template)
        await _record(
            ctx, uow, caller, action="task_template.archive", template=template, what="archived"
        )
        await uow.commit()
    return template


async def _record(
    ctx: ServiceContext,
    uow: UnitOfWork,
    caller: Caller,
    *,
    action: str,
    template: TaskTemplate,
    what: str,
) -> None:
    await record_change(
        uow,
        caller.organization_id,
        caller.actor,
        ctx.clock.now(),
        action=action,
        entity_type="task_template",
        entity_id=template.id,
        summary=f"{template.title}: {what}",
    )
