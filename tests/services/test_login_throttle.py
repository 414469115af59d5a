"""The per-account sign-in throttle through ``authenticate``, on both adapters.

The count is kept in the store (so API replicas share it) and taken before the
password is checked, so even parallel guesses get no more than the allowance.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.login_throttle import LoginThrottle
from jts_domain.services import ServiceContext
from jts_domain.services.accounts import authenticate, register
from tests.services.passwords import ScryptHasher

THROTTLE = LoginThrottle(
    failures_allowed=3, window=timedelta(minutes=10), lockout=timedelta(minutes=15)
)
PASSWORD = "s3cret-pass"


async def _account(ctx: ServiceContext) -> str:
    email = f"owner-{new_id().hex[:12]}@example.test"
    await register(
        ctx, ScryptHasher(), organization_name="Acme", email=email, password=PASSWORD, name="A"
    )
    return email


async def _code(ctx: ServiceContext, hasher: ScryptHasher, email: str, password: str) -> str:
    try:
        await authenticate(ctx, hasher, email=email, password=password, throttle=THROTTLE)
    except DomainError as error:
        return error.code.value
    return "OK"


@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
async def test_past_the_allowance_an_address_is_locked_out_known_or_not(
    ctx: ServiceContext, clock: ManualClock, known: bool
) -> None:
    email = await _account(ctx) if known else f"nobody-{new_id().hex}@example.test"
    hasher = ScryptHasher()
    codes = [await _code(ctx, hasher, email, "wrong password") for _ in range(5)]
    assert codes == ["UNAUTHENTICATED"] * 3 + ["RATE_LIMITED"] * 2
    assert hasher.verified == 3  # a locked-out attempt checks no password
    with pytest.raises(DomainError) as refused:
        await authenticate(ctx, hasher, email=email.upper(), password=PASSWORD, throttle=THROTTLE)
    assert refused.value.code is ErrorCode.RATE_LIMITED
    assert refused.value.details == {"retryAfterSeconds": 15 * 60}
    clock.advance(minutes=15)
    expected = "OK" if known else "UNAUTHENTICATED"
    assert await _code(ctx, hasher, email, PASSWORD) == expected


async def test_a_successful_sign_in_clears_the_count(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    email = await _account(ctx)
    hasher = ScryptHasher()
    for _ in range(2):
        assert await _code(ctx, hasher, email, "wrong password") == "UNAUTHENTICATED"
    assert await _code(ctx, hasher, email, PASSWORD) == "OK"
    for _ in range(2):
        assert await _code(ctx, hasher, email, "wrong password") == "UNAUTHENTICATED"
    assert await _code(ctx, hasher, email, PASSWORD) == "OK"


async def test_a_window_that_passes_forgets_old_failures(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    email = await _account(ctx)
    hasher = ScryptHasher()
    for _ in range(2):
        assert await _code(ctx, hasher, email, "wrong password") == "UNAUTHENTICATED"
    clock.advance(minutes=10)
    for _ in range(2):
        assert await _code(ctx, hasher, email, "wrong password") == "UNAUTHENTICATED"
    assert await _code(ctx, hasher, email, PASSWORD) == "OK"


async def test_parallel_guesses_get_no_more_than_the_allowance(ctx: ServiceContext) -> None:
    """Twenty guesses at once, as from twenty replicas: three are checked, the rest are
    refused, and the right password afterwards is refused too (the address is locked)."""
    email = await _account(ctx)
    hasher = ScryptHasher()
    codes = await asyncio.gather(*(_code(ctx, hasher, email, f"guess {n}") for n in range(20)))
    assert sorted(codes) == ["RATE_LIMITED"] * 17 + ["UNAUTHENTICATED"] * 3
    assert hasher.verified == 3
    assert await _code(ctx, hasher, email, PASSWORD) == "RATE_LIMITED"


async def test_each_address_is_counted_on_its_own(ctx: ServiceContext) -> None:
    first, second = await _account(ctx), await _account(ctx)
    hasher = ScryptHasher()
    for _ in range(4):
        await _code(ctx, hasher, first, "wrong password")
    assert await _code(ctx, hasher, first, PASSWORD) == "RATE_LIMITED"
    assert await _code(ctx, hasher, second, PASSWORD) == "OK"
