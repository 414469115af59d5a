"""The per-process caller cache, identifying through the real use case on the in-memory
adapter (each identification counted)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

import pytest

from jts_api.auth.callers import CallerCache
from jts_api.auth.tokens import TokenClaims
from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.memory import InMemoryDatabase
from jts_domain.model import Employee, Role
from jts_domain.services import Caller, ServiceContext, people
from jts_domain.services.accounts import identify
from tests.api.harness import API_START
from tests.services.builders import World, build_world


class Counted:
    """``identify`` on the adapter, counting calls; ``gate`` (when set) holds each call
    after it read the employee, until the test opens it."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.calls = 0
        self.gate: asyncio.Event | None = None
        self.read = asyncio.Event()

    async def __call__(self, organization_id: UUID, employee_id: UUID, epoch: int) -> Caller:
        self.calls += 1
        caller = await identify(self.ctx, organization_id, employee_id, epoch)
        self.read.set()
        if self.gate is not None:
            await self.gate.wait()
        return caller


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(API_START)


@pytest.fixture
def ctx(clock: ManualClock) -> ServiceContext:
    return ServiceContext(uow=InMemoryDatabase().unit_of_work, clock=clock)


@pytest.fixture
async def world(ctx: ServiceContext) -> World:
    return await build_world(ctx)


def _claims(employee: Employee, epoch: int = 0) -> TokenClaims:
    return TokenClaims(
        organization_id=employee.organization_id,
        employee_id=employee.id,
        access_epoch=epoch,
        expires_at=API_START + timedelta(hours=12),
    )


def _cache(identify: Counted, clock: ManualClock, size: int = 100) -> CallerCache:
    return CallerCache(identify, clock, max_entries=size, time_to_live=timedelta(minutes=5))


async def test_a_known_caller_is_answered_from_memory(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    counted = Counted(ctx)
    cache = _cache(counted, clock)
    first = await cache.caller_for(_claims(world.alice))
    again = [await cache.caller_for(_claims(world.alice)) for _ in range(3)]
    assert again == [first] * 3
    assert (counted.calls, cache.hits, cache.misses) == (1, 3, 1)


async def test_an_older_epoch_is_refused_from_memory_and_a_newer_one_reloads(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    counted = Counted(ctx)
    cache = _cache(counted, clock)
    await people.change_role(ctx, world.caller(world.admin), world.bob.id, Role.MANAGER, "up")
    assert (await cache.caller_for(_claims(world.bob, epoch=1))).role is Role.MANAGER
    with pytest.raises(DomainError) as refused:
        await cache.caller_for(_claims(world.bob, epoch=0))
    assert refused.value.code is ErrorCode.UNAUTHENTICATED
    assert counted.calls == 1
    await people.change_role(ctx, world.caller(world.admin), world.bob.id, Role.EMPLOYEE, "down")
    assert (await cache.caller_for(_claims(world.bob, epoch=2))).role is Role.EMPLOYEE
    assert counted.calls == 2


async def test_forgetting_drops_the_entry(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    counted = Counted(ctx)
    cache = _cache(counted, clock)
    await cache.caller_for(_claims(world.alice))
    await people.deactivate_employee(ctx, world.caller(world.admin), world.alice.id, "left")
    cache.forget(world.org.id, world.alice.id)
    with pytest.raises(DomainError) as refused:
        await cache.caller_for(_claims(world.alice))
    assert refused.value.code is ErrorCode.UNAUTHENTICATED
    assert len(cache) == 0


async def test_an_identification_under_way_when_the_entry_is_dropped_is_not_kept(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    counted = Counted(ctx)
    cache = _cache(counted, clock)
    counted.gate = asyncio.Event()
    loading = asyncio.create_task(cache.caller_for(_claims(world.alice)))
    await counted.read.wait()  # the identification read the (still active) employee
    await people.deactivate_employee(ctx, world.caller(world.admin), world.alice.id, "left")
    cache.forget(world.org.id, world.alice.id)  # the access change arrives meanwhile
    counted.gate.set()
    await loading  # what it read was true when it read it
    counted.gate = None
    with pytest.raises(DomainError) as refused:
        await cache.caller_for(_claims(world.alice))
    assert refused.value.code is ErrorCode.UNAUTHENTICATED
    assert counted.calls == 2


async def test_the_least_recently_used_go_first_and_entries_live_a_while(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    counted = Counted(ctx)
    cache = _cache(counted, clock, size=2)
    for person in (world.alice, world.bob, world.alice, world.manager):
        await cache.caller_for(_claims(person))
    assert (len(cache), counted.calls) == (2, 3)
    await cache.caller_for(_claims(world.alice))
    assert counted.calls == 3  # alice was used more recently than bob, who went
    await cache.caller_for(_claims(world.bob))
    assert counted.calls == 4
    clock.advance(minutes=5)
    await cache.caller_for(_claims(world.bob))
    assert counted.calls == 5
