"""Reading what a use case left in the audit log, for the administration tests."""

from __future__ import annotations

from uuid import UUID

from jts_domain.model import AuditEntry
from jts_domain.services import ServiceContext


async def audit_entries(
    ctx: ServiceContext, organization_id: UUID, action: str
) -> list[AuditEntry]:
    """The organization's audit entries of one action, newest first."""
    async with ctx.uow() as uow:
        entries = await uow.audit.recent(organization_id, limit=100)
    return [e for e in entries if e.action == action]
