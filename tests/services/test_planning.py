"""The daily planner, roster template tasks, the daily planner job and auto-assignment.

The world's clock reads Monday 2 March 2026, 09:00 in Asia/Kolkata (03:30 UTC): the start
of Alice's and Bob's 09:00-17:00 shift, whose capacity is 480 - 30 = 450 minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from uuid import UUID

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import (
    ActorType,
    JobCategory,
    TaskPriority,
    TaskSource,
    TaskStatus,
    TaskTemplate,
)
from jts_domain.ports import UnitOfWork, UnitOfWorkFactory
from jts_domain.services import ServiceContext
from jts_domain.services.auto_assignment import auto_assign
from jts_domain.services.organization import assign_roster, create_task_template
from jts_domain.services.planning import generate_daily_planners, generate_planner, view_planner
from tests.services.builders import World, build_world
from tests.services.task_records import reload, store_tasks, task_record

NOW = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _till_template(ctx: ServiceContext, world: World, **overrides: Any) -> TaskTemplate:
    fields: dict[str, Any] = {
        "department_id": world.department.id,
        "shift_template_id": world.shift.id,
        "job_category": JobCategory.SALES,
        "title": "Count the till",
        "estimated_minutes": 20,
        "priority": TaskPriority.HIGH,
        "due_offset_minutes": 120,
        "sla_minutes": 240,
        **overrides,
    }
    return await create_task_template(ctx, world.caller(world.admin), **fields)


async def test_template_tasks_are_generated_once_per_employee_and_date(
    ctx: ServiceContext, world: World
) -> None:
    template = await _till_template(ctx, world)
    await _till_template(ctx, world, job_category=JobCategory.LAB, title="Not for sales")
    alice = world.caller(world.alice)
    first = await generate_planner(
        ctx, alice, employee_id=world.alice.id, business_date=world.today
    )
    second = await generate_planner(
        ctx, alice, employee_id=world.alice.id, business_date=world.today
    )
    assert len(first.generated_task_ids) == 1
    assert second.generated_task_ids == ()
    assert [i.task.id for i in second.items] == list(first.generated_task_ids)
    task = second.items[0].task
    assert (task.template_id, task.generated_for, task.assignee_id) == (
        template.id,
        world.alice.id,
        world.alice.id,
    )
    assert (task.status, task.source, task.planned_date) == (
        TaskStatus.ASSIGNED,
        TaskSource.ROSTER,
        world.today,
    )
    # Shift start 09:00 IST = 03:30 UTC; due +120 min, SLA +240 min.
    assert task.due_at == datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
    assert task.sla_deadline == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    async with ctx.uow() as uow:
        history = await uow.tasks.history(world.org.id, task.id)
    assert [(h.from_status, h.to_status) for h in history] == [(None, TaskStatus.ASSIGNED)]


async def test_the_plan_is_ranked_carries_over_and_reports_what_fits(
    ctx: ServiceContext, world: World
) -> None:
    """Capacity 450 min. Ranked: the overdue task (60), then URGENT (120), HIGH (200), the
    MEDIUM task carried over from yesterday (60), and LOW (30): cumulative 60, 180, 380,
    440, 470, so only the last does not fit and the plan is overbooked by 20 minutes."""
    today, alice = world.today, world.alice
    yesterday = today - timedelta(days=1)
    earlier = NOW - timedelta(days=2)
    low = task_record(
        world,
        earlier,
        assignee=alice,
        planned_date=today,
        priority=TaskPriority.LOW,
        estimated_minutes=30,
    )
    carried = task_record(
        world, earlier, assignee=alice, planned_date=yesterday, estimated_minutes=60
    )
    high = task_record(
        world,
        earlier,
        assignee=alice,
        planned_date=today,
        priority=TaskPriority.HIGH,
        estimated_minutes=200,
    )
    urgent = task_record(
        world,
        earlier,
        assignee=alice,
        planned_date=today,
        priority=TaskPriority.URGENT,
        estimated_minutes=120,
    )
    overdue = task_record(
        world,
        earlier,
        assignee=alice,
        due_at=NOW - timedelta(minutes=1),
        priority=TaskPriority.LOW,
        estimated_minutes=90,
        actual_seconds=1800.0,
    )
    done = task_record(
        world,
        earlier,
        assignee=alice,
        planned_date=today,
        status=TaskStatus.COMPLETED,
        completed_at=earlier,
    )
    later = task_record(world, earlier, assignee=alice, planned_date=today + timedelta(days=1))
    bobs = task_record(world, earlier, assignee=world.bob, planned_date=today)
    await store_tasks(ctx, low, carried, high, urgent, overdue, done, later, bobs)

    planner = await view_planner(
        ctx, world.caller(alice), employee_id=alice.id, business_date=today
    )

    assert [i.task.id for i in planner.items] == [
        overdue.id,
        urgent.id,
        high.id,
        carried.id,
        low.id,
    ]
    assert [i.remaining_minutes for i in planner.items] == [60, 120, 200, 60, 30]
    assert [i.fits_in_shift for i in planner.items] == [True, True, True, True, False]
    assert [i.carried_over for i in planner.items] == [False, False, False, True, False]
    assert planner.items[0].overdue
    assert "overdue" in planner.items[0].reason
    assert "carried over" in planner.items[3].reason
    assert (planner.capacity_minutes, planner.planned_minutes, planner.overbooked) == (
        450,
        470,
        True,
    )
    assert planner.shift == world.shift


async def test_viewing_creates_nothing_and_no_roster_means_no_capacity(
    ctx: ServiceContext, world: World
) -> None:
    await _till_template(ctx, world)
    tomorrow = world.today + timedelta(days=1)
    work = task_record(
        world, NOW, assignee=world.alice, planned_date=tomorrow, estimated_minutes=10
    )
    await store_tasks(ctx, work)
    viewed = await view_planner(
        ctx, world.caller(world.alice), employee_id=world.alice.id, business_date=world.today
    )
    assert viewed.items == ()
    planner = await generate_planner(
        ctx, world.caller(world.manager), employee_id=world.alice.id, business_date=tomorrow
    )
    assert (planner.shift, planner.roster_entry, planner.capacity_minutes) == (None, None, 0)
    assert [i.task.id for i in planner.items] == [work.id]
    assert planner.overbooked
    assert planner.generated_task_ids == ()


async def test_a_planner_is_its_owners_or_within_a_managers_reach(
    ctx: ServiceContext, world: World
) -> None:
    day = {"employee_id": world.alice.id, "business_date": world.today}
    bob = world.caller(world.bob)
    assert await _code(view_planner(ctx, bob, **day)) is ErrorCode.FORBIDDEN
    assert await _code(generate_planner(ctx, bob, **day)) is ErrorCode.FORBIDDEN
    planner = await view_planner(ctx, world.caller(world.manager), **day)
    assert planner.employee_id == world.alice.id
    other = await build_world(ctx)
    outsider = world.caller(other.admin)
    assert await _code(view_planner(ctx, outsider, **day)) is ErrorCode.NOT_FOUND
    assert await _code(generate_planner(ctx, outsider, **day)) is ErrorCode.NOT_FOUND


class _FailingTasks:
    """The task repository, except that reading one employee's planner crashes."""

    def __init__(self, inner: Any, employee_id: UUID) -> None:
        self._inner = inner
        self._employee_id = employee_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def for_planner(self, organization_id: UUID, employee_id: UUID, *args: Any) -> Any:
        if employee_id == self._employee_id:
            raise RuntimeError("disk on fire")
        return await self._inner.for_planner(organization_id, employee_id, *args)


