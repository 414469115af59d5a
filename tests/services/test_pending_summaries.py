"""Pending summaries: stored by the 5-minute job, read by ``workload`` and ``teamWorkload``.

The world's clock starts on Monday 2 March 2026 at 09:00 in Asia/Kolkata.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jts_domain.administration.pending import (
    refresh_pending_summaries,
    team_workload,
    workload,
)
from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    Employee,
    OrganizationSettings,
    TaskPriority,
    TaskStatus,
    WorkloadLevel,
    WorkloadThresholds,
)
from jts_domain.ports import UnitOfWorkFactory
from jts_domain.services import Caller, ServiceContext
from jts_domain.workload import count_pending, due_windows, summarize_pending
from tests.services.builders import World, build_world
from tests.services.task_records import store_tasks, task_record
from tests.services.workload_strategies import edges, summary_instants, thresholds
from tests.store.strategies import SmallOrganization, small_organizations


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _alices_load(ctx: ServiceContext, world: World, clock: ManualClock) -> None:
    """12 open tasks for Alice: 4 URGENT, 2 overdue; closed work does not count."""
    now = clock.now()
    open_tasks = [
        task_record(world, now, assignee=world.alice, priority=TaskPriority.URGENT)
        for _ in range(4)
    ]
    open_tasks += [
        task_record(world, now, assignee=world.alice, due_at=now - timedelta(minutes=5))
        for _ in range(2)
    ]
    open_tasks += [
        task_record(world, now, assignee=world.alice, status=TaskStatus.IN_PROGRESS)
        for _ in range(6)
    ]
    closed = [
        task_record(
            world,
            now,
            assignee=world.alice,
            priority=TaskPriority.URGENT,
            status=status,
            due_at=now - timedelta(days=1),
        )
        for status in (TaskStatus.COMPLETED, TaskStatus.CANCELLED)
    ]
    await store_tasks(ctx, *open_tasks, *closed)


async def test_workload_levels_per_dimension_and_overall(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Pending 12 → MODERATE (11-15), urgent 4 → HIGH (4-5), overdue 2 → MODERATE (2):
    overall HIGH, the highest of the three. Bob has nothing: LOW."""
    await _alices_load(ctx, world, clock)
    alice = await workload(ctx, world.caller(world.alice), employee_id=world.alice.id)
    assessed = alice.assessment
    assert (assessed.pending, assessed.urgent, assessed.overdue) == (12, 4, 2)
    assert (assessed.pending_level, assessed.urgent_level, assessed.overdue_level) == (
        WorkloadLevel.MODERATE,
        WorkloadLevel.HIGH,
        WorkloadLevel.MODERATE,
    )
    assert assessed.level is WorkloadLevel.HIGH
    assert (alice.counts.urgent, alice.counts.medium) == (4, 8)
    bob = await workload(ctx, world.caller(world.manager), employee_id=world.bob.id)
    assert (bob.assessment.level, bob.counts.pending) == (WorkloadLevel.LOW, 0)


