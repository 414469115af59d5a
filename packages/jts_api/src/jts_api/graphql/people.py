"""People's access: ``changeRole``, ``deactivateEmployee`` and ``reactivateEmployee``.

Each needs ``employee.manage``; an id of another organization is NOT_FOUND. The change
ends the person's sessions: this process forgets them at once, and every other replica
when the committed ``employee.access_changed`` event reaches its live feed.
"""

from __future__ import annotations

import strawberry

from jts_api.context import GraphQLContext, Info
from jts_api.graphql import typed
from jts_api.graphql.enums import Role
from jts_api.graphql.ids import parse_id
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model
from jts_domain.services import people
from jts_domain.services.people import access_changed


def _changed(ctx: GraphQLContext, employee: model.Employee) -> EmployeeType:
    ctx.runtime.access_changed(access_changed(employee, ctx.services.clock.now()))
    return EmployeeType.of(employee)


@strawberry.type
class Mutation:
    @typed.mutation(
        description="Give an employee another role (audited; the last active admin stays "
        "one). Their sessions end: they sign in again."
    )
    async def change_role(
        self, info: Info, id: strawberry.ID, role: Role, reason: str
    ) -> EmployeeType:
        ctx = info.context
        employee = await people.change_role(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), role, reason
        )
        return _changed(ctx, employee)

    @typed.mutation(
        description="Deactivate an employee: their timer stops, their attendance closes, "
        "and their tokens and open subscriptions stop working at once."
    )
    async def deactivate_employee(self, info: Info, id: strawberry.ID, reason: str) -> EmployeeType:
        ctx = info.context
        employee = await people.deactivate_employee(
            ctx.services, ctx.require_caller(), parse_id(id, "id"), reason
        )
        return _changed(ctx, employee)

    @typed.mutation(
        description="Let a deactivated employee sign in again (their old tokens stay refused)."
    )
    async def reactivate_employee(self, info: Info, id: strawberry.ID) -> EmployeeType:
        ctx = info.context
        employee = await people.reactivate_employee(
            ctx.services, ctx.require_caller(), parse_id(id, "id")
        )
        return _changed(ctx, employee)
