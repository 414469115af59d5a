"""The ``maintain_activity_partitions`` job: heartbeat storage ready ahead, old data gone.

Decisions where PRODUCT.md is silent:

* Month storage is shared by all organizations, so a month is dropped only once it is
  older than the longest retention of any organization; an organization with a shorter
  retention has its own older heartbeats, keys and rejections deleted by its run.
* Keys (client ids seen) are kept as long as the organization's retention, so a replay
  within it is still recognised; daily summaries are kept (like scores).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from jts_domain.activity.months import month_plan, month_start, retention_cutoff
from jts_domain.services.context import ServiceContext


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageRun:
    """What one maintenance run did."""

    created: tuple[date, ...]
    dropped: tuple[date, ...]
    deleted: int


async def maintain_activity_partitions(ctx: ServiceContext, organization_id: UUID) -> StorageRun:
    """Make this month's and the next three months' storage; drop and delete the old."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        own = (await uow.organizations.get(organization_id)).settings
        retentions = [
            o.settings.activity_retention_months for o in await uow.organizations.list_all()
        ]
        plan = month_plan(await uow.activity.storage_months(), now, retentions)
        await uow.activity.create_months(plan.create)
        await uow.activity.drop_months(plan.drop)
        cutoff = month_start(retention_cutoff(now, own.activity_retention_months))
        deleted = await uow.activity.delete_before(organization_id, cutoff)
        await uow.commit()
    return StorageRun(created=plan.create, dropped=plan.drop, deleted=deleted)
