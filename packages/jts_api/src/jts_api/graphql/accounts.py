"""Accounts: ``register``, ``login`` and ``me``."""

from __future__ import annotations

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.types.people import AuthPayload, EmployeeType
from jts_domain.services import accounts


@strawberry.input
class RegisterInput:
    """A new organization and its first admin."""

    organization_name: str
    timezone: str = "Asia/Kolkata"
    email: str
    password: str
    name: str


@strawberry.type
class Query:
    @typed.field(description="The signed-in employee.")
    async def me(self, info: Info) -> EmployeeType:
        ctx = info.context
        return EmployeeType.of(await accounts.current_employee(ctx.services, ctx.require_caller()))


@strawberry.type
class Mutation:
    @typed.mutation(description="Create an organization and its admin; signs the admin in.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        ctx = info.context
        _, admin = await accounts.register(
            ctx.services,
            ctx.runtime.passwords,
            organization_name=input.organization_name,
            timezone=input.timezone,
            email=input.email,
            password=input.password,
            name=input.name,
        )
        return AuthPayload(token=ctx.runtime.tokens.issue(admin), user=EmployeeType.of(admin))

    @typed.mutation(description="Sign in with an e-mail address and a password.")
    async def login(self, info: Info, email: str, password: str) -> AuthPayload:
        ctx = info.context
        employee = await accounts.authenticate(
            ctx.services,
            ctx.runtime.passwords,
            email=email,
            password=password,
            throttle=ctx.runtime.settings.login_throttle(),
        )
        return AuthPayload(token=ctx.runtime.tokens.issue(employee), user=EmployeeType.of(employee))