class _FailingUnitOfWork:
    def __init__(self, inner: UnitOfWork, employee_id: UUID) -> None:
        self._inner = inner
        self.tasks = _FailingTasks(inner.tasks, employee_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)


async def test_the_daily_job_plans_everyone_rostered_and_isolates_failures(
    ctx: ServiceContext, world: World, uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    template = await _till_template(ctx, world)
    first = await generate_daily_planners(ctx, world.org.id)
    assert (first.business_date, first.rostered, first.generated, first.tasks_created) == (
        world.today,
        2,
        2,
        2,
    )
    assert first.failures == ()
    again = await generate_daily_planners(ctx, world.org.id, world.today)
    assert (again.generated, again.tasks_created) == (2, 0)

    def failing() -> Any:
        return _FailingUnitOfWork(uow_factory(), world.bob.id)

    tomorrow = world.today + timedelta(days=1)
    broken = ServiceContext(uow=failing, clock=clock)
    await _roster_both(ctx, world, tomorrow)
    run = await generate_daily_planners(broken, world.org.id, tomorrow)
    assert (run.rostered, run.generated, run.tasks_created) == (2, 1, 1)
    assert [(f.employee_id, f.code) for f in run.failures] == [(world.bob.id, "RuntimeError")]
    async with ctx.uow() as uow:
        for_bob = await uow.tasks.find_generated(world.org.id, template.id, world.bob.id, tomorrow)
    assert for_bob is None  # Bob's unit of work rolled back: no half-made planner


async def _roster_both(ctx: ServiceContext, world: World, day: date) -> None:
    for person in (world.alice, world.bob):
        await assign_roster(
            ctx,
            world.caller(world.manager),
            employee_id=person.id,
            business_date=day,
            shift_template_id=world.shift.id,
            store_id=world.store.id,
        )


async def test_auto_assign_fills_capacity_and_reports_what_fits_nobody(
    ctx: ServiceContext, world: World
) -> None:
    """Alice has 100 min planned, Bob none; both have 450. Largest first: 500 fits nobody;
    300 goes to Bob (least load), 250 to Alice (350 <= 450; Bob would reach 550), 150 to Bob
    (300 + 150 = 450 <= 450; Alice would reach 500)."""
    planned = task_record(
        world, NOW, assignee=world.alice, planned_date=world.today, estimated_minutes=100
    )
    big = task_record(world, NOW, estimated_minutes=500)
    t300 = task_record(world, NOW, estimated_minutes=300, planned_date=world.today)
    t250 = task_record(world, NOW, estimated_minutes=250, job_category=JobCategory.SALES)
    t150 = task_record(world, NOW, estimated_minutes=150, store_id=world.store.id)
    await store_tasks(ctx, planned, big, t300, t250, t150)
    manager = world.caller(world.manager)

    result = await auto_assign(
        ctx, manager, department_id=world.department.id, business_date=world.today
    )

    assert [(a.task.id, a.employee_id) for a in result.assignments] == [
        (t300.id, world.bob.id),
        (t250.id, world.alice.id),
        (t150.id, world.bob.id),
    ]
    assert [t.id for t in result.unassigned] == [big.id]
    stored = await reload(ctx, t250)
    assert (stored.status, stored.assignee_id, stored.planned_date) == (
        TaskStatus.ASSIGNED,
        world.alice.id,
        world.today,
    )
    async with ctx.uow() as uow:
        history = await uow.tasks.history(world.org.id, t250.id)
    assert [(h.from_status, h.to_status, h.actor.id) for h in history] == [
        (TaskStatus.PENDING, TaskStatus.ASSIGNED, world.manager.id)
    ]
    assert history[0].actor.type is ActorType.USER
    assert (await reload(ctx, big)).status is TaskStatus.PENDING


async def test_auto_assign_needs_the_permission_and_the_tenant(
    ctx: ServiceContext, world: World
) -> None:
    alice = world.caller(world.alice)
    day = {"department_id": world.department.id, "business_date": world.today}
    assert await _code(auto_assign(ctx, alice, **day)) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    outsider = world.caller(other.admin)
    assert await _code(auto_assign(ctx, outsider, **day)) is ErrorCode.NOT_FOUND
    foreign_manager = world.caller(other.manager)
    assert await _code(auto_assign(ctx, foreign_manager, **day)) is ErrorCode.NOT_FOUND


async def test_tasks_without_a_planned_date_are_planned_by_due_time_then_creation(
    ctx: ServiceContext, world: World
) -> None:
    """No planned date: a task due yesterday and an undated task created yesterday are
    both still Alice's work today, carried over; a task due today is today's; a task due
    tomorrow (created today) waits for tomorrow's planner."""
    today, alice = world.today, world.alice
    yesterday = NOW - timedelta(days=1)
    due_yesterday = task_record(world, yesterday, assignee=alice, due_at=yesterday)
    undated = task_record(world, yesterday, assignee=alice)
    due_today = task_record(world, yesterday, assignee=alice, due_at=NOW + timedelta(hours=2))
    due_tomorrow = task_record(world, NOW, assignee=alice, due_at=NOW + timedelta(days=1))
    await store_tasks(ctx, due_yesterday, undated, due_today, due_tomorrow)

    async def carried(day: date) -> dict[UUID, bool]:
        plan = await view_planner(ctx, world.caller(alice), employee_id=alice.id, business_date=day)
        return {i.task.id: i.carried_over for i in plan.items}

    assert await carried(today) == {due_yesterday.id: True, undated.id: True, due_today.id: False}
    assert await carried(today + timedelta(days=1)) == {
        due_yesterday.id: True,
        undated.id: True,
        due_today.id: True,
        due_tomorrow.id: False,
    }
