"""People's access: role changes, deactivation and reactivation, on both adapters."""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest
from hypothesis import given, settings

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    AuditEntry,
    Employee,
    EventName,
    Permission,
    Role,
    StopReason,
    TaskStatus,
    TimerState,
)
from jts_domain.services import Caller, ServiceContext, people
from jts_domain.services import tasks as task_service
from jts_domain.services.accounts import identify
from tests.services.builders import World, build_world
from tests.services.conftest import EventsReader
from tests.services.steps import clock_in, expect_error
from tests.services.strategies import PEOPLE, AccessChange, access_changes


async def _employee(ctx: ServiceContext, world: World, employee_id: UUID) -> Employee:
    async with ctx.uow() as uow:
        return await uow.employees.get(world.org.id, employee_id)


async def _audit(ctx: ServiceContext, world: World) -> list[AuditEntry]:
    async with ctx.uow() as uow:
        return await uow.audit.recent(world.org.id, limit=100)


async def _second_admin(ctx: ServiceContext, world: World) -> Employee:
    return await people.change_role(
        ctx, world.caller(world.admin), world.manager.id, Role.ADMIN, "covers for the owner"
    )


async def test_a_role_change_is_audited_with_old_and_new_and_ends_the_sessions(
    ctx: ServiceContext, world: World, events: EventsReader
) -> None:
    changed = await people.change_role(
        ctx, world.caller(world.admin), world.alice.id, Role.MANAGER, "runs the floor now"
    )
    assert (changed.role, changed.access_epoch) == (Role.MANAGER, 1)
    assert await _employee(ctx, world, world.alice.id) == changed
    [entry] = [e for e in await _audit(ctx, world) if e.action == "employee.change_role"]
    assert entry.entity_id == world.alice.id
    assert entry.actor.id == world.admin.id
    assert "EMPLOYEE → MANAGER" in entry.summary
    assert "runs the floor now" in entry.summary
    [event] = [e for e in await events(world.org.id) if e.name is EventName.EMPLOYEE_ACCESS_CHANGED]
    assert event.payload["employee_id"] == str(world.alice.id)
    assert (event.payload["access_epoch"], event.payload["role"]) == (1, "MANAGER")
    with pytest.raises(DomainError) as refused:
        await identify(ctx, world.org.id, world.alice.id, access_epoch=0)
    assert refused.value.code is ErrorCode.UNAUTHENTICATED
    caller = await identify(ctx, world.org.id, world.alice.id, access_epoch=1)
    assert caller.role is Role.MANAGER


@pytest.mark.parametrize("who", ["manager", "alice"])
async def test_only_employee_managers_change_access(
    ctx: ServiceContext, world: World, events: EventsReader, who: str
) -> None:
    caller = world.caller(getattr(world, who))
    for call in (
        people.change_role(ctx, caller, world.bob.id, Role.MANAGER, "promotion"),
        people.deactivate_employee(ctx, caller, world.bob.id, "left"),
        people.reactivate_employee(ctx, caller, world.bob.id),
    ):
        await expect_error(ErrorCode.FORBIDDEN, call)
    assert await _employee(ctx, world, world.bob.id) == world.bob
    assert await _audit(ctx, world) == []
    assert await events(world.org.id) == []


async def test_another_organizations_employee_is_not_found(
    ctx: ServiceContext, world: World
) -> None:
    other = await build_world(ctx)
    admin = world.caller(world.admin)
    for call in (
        people.change_role(ctx, admin, other.alice.id, Role.MANAGER, "promotion"),
        people.deactivate_employee(ctx, admin, other.alice.id, "left"),
        people.reactivate_employee(ctx, admin, new_id()),
    ):
        await expect_error(ErrorCode.NOT_FOUND, call)
    assert await _employee(ctx, other, other.alice.id) == other.alice


@pytest.mark.parametrize(
    ("role", "reason"),
    [(Role.EMPLOYEE, "no change"), (Role.MANAGER, "   "), (Role.MANAGER, "x" * 501)],
)
async def test_a_pointless_or_unexplained_role_change_writes_nothing(
    ctx: ServiceContext, world: World, role: Role, reason: str
) -> None:
    admin = world.caller(world.admin)
    await expect_error(
        ErrorCode.VALIDATION_ERROR, people.change_role(ctx, admin, world.alice.id, role, reason)
    )
    assert await _employee(ctx, world, world.alice.id) == world.alice
    assert await _audit(ctx, world) == []


