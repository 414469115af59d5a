"""Resolving alerts: ``resolveAlert``.

Decisions where PRODUCT.md is silent: an alert is resolved by a holder of
``score.read_team`` who reaches its employee (an alert without one — an SLA alert of an
unassigned task — by one who reaches the task's department, or by an admin). Resolving
an alert that is resolved already answers it as it is: the first resolution stands.
"""

from __future__ import annotations

from uuid import UUID

from jts_domain.activity.watch import alert_event
from jts_domain.model import Alert, EventName, Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach, require_task_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext


async def _require_alert_reach(uow: UnitOfWork, caller: Caller, alert: Alert) -> None:
    if alert.employee_id is not None:
        await require_employee_reach(uow, caller, alert.employee_id, Permission.SCORE_READ_TEAM)
    elif alert.task_id is not None:
        task = await uow.tasks.get(caller.organization_id, alert.task_id)
        await require_task_reach(uow, caller, task, Permission.SCORE_READ_TEAM)
    else:
        caller.require(Permission.ORG_MANAGE)


async def resolve_alert(ctx: ServiceContext, caller: Caller, alert_id: UUID) -> Alert:
    """Mark an alert resolved now by the caller (once)."""
    async with ctx.uow() as uow:
        alert = await uow.alerts.get(caller.organization_id, alert_id)
        await _require_alert_reach(uow, caller, alert)
        if alert.resolved_at is not None:
            return alert
        now = ctx.clock.now()
        alert.resolved_at, alert.resolved_by = now, caller.actor
        if not await uow.alerts.resolve(alert):
            return await uow.alerts.get(caller.organization_id, alert_id)
        uow.emit(alert_event(EventName.ALERT_RESOLVED, alert, now))
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            now,
            action="alert.resolve",
            entity_type="alert",
            entity_id=alert.id,
            summary=f"{alert.kind.value} alert resolved",
        )
        await uow.commit()
    return alert
