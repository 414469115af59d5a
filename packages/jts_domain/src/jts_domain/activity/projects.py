"""Projects: groups of tasks that activity reports can sum work over.

Creating one needs ``task.assign`` (managers and admins, who plan the work); everyone in
the organization may list them. Names are unique within an organization, ignoring case.
"""

from __future__ import annotations

from jts_domain.activity.model import Project
from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.model import Permission
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.organization import clean_name

MAX_DESCRIPTION_LENGTH = 2_000


async def create_project(
    ctx: ServiceContext, caller: Caller, *, name: str, description: str = ""
) -> Project:
    """Create a project of the caller's organization."""
    caller.require(Permission.TASK_ASSIGN)
    cleaned = clean_name(name)
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise invalid(
            f"description is longer than {MAX_DESCRIPTION_LENGTH} characters", field="description"
        )
    now = ctx.clock.now()
    project = Project(
        id=new_id(),
        organization_id=caller.organization_id,
        name=cleaned,
        description=description.strip(),
        created_at=now,
        created_by=caller.employee_id,
    )
    async with ctx.uow() as uow:
        taken = {p.name.lower() for p in await uow.activity.list_projects(caller.organization_id)}
        if cleaned.lower() in taken:
            raise invalid("a project of this name exists", field="name")
        await uow.activity.add_project(project)
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            now,
            action="project.create",
            entity_type="project",
            entity_id=project.id,
            summary=f"project {project.name!r} created",
        )
        await uow.commit()
    return project


async def list_projects(ctx: ServiceContext, caller: Caller) -> list[Project]:
    """The organization's projects, by name."""
    async with ctx.uow() as uow:
        return await uow.activity.list_projects(caller.organization_id)
