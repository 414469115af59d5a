"""The audit log: every change recorded with its actor, in the change's own transaction,
read newest first by admins only."""

from __future__ import annotations

from datetime import time

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import ActorType
from jts_domain.services import Caller, ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.services.audit import audit_log
from jts_domain.services.organization import (
    create_department,
    create_employee,
    create_shift_template,
    create_store,
    register_organization,
)
from tests.services.builders import World, build_world, roster_entry
from tests.services.steps import clock_in, expect_error, start_work

pytestmark = pytest.mark.asyncio

FAR_LATITUDE = 13.9716  # about 110 km north of the world's store


async def test_a_morning_is_recorded_newest_first_with_its_overrides(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    manager, alice = world.caller(world.manager), world.caller(world.alice)
    async with ctx.uow() as uow:
        await uow.roster.add(
            roster_entry(
                world.org.id, world.manager.id, world.today, world.shift.id, world.store.id
            )
        )
        await uow.commit()
    await clock_in(
        ctx, world, world.manager, latitude=FAR_LATITUDE, override_reason="store door jammed"
    )
    clock.advance(minutes=1)
    task = await task_service.create_task(ctx, manager, title="Count stock")
    clock.advance(minutes=1)
    await task_service.assign_task(ctx, manager, task.id, world.alice.id)
    clock.advance(minutes=1)
    await clock_in(ctx, world, world.alice)
    clock.advance(minutes=1)
    await start_work(ctx, alice, task.id)
    clock.advance(minutes=1)
    await timer_service.start_break(ctx, alice)

    page = await audit_log(ctx, world.caller(world.admin))

    # Newest first, one entry per use case (starting a task starts its timer: one entry
    # says both).
    moments: dict[object, set[str]] = {}
    for entry in page.items:
        moments.setdefault(entry.at, set()).add(entry.action)
    assert list(moments.values()) == [
        {"timer.start_break"},
        {"task.start"},
        {"attendance.clock_in"},
        {"task.assign"},
        {"task.create"},
        {"attendance.clock_in"},
    ]
    assert not page.has_next
    by_action = {e.action: e for e in page.items}
    assert by_action["task.assign"].summary == (
        f"PENDING → ASSIGNED; assignee {world.alice.id}; assigned to Alice"
    )
    assert by_action["task.assign"].actor.id == world.manager.id
    assert by_action["task.assign"].entity_id == task.id
    overridden = page.items[-1]
    assert overridden.actor.id == world.manager.id
    assert "geofence override: store door jammed" in overridden.summary
    assert all(e.actor.type is ActorType.USER for e in page.items)
    assert [e.at for e in page.items] == sorted((e.at for e in page.items), reverse=True)


async def test_a_timer_override_names_the_skipped_checks_and_the_reason(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    task = await task_service.create_task(
        ctx, manager, title="Audit the safe", assignee_id=world.manager.id
    )
    await start_work(ctx, manager, task.id, override_reason="night audit")

    page = await audit_log(ctx, world.caller(world.admin), first=10)

    start = next(e for e in page.items if e.action == "task.start")
    assert start.summary.startswith("ASSIGNED → IN_PROGRESS; timer ")
    assert start.summary.endswith("started; override of ATTENDANCE, SHIFT: night audit")


async def test_a_failed_change_leaves_no_entry(ctx: ServiceContext, world: World) -> None:
    alice = world.caller(world.alice)
    task = await task_service.create_task(ctx, alice, title="Mine", assignee_id=world.alice.id)
    before = await audit_log(ctx, world.caller(world.admin))

    await expect_error(ErrorCode.ATTENDANCE_REQUIRED, start_work(ctx, alice, task.id))

    after = await audit_log(ctx, world.caller(world.admin))
    assert after == before


async def test_pages_follow_each_other_without_gaps(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    manager = world.caller(world.manager)
    created = []
    for n in range(5):
        clock.advance(seconds=1)
        created.append(await task_service.create_task(ctx, manager, title=f"Task {n}"))
    admin = world.caller(world.admin)

    first = await audit_log(ctx, admin, first=2)
    last = first.items[-1]
    second = await audit_log(ctx, admin, first=2, after=(last.at, last.id))
    last = second.items[-1]
    third = await audit_log(ctx, admin, first=2, after=(last.at, last.id))

    entity_ids = [e.entity_id for p in (first, second, third) for e in p.items]
    assert entity_ids == [t.id for t in reversed(created)]
    assert (first.has_next, second.has_next, third.has_next) == (True, True, False)
    await expect_error(ErrorCode.VALIDATION_ERROR, audit_log(ctx, admin, first=0))
    await expect_error(ErrorCode.VALIDATION_ERROR, audit_log(ctx, admin, first=101))


async def test_only_admins_read_it_and_only_their_organizations(
    ctx: ServiceContext, world: World
) -> None:
    await task_service.create_task(ctx, world.caller(world.manager), title="Ours")
    other = await build_world(ctx)
    await task_service.create_task(ctx, other.caller(other.manager), title="Theirs")

    for person in (world.manager, world.alice):
        await expect_error(ErrorCode.FORBIDDEN, audit_log(ctx, world.caller(person)))
    ours = await audit_log(ctx, world.caller(world.admin))
    assert [e.summary for e in ours.items] == ["'Ours' created PENDING"]


async def test_setting_up_an_organization_is_recorded(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    _, admin = await register_organization(
        ctx,
        organization_name="Audited Stores",
        admin_email=f"admin-{new_id().hex[:8]}@example.test",
        admin_name="Asha",
    )
    boss = Caller.of(admin)
    steps = [
        create_department(ctx, boss, name="Front"),
        create_store(ctx, boss, name="Church St", latitude=12.97, longitude=77.6),
        create_shift_template(
            ctx, boss, name="Day", start_time=time(9), end_time=time(17), break_minutes=30
        ),
    ]
    for step in steps:
        clock.advance(seconds=1)
        await step
    clock.advance(seconds=1)
    ravi = await create_employee(
        ctx, boss, email=f"ravi-{new_id().hex[:8]}@example.test", name="Ravi"
    )

    page = await audit_log(ctx, boss)

    assert [e.action for e in reversed(page.items)] == [
        "organization.register",
        "department.create",
        "store.create",
        "shift_template.create",
        "employee.create",
    ]
    assert {e.actor.id for e in page.items} == {admin.id}
    assert page.items[0].entity_id == ravi.id
    assert page.items[0].summary == f"{ravi.email} as EMPLOYEE"
    assert page.items[1].summary == "Day 09:00-17:00, break 30 min"
