"""``jtdUsage(from, to)``: the cost ledger summed per channel and business day."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from jts_domain.delivery.model import UsageRow
from jts_domain.delivery.rules import local_instant
from jts_domain.errors import invalid
from jts_domain.model import Permission
from jts_domain.services.context import Caller, ServiceContext

MAX_DAYS = 366


async def jtd_usage(ctx: ServiceContext, caller: Caller, start: date, end: date) -> list[UsageRow]:
    """Messages sent and their cost (minor units) per local day and channel, from
    ``start`` to ``end`` inclusive (``jtd.read``); test-mode messages count, at zero."""
    caller.require(Permission.JTD_READ)
    if end < start:
        raise invalid("to must not be before from", field="to")
    if (end - start).days >= MAX_DAYS:
        raise invalid(f"a usage report covers at most {MAX_DAYS} days", field="to")
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(caller.organization_id)
        timezone = organization.settings.timezone
        tz = ZoneInfo(timezone)
        lower = local_instant(start, time(0), tz)
        upper = local_instant(end + timedelta(days=1), time(0), tz)
        return await uow.delivery.usage(caller.organization_id, lower, upper, timezone)
