"""Watching the work: ``workload``, ``slaCompliance``, ``alerts``, ``auditLog`` and
``resolveAlert``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import employee_or_self, parse_id, parse_optional_id
from jts_api.graphql.types.administration import WorkloadType
from jts_api.graphql.types.monitoring import AlertConnection, AlertType, AuditEntryConnection
from jts_api.graphql.types.paging import decode_cursor
from jts_api.graphql.types.scores import SlaComplianceType
from jts_domain.administration import pending
from jts_domain.services import alerts, audit, listings, monitoring

DEFAULT_PAGE_SIZE = 50


@strawberry.type
class Query:
    @typed.field(
        description="An employee's pending summary as the 5-minute job stored it (computed"
        " now when none is stored yet); the caller's by default."
    )
    async def workload(self, info: Info, employee_id: strawberry.ID | None = None) -> WorkloadType:
        ctx = info.context
        caller = ctx.require_caller()
        who = employee_or_self(employee_id, caller.employee_id)
        return WorkloadType.of(await pending.workload(ctx.services, caller, employee_id=who))

    @typed.field(
        description="SLA tasks met ÷ counted per day and over the range (from the daily"
        " scores), for a department or, for admins, the whole organization."
    )
    async def sla_compliance(
        self,
        info: Info,
        date_from: Annotated[date, strawberry.argument(name="from")],
        date_to: Annotated[date, strawberry.argument(name="to")],
        department_id: strawberry.ID | None = None,
    ) -> SlaComplianceType:
        ctx = info.context
        result = await monitoring.sla_compliance(
            ctx.services,
            ctx.require_caller(),
            date_from=date_from,
            date_to=date_to,
            department_id=parse_optional_id(department_id, "departmentId"),
        )
        return SlaComplianceType.of(result)

    @typed.field(description="Alerts within the caller's reach, newest first.")
    async def alerts(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> AlertConnection:
        ctx = info.context
        page = await listings.list_alerts(
            ctx.services, ctx.require_caller(), first=first, after=decode_cursor(after)
        )
        return AlertConnection.of(page)

    @typed.field(description="Every change made through JTS, newest first (admins).")
    async def audit_log(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> AuditEntryConnection:
        ctx = info.context
        page = await audit.audit_log(
            ctx.services, ctx.require_caller(), first=first, after=decode_cursor(after)
        )
        return AuditEntryConnection.of(page)


@strawberry.type
class Mutation:
    @typed.mutation(
        description="Mark an alert resolved by the caller (score.read_team over its employee)."
        " An alert resolved already is answered as it is."
    )
    async def resolve_alert(self, info: Info, id: strawberry.ID) -> AlertType:
        ctx = info.context
        alert = await alerts.resolve_alert(ctx.services, ctx.require_caller(), parse_id(id, "id"))
        return AlertType.of(alert)