async def test_the_last_active_admin_is_never_demoted_nor_deactivated(
    ctx: ServiceContext, world: World, events: EventsReader
) -> None:
    admin, system = world.caller(world.admin), world.system
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        people.change_role(ctx, admin, world.admin.id, Role.MANAGER, "stepping down"),
    )
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        people.deactivate_employee(ctx, system, world.admin.id, "left"),
    )
    assert await _employee(ctx, world, world.admin.id) == world.admin
    assert await events(world.org.id) == []
    # With a second admin, the first may step down; then the second is the last one.
    second = await _second_admin(ctx, world)
    await people.change_role(ctx, admin, world.admin.id, Role.MANAGER, "stepping down")
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        people.change_role(ctx, Caller.of(second), second.id, Role.EMPLOYEE, "me too"),
    )
    assert (await _employee(ctx, world, second.id)).role is Role.ADMIN


async def test_an_inactive_admin_does_not_count_as_an_admin(
    ctx: ServiceContext, world: World
) -> None:
    second = await _second_admin(ctx, world)
    await people.deactivate_employee(ctx, world.caller(world.admin), second.id, "on leave")
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        people.change_role(
            ctx, world.caller(world.admin), world.admin.id, Role.MANAGER, "stepping down"
        ),
    )


async def test_deactivation_stops_the_timer_closes_attendance_and_ends_sessions(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    alice = world.alice
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Count stock", assignee_id=alice.id
    )
    await clock_in(ctx, world, alice)
    await task_service.start_task(ctx, world.caller(alice), task.id)
    clock.advance(minutes=20)
    before = len(await events(world.org.id))

    gone = await people.deactivate_employee(ctx, world.caller(world.admin), alice.id, "left")

    assert (gone.active, gone.access_epoch) == (False, 1)
    async with ctx.uow() as uow:
        [timer] = await uow.timers.list_for_task(world.org.id, task.id)
        stored_task = await uow.tasks.get(world.org.id, task.id)
        attendance = await uow.attendance.find(world.org.id, alice.id, world.today)
        assert await uow.attendance.find_open(world.org.id, alice.id) is None
    assert timer.state is TimerState.STOPPED
    assert (timer.stop_reason, timer.auto_stopped, timer.stopped_at) == (
        StopReason.ADMIN,
        True,
        clock.now(),
    )
    assert stored_task.status is TaskStatus.ON_HOLD
    assert attendance is not None
    assert attendance.clock_out_at == clock.now()
    names = [e.name for e in (await events(world.org.id))[before:]]
    assert names == [
        EventName.TIMER_STATE_CHANGED,
        EventName.TIMER_STOPPED,
        EventName.EMPLOYEE_ACCESS_CHANGED,
    ]
    [entry] = [e for e in await _audit(ctx, world) if e.action == "employee.deactivate"]
    assert f"timer {timer.id} stopped" in entry.summary
    assert "attendance closed" in entry.summary
    with pytest.raises(DomainError) as refused:
        await identify(ctx, world.org.id, alice.id, access_epoch=0)
    assert refused.value.code is ErrorCode.UNAUTHENTICATED


