"""The one warning a tenant's admins get when a limit reaches 80 %: itself a job to do
(an in-app ``system`` notification to each active admin), made once per limit and
period by its idempotency key, and sent even past the limit it warns of."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from jts_domain.delivery.limits import LIMIT_WARNING_KEY, TenantGate
from jts_domain.jtd.catalog import CATALOG, SYSTEM
from jts_domain.jtd.drafts import JobDraft, build_job
from jts_domain.jtd.model import JobToDo, Recipient
from jts_domain.jtd.recording import load_tenant, record_created
from jts_domain.model import Role
from jts_domain.ports import UnitOfWork

WARNING_SOURCE = "system"


def period_of(kind: str, now: datetime, timezone: str) -> str:
    """The local day (``2026-03-02``) or month (``2026-03``) a limit counts in."""
    local = now.astimezone(ZoneInfo(timezone)).date()
    return local.isoformat() if kind == "daily" else local.strftime("%Y-%m")


async def warn_admins(
    uow: UnitOfWork,
    warnings: Sequence[tuple[UUID, str, int]],
    tenants: Mapping[UUID, TenantGate],
    now: datetime,
) -> list[JobToDo]:
    """A warning job per active admin for each (tenant, limit kind, limit) crossed."""
    made: list[JobToDo] = []
    for organization_id, kind, limit in warnings:
        period = period_of(kind, now, tenants[organization_id].timezone)
        tenant = await load_tenant(uow, organization_id)
        admins = [
            e for e in await uow.employees.list_active(organization_id) if e.role is Role.ADMIN
        ]
        jobs = []
        for admin in admins:
            draft = JobDraft(
                source_type=WARNING_SOURCE,
                recipient=Recipient(employee_id=admin.id, name=admin.name),
                subject=f"80 % of the {kind} message limit is used",
                body=(
                    f"JTS has sent 80 % of this organization's {kind} limit of {limit} "
                    f"messages for {period}. Past the limit, further messages are held "
                    "until the next period; raise the limit in the JTD settings if needed."
                ),
                payload={"limit": limit, "kind": kind, "period": period},
                priority=8,
                idempotency_key=f"{LIMIT_WARNING_KEY}{kind}:{period}:{admin.id}",
            )
            job = build_job(CATALOG, draft, tenant, actor=SYSTEM, now=now)
            if job.channel is not None:
                jobs.append(job)
        stored = await uow.jtd.add_many(jobs)
        await record_created(uow, stored, f"the {kind} limit reached 80 %")
        made.extend(stored)
    return made
