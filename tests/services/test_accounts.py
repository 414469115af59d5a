"""Accounts: registering with a password, signing in, and who a token names."""

from __future__ import annotations

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import Role
from jts_domain.services import ServiceContext
from jts_domain.services.accounts import authenticate, create_account, identify, register
from tests.services.builders import World
from tests.services.passwords import ScryptHasher


def _email(name: str = "owner") -> str:
    return f"{name}-{new_id().hex[:12]}@Example.TEST"


async def test_register_then_sign_in_with_any_case_of_the_email(ctx: ServiceContext) -> None:
    hasher = ScryptHasher()
    email = _email()
    org, admin = await register(
        ctx, hasher, organization_name="Acme", email=email, password="s3cret-pass", name="Asha"
    )
    signed_in = await authenticate(ctx, hasher, email=f" {email.upper()} ", password="s3cret-pass")
    assert signed_in == admin
    assert (admin.role, admin.organization_id) == (Role.ADMIN, org.id)
    async with ctx.uow() as uow:
        stored = await uow.credentials.find_by_email(email)
    assert stored is not None
    assert stored.password_hash is not None
    assert "s3cret-pass" not in stored.password_hash


@pytest.mark.parametrize("password", ["", "short", "x" * 257])
async def test_a_password_outside_the_rule_registers_nothing(
    ctx: ServiceContext, password: str
) -> None:
    email = _email()
    with pytest.raises(DomainError) as caught:
        await register(
            ctx, ScryptHasher(), organization_name="Acme", email=email, password=password, name="A"
        )
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    async with ctx.uow() as uow:
        assert await uow.credentials.find_by_email(email) is None


async def test_a_bad_registration_leaves_no_hash_behind(ctx: ServiceContext) -> None:
    email = _email()
    with pytest.raises(DomainError):
        await register(
            ctx,
            ScryptHasher(),
            organization_name="Acme",
            timezone="Mars/Base",
            email=email,
            password="long-enough",
            name="A",
        )
    async with ctx.uow() as uow:
        assert await uow.credentials.find_by_email(email) is None


async def test_wrong_password_and_unknown_email_fail_alike(ctx: ServiceContext) -> None:
    hasher = ScryptHasher()
    email = _email()
    await register(
        ctx, hasher, organization_name="Acme", email=email, password="right-password", name="A"
    )
    failures = []
    for attempt_email, password in [(email, "wrong-password"), (_email("nobody"), "whatever1")]:
        with pytest.raises(DomainError) as caught:
            await authenticate(ctx, hasher, email=attempt_email, password=password)
        failures.append((caught.value.code, caught.value.message))
    assert failures[0] == failures[1]
    assert failures[0][0] is ErrorCode.UNAUTHENTICATED
    # the unknown address cost a hash too, so timing does not tell the two apart
    assert hasher.verified == 2


async def test_an_account_without_password_cannot_sign_in(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(DomainError) as caught:
        await authenticate(ctx, ScryptHasher(), email=world.alice.email, password="anything1")
    assert caught.value.code is ErrorCode.UNAUTHENTICATED


async def test_create_account_stores_a_password_the_person_signs_in_with(
    ctx: ServiceContext, world: World
) -> None:
    hasher = ScryptHasher()
    email = _email("carol")
    carol = await create_account(
        ctx,
        world.caller(world.admin),
        hasher,
        email=email,
        name="Carol",
        password="carols-password",
        department_id=world.department.id,
    )
    assert await authenticate(ctx, hasher, email=email, password="carols-password") == carol


async def test_create_account_needs_employee_manage_and_writes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    email = _email("dave")
    with pytest.raises(DomainError) as caught:
        await create_account(
            ctx,
            world.caller(world.manager),
            ScryptHasher(),
            email=email,
            name="Dave",
            password="daves-password",
        )
    assert caught.value.code is ErrorCode.FORBIDDEN
    async with ctx.uow() as uow:
        assert await uow.employees.find_by_email(email) is None


async def test_setting_a_hash_for_another_tenants_employee_is_not_found(
    ctx: ServiceContext, world: World
) -> None:
    async with ctx.uow() as uow:
        with pytest.raises(DomainError) as caught:
            await uow.credentials.set_password_hash(new_id(), world.alice.id, "x")
    assert caught.value.code is ErrorCode.NOT_FOUND


async def test_identify_names_the_caller_or_refuses(ctx: ServiceContext, world: World) -> None:
    caller = await identify(ctx, world.org.id, world.alice.id)
    assert (caller.employee_id, caller.role) == (world.alice.id, Role.EMPLOYEE)
    for org_id, employee_id in [(new_id(), world.alice.id), (world.org.id, new_id())]:
        with pytest.raises(DomainError) as caught:
            await identify(ctx, org_id, employee_id)
        assert caught.value.code is ErrorCode.UNAUTHENTICATED
