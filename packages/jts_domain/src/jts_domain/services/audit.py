"""The audit log: every change made through JTS, recorded in the change's own transaction.

Use cases call :func:`record_change` inside their unit of work, so an entry exists exactly
when its change committed. Admins (``audit.read``) read the log newest first.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from jts_domain.ids import new_id
from jts_domain.model import Actor, AuditEntry, Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.paging import Cursor, Page, read_page


async def record_change(
    uow: UnitOfWork,
    organization_id: UUID,
    actor: Actor,
    at: datetime,
    *,
    action: str,
    entity_type: str,
    entity_id: UUID | None,
    summary: str,
) -> None:
    """Append an audit entry to the unit of work's transaction."""
    await uow.audit.add(
        AuditEntry(
            id=new_id(),
            organization_id=organization_id,
            at=at,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            summary=summary,
        )
    )


async def audit_log(
    ctx: ServiceContext, caller: Caller, *, first: int = 50, after: Cursor | None = None
) -> Page[AuditEntry]:
    """The organization's audit log, newest first (``audit.read``)."""
    caller.require(Permission.AUDIT_READ)
    async with ctx.uow() as uow:

        async def fetch(cursor: Cursor | None, limit: int) -> list[AuditEntry]:
            return await uow.audit.recent(caller.organization_id, after=cursor, limit=limit)

        return await read_page(fetch, first=first, after=after)