async def test_workload_thresholds_are_the_organizations(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    strict = OrganizationSettings(workload=WorkloadThresholds(pending=(2, 4, 8)))
    world = await build_world(ctx, settings=strict)
    await _alices_load(ctx, world, clock)
    alice = (await workload(ctx, world.caller(world.alice), employee_id=world.alice.id)).assessment
    assert (alice.pending_level, alice.level) == (WorkloadLevel.CRITICAL, WorkloadLevel.CRITICAL)


async def test_before_the_first_run_a_workload_is_computed_and_not_stored(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _alices_load(ctx, world, clock)
    clock.advance(minutes=7)
    summary = await workload(ctx, world.caller(world.alice), employee_id=world.alice.id)
    assert (summary.computed_at, summary.counts.pending) == (clock.now(), 12)
    async with ctx.uow() as uow:
        assert await uow.pending_summaries.find_many(world.org.id, [world.alice.id]) == {}


async def _leaver(ctx: ServiceContext, world: World) -> Employee:
    """An inactive employee of the world's department, with an open task."""
    leaver = replace(
        world.bob, id=new_id(), email=f"leaver-{new_id().hex[:8]}@example.test", active=False
    )
    async with ctx.uow() as uow:
        await uow.employees.add(leaver)
        await uow.commit()
    await store_tasks(ctx, task_record(world, ctx.clock.now(), assignee=leaver))
    return leaver


async def test_the_job_stores_every_active_employees_summary_which_workload_then_reads(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _alices_load(ctx, world, clock)
    leaver = await _leaver(ctx, world)

    refreshed = await refresh_pending_summaries(ctx, world.org.id)

    levels = {s.employee_id: s.assessment.level for s in refreshed.summaries}
    assert levels == {
        world.admin.id: WorkloadLevel.LOW,
        world.manager.id: WorkloadLevel.LOW,
        world.alice.id: WorkloadLevel.HIGH,
        world.bob.id: WorkloadLevel.LOW,
    }
    assert refreshed.computed_at == clock.now()
    taken_at = clock.now()
    clock.advance(minutes=3)
    await store_tasks(ctx, task_record(world, clock.now(), assignee=world.alice))
    stored = await workload(ctx, world.caller(world.alice), employee_id=world.alice.id)
    assert (stored.computed_at, stored.counts.pending) == (taken_at, 12)
    async with ctx.uow() as uow:
        assert await uow.pending_summaries.find_many(world.org.id, [leaver.id]) == {}

    again = await refresh_pending_summaries(ctx, world.org.id)
    assert again.computed_at == clock.now()
    fresh = await workload(ctx, world.caller(world.alice), employee_id=world.alice.id)
    assert (fresh.computed_at, fresh.counts.pending) == (clock.now(), 13)


async def test_due_today_this_week_and_this_month_are_the_organizations_local_ones(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Now is Monday 2 March 2026, 09:00 IST (03:30 UTC). Local midnights in UTC: 2 March
    starts at 1 March 18:30, 3 March at 2 March 18:30, Monday 9 March at 8 March 18:30,
    1 April at 31 March 18:30."""
    due = [
        datetime(2026, 3, 1, 18, 29, 59, tzinfo=UTC),  # Sunday 1 March 23:59:59: this month
        datetime(2026, 3, 1, 18, 30, tzinfo=UTC),  # today 00:00, overdue
        datetime(2026, 3, 2, 18, 29, 59, tzinfo=UTC),  # today 23:59:59
        datetime(2026, 3, 2, 18, 30, tzinfo=UTC),  # tomorrow
        datetime(2026, 3, 8, 18, 29, 59, tzinfo=UTC),  # Sunday 8 March 23:59:59
        datetime(2026, 3, 8, 18, 30, tzinfo=UTC),  # next Monday
        datetime(2026, 3, 31, 18, 29, 59, tzinfo=UTC),  # 31 March 23:59:59
        datetime(2026, 3, 31, 18, 30, tzinfo=UTC),  # 1 April
        datetime(2026, 2, 28, 18, 29, 59, tzinfo=UTC),  # 28 February: last month
    ]
    now = clock.now()
    await store_tasks(ctx, *(task_record(world, now, assignee=world.alice, due_at=d) for d in due))
    await refresh_pending_summaries(ctx, world.org.id)
    counts = (await workload(ctx, world.caller(world.alice), employee_id=world.alice.id)).counts
    assert (counts.due_today, counts.due_this_week, counts.due_this_month) == (2, 4, 7)
    assert counts.overdue == 3


async def test_a_workload_is_ones_own_or_within_reach(ctx: ServiceContext, world: World) -> None:
    bob = world.caller(world.bob)
    assert await _code(workload(ctx, bob, employee_id=world.alice.id)) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    foreign = workload(ctx, world.caller(other.manager), employee_id=world.alice.id)
    assert await _code(foreign) is ErrorCode.NOT_FOUND


async def test_team_workload_lists_a_departments_active_employees(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _alices_load(ctx, world, clock)
    await _leaver(ctx, world)
    await refresh_pending_summaries(ctx, world.org.id)
    manager = world.caller(world.manager)

    team = await team_workload(ctx, manager, department_id=world.department.id)

    expected = sorted([world.manager.id, world.alice.id, world.bob.id])
    assert [s.employee_id for s in team] == expected
    alice = next(s for s in team if s.employee_id == world.alice.id)
    assert alice.assessment.level is WorkloadLevel.HIGH


async def test_team_workload_needs_the_departments_reach(ctx: ServiceContext, world: World) -> None:
    department = world.department.id
    alice = world.caller(world.alice)
    assert await _code(team_workload(ctx, alice, department_id=department)) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    foreign = team_workload(ctx, world.caller(other.admin), department_id=department)
    assert await _code(foreign) is ErrorCode.NOT_FOUND


@settings(max_examples=25)
@given(data=st.data(), generated=small_organizations(), bounds=thresholds)
async def test_the_stored_summary_equals_the_calculation_over_the_tasks(
    uow_factory: UnitOfWorkFactory,
    data: st.DataObject,
    generated: SmallOrganization,
    bounds: WorkloadThresholds,
) -> None:
    """Over random task sets, organizations, timezones and instants, what the job stores
    for each active employee is :func:`count_pending` and :func:`summarize_pending` of the
    tasks, and inactive employees get nothing."""
    organization = generated.organization
    organization.settings = replace(organization.settings, workload=bounds)
    now = data.draw(summary_instants(generated))
    windows = due_windows(now, generated.timezone)
    for task in generated.tasks:
        task.due_at = data.draw(st.just(task.due_at) | edges(windows))
    async with uow_factory() as uow:
        await generated.write(uow)
    ctx = ServiceContext(uow=uow_factory, clock=ManualClock(now))

    refreshed = await refresh_pending_summaries(ctx, organization.id)

    expected = {
        e.id: summarize_pending(
            organization.id, count_pending(e.id, generated.tasks, windows), bounds, now
        )
        for e in generated.employees
        if e.active
    }
    everyone = [e.id for e in generated.employees]
    async with uow_factory() as uow:
        stored = await uow.pending_summaries.find_many(organization.id, everyone)
    assert stored == expected
    assert {s.employee_id: s for s in refreshed.summaries} == expected
    some_caller = Caller.system(organization.id)
    for employee_id, summary in expected.items():
        assert await workload(ctx, some_caller, employee_id=employee_id) == summary
