"""Task templates in PostgreSQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select

from jts_domain.model import JobCategory, TaskPriority, TaskTemplate
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import TaskTemplateRow
from jts_store.tables.base import table_of

_templates = table_of(TaskTemplateRow)


def template_from_row(row: Row[Any]) -> TaskTemplate:
    """The task template a row holds."""
    values = dict(row._mapping)
    values["job_category"] = JobCategory(values["job_category"])
    values["priority"] = TaskPriority(values["priority"])
    return TaskTemplate(**values)


class SqlTaskTemplates:
    """Templates of the tasks a roster generates."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, template: TaskTemplate) -> None:
        values = {
            "id": template.id,
            "organization_id": template.organization_id,
            "department_id": template.department_id,
            "shift_template_id": template.shift_template_id,
            "job_category": template.job_category.value,
            "title": template.title,
            "estimated_minutes": template.estimated_minutes,
            "priority": template.priority.value,
            "due_offset_minutes": template.due_offset_minutes,
            "sla_minutes": template.sla_minutes,
            "requires_review": template.requires_review,
            "archived_at": template.archived_at,
        }
        await self._db.execute(insert(_templates).values(**values))

    async def list_all(self, organization_id: UUID) -> list[TaskTemplate]:
        statement = (
            select(_templates)
            .where(_templates.c.organization_id == organization_id)
            .order_by(_templates.c.id)
        )
        return [template_from_row(row) for row in await self._db.execute(statement)]