async def test_reactivation_lets_them_in_with_a_new_sign_in_only(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    admin = world.caller(world.admin)
    await people.deactivate_employee(ctx, admin, world.bob.id, "on leave")
    clock.advance(days=3)  # the audit log is newest first, by instant
    with pytest.raises(DomainError) as inactive:
        await identify(ctx, world.org.id, world.bob.id, access_epoch=1)
    assert inactive.value.code is ErrorCode.UNAUTHENTICATED

    back = await people.reactivate_employee(ctx, admin, world.bob.id)

    assert (back.active, back.access_epoch) == (True, 2)
    for stale in (0, 1):
        with pytest.raises(DomainError) as refused:
            await identify(ctx, world.org.id, world.bob.id, access_epoch=stale)
        assert refused.value.code is ErrorCode.UNAUTHENTICATED
    assert (await identify(ctx, world.org.id, world.bob.id, access_epoch=2)).employee_id == back.id
    actions = [e.action for e in await _audit(ctx, world)]
    assert actions == ["employee.reactivate", "employee.deactivate"]
    changes = [e for e in await events(world.org.id) if e.name is EventName.EMPLOYEE_ACCESS_CHANGED]
    assert [e.payload["active"] for e in changes] == [False, True]


async def test_deactivation_refuses_oneself_and_the_inactive_and_writes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    await _second_admin(ctx, world)
    await expect_error(
        ErrorCode.VALIDATION_ERROR, people.deactivate_employee(ctx, admin, world.admin.id, "bye")
    )
    await expect_error(
        ErrorCode.VALIDATION_ERROR, people.deactivate_employee(ctx, admin, world.bob.id, " ")
    )
    await expect_error(
        ErrorCode.VALIDATION_ERROR, people.reactivate_employee(ctx, admin, world.bob.id)
    )
    await people.deactivate_employee(ctx, admin, world.bob.id, "left")
    await expect_error(
        ErrorCode.VALIDATION_ERROR, people.deactivate_employee(ctx, admin, world.bob.id, "again")
    )
    assert (await _employee(ctx, world, world.bob.id)).access_epoch == 1
    assert (await _employee(ctx, world, world.admin.id)).active


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    ctx: ServiceContext,
) -> None:
    for _ in range(5):
        world = await build_world(ctx)
        second = await _second_admin(ctx, world)
        first = world.admin
        outcomes = await asyncio.gather(
            people.change_role(ctx, Caller.of(first), second.id, Role.EMPLOYEE, "demoted"),
            people.change_role(ctx, Caller.of(second), first.id, Role.EMPLOYEE, "demoted"),
            return_exceptions=True,
        )
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert [e.code for e in refused] == [ErrorCode.VALIDATION_ERROR], outcomes
        roles = [(await _employee(ctx, world, e.id)).role for e in (first, second)]
        assert sorted(roles) == [Role.ADMIN, Role.EMPLOYEE]


async def test_concurrent_access_changes_of_one_person_lose_nothing(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    outcomes = await asyncio.gather(
        people.deactivate_employee(ctx, admin, world.alice.id, "left"),
        people.change_role(ctx, admin, world.alice.id, Role.MANAGER, "promotion"),
        return_exceptions=True,
    )
    done = [o for o in outcomes if isinstance(o, Employee)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert all(e.code is ErrorCode.CONFLICT for e in refused), outcomes
    stored = await _employee(ctx, world, world.alice.id)
    # every change that succeeded moved the epoch on once: none overwrote another
    assert stored.access_epoch == len(done) >= 1
    entries = [e for e in await _audit(ctx, world) if e.action.startswith("employee.")]
    assert len(entries) == len(done)


@settings(max_examples=30)
@given(changes=access_changes)
async def test_any_sequence_of_access_changes_keeps_an_admin_and_counts_every_change(
    ctx: ServiceContext, changes: list[AccessChange]
) -> None:
    world = await build_world(ctx)
    epochs = dict.fromkeys(PEOPLE, 0)
    for change in changes:
        actor = await _employee(ctx, world, getattr(world, change.actor).id)
        target = getattr(world, change.target).id
        caller = Caller.of(actor)
        if change.kind == "role":
            call = people.change_role(ctx, caller, target, change.role, "reorganised")
        elif change.kind == "deactivate":
            call = people.deactivate_employee(ctx, caller, target, "left")
        else:
            call = people.reactivate_employee(ctx, caller, target)
        outcome = (await asyncio.gather(call, return_exceptions=True))[0]
        if isinstance(outcome, DomainError):
            assert outcome.code in {ErrorCode.FORBIDDEN, ErrorCode.VALIDATION_ERROR}, outcome
            continue
        assert isinstance(outcome, Employee), outcome
        assert caller.can(Permission.EMPLOYEE_MANAGE)
        epochs[change.target] += 1
    stored = {name: await _employee(ctx, world, getattr(world, name).id) for name in PEOPLE}
    assert any(e.active and e.role is Role.ADMIN for e in stored.values())
    assert {name: e.access_epoch for name, e in stored.items()} == epochs
