"""Attendance use cases: clock-in rules, clock-out and shift-end auto-stops, daily rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    AttendanceStatus,
    DomainEvent,
    Employee,
    EventName,
    Role,
    StopReason,
    TaskStatus,
    TimerState,
)
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.timeline import durations
from tests.services.builders import STORE_LATITUDE, World, roster_entry
from tests.services.steps import clock_in, expect_error, start_work

pytestmark = pytest.mark.asyncio

Events = Callable[..., Awaitable[list[DomainEvent]]]
#: About 1.1 km north of the store.
FAR_LATITUDE = STORE_LATITUDE + 0.01


async def row_of(ctx: ServiceContext, world: World, employee: Employee):
    async with ctx.uow() as uow:
        return await uow.attendance.find(world.org.id, employee.id, world.today)


async def running_task(ctx: ServiceContext, world: World, employee: Employee):
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Front desk", assignee_id=employee.id
    )
    await start_work(ctx, world.caller(employee), task.id)
    return task


async def test_clock_in_on_time_is_present(ctx: ServiceContext, world: World) -> None:
    row = await clock_in(ctx, world, world.alice, selfie_ref="s3://selfies/a.jpg")
    assert row.status is AttendanceStatus.PRESENT
    assert row.business_date == world.today
    assert row.store_id == world.store.id
    assert row.clock_in_at == ctx.clock.now()
    assert row.selfie_ref == "s3://selfies/a.jpg"
    assert row.is_open
    assert row.override_by is None


@pytest.mark.parametrize(
    ("minutes_after_start", "status"),
    [(10, AttendanceStatus.PRESENT), (11, AttendanceStatus.LATE)],
)
async def test_late_after_the_grace_period(
    ctx: ServiceContext,
    world: World,
    clock: ManualClock,
    minutes_after_start: int,
    status: AttendanceStatus,
) -> None:
    clock.advance(minutes=minutes_after_start)
    row = await clock_in(ctx, world, world.alice)
    assert row.status is status


async def test_outside_the_geofence_changes_nothing(ctx: ServiceContext, world: World) -> None:
    error = await expect_error(
        ErrorCode.GEOFENCE_VIOLATION, clock_in(ctx, world, world.alice, latitude=FAR_LATITUDE)
    )
    assert error.details["store_id"] == str(world.store.id)
    await expect_error(
        ErrorCode.GEOFENCE_VIOLATION,
        clock_in(ctx, world, world.alice, latitude=FAR_LATITUDE, override_reason="gps drift"),
    )
    assert await row_of(ctx, world, world.alice) is None


async def test_a_manager_overrides_the_geofence_with_a_reason(
    ctx: ServiceContext, world: World
) -> None:
    async with ctx.uow() as uow:
        await uow.roster.add(
            roster_entry(
                world.org.id, world.manager.id, world.today, world.shift.id, world.store.id
            )
        )
        await uow.commit()
    row = await clock_in(
        ctx, world, world.manager, latitude=FAR_LATITUDE, override_reason="site visit"
    )
    assert row.status is AttendanceStatus.PRESENT
    assert (row.override_by, row.override_reason) == (world.manager.id, "site visit")


@pytest.mark.parametrize(
    "bad",
    [{"latitude": 91.0}, {"latitude": float("nan")}, {"selfie_ref": " "}, {"override_reason": ""}],
)
async def test_bad_input_changes_nothing(
    ctx: ServiceContext, world: World, bad: dict[str, object]
) -> None:
    await expect_error(ErrorCode.VALIDATION_ERROR, clock_in(ctx, world, world.alice, **bad))
    assert await row_of(ctx, world, world.alice) is None


async def test_one_open_attendance_and_one_row_a_day(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    first = await clock_in(ctx, world, world.alice)
    await expect_error(ErrorCode.VALIDATION_ERROR, clock_in(ctx, world, world.alice))
    clock.advance(hours=1)
    await attendance_service.clock_out(ctx, world.caller(world.alice))
    await expect_error(ErrorCode.VALIDATION_ERROR, clock_in(ctx, world, world.alice))
    await expect_error(
        ErrorCode.VALIDATION_ERROR, attendance_service.clock_out(ctx, world.caller(world.alice))
    )
    row = await row_of(ctx, world, world.alice)
    assert row is not None
    assert (row.id, row.clock_in_at) == (first.id, first.clock_in_at)
    assert row.clock_out_at == clock.now()


async def test_without_a_roster_the_home_store_is_used(ctx: ServiceContext, world: World) -> None:
    dave = Employee(
        id=new_id(),
        organization_id=world.org.id,
        email=f"dave-{new_id().hex}@example.test",
        name="Dave",
        role=Role.EMPLOYEE,
        department_id=world.department.id,
        store_id=world.store.id,
        created_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        await uow.employees.add(dave)
        await uow.commit()
    row = await clock_in(ctx, world, dave)
    assert (row.status, row.store_id) == (AttendanceStatus.PRESENT, world.store.id)
    # The admin has neither a roster entry nor a home store.
    await expect_error(ErrorCode.VALIDATION_ERROR, clock_in(ctx, world, world.admin))


async def test_daily_rows_are_idempotent_and_clock_in_fills_them(
    ctx: ServiceContext, world: World
) -> None:
    created = await attendance_service.create_daily_attendance(ctx, world.system, world.today)
    assert created == 4
    again = await attendance_service.create_daily_attendance(ctx, world.system, world.today)
    assert again == 0
    async with ctx.uow() as uow:
        rows = await uow.attendance.list_for_date(world.org.id, world.today)
    status = {r.employee_id: r.status for r in rows}
    assert status == {
        world.alice.id: AttendanceStatus.ABSENT,
        world.bob.id: AttendanceStatus.ABSENT,
        world.admin.id: AttendanceStatus.OFF,
        world.manager.id: AttendanceStatus.OFF,
    }
    absent = next(r for r in rows if r.employee_id == world.alice.id)
    row = await clock_in(ctx, world, world.alice)
    assert (row.id, row.status) == (absent.id, AttendanceStatus.PRESENT)
    await expect_error(
        ErrorCode.FORBIDDEN,
        attendance_service.create_daily_attendance(ctx, world.caller(world.alice), world.today),
    )


async def test_clock_out_stops_the_running_timer(
    ctx: ServiceContext, world: World, clock: ManualClock, events: Events
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await running_task(ctx, world, world.alice)
    clock.advance(minutes=45)
    row = await attendance_service.clock_out(ctx, world.caller(world.alice))
    assert row.clock_out_at == clock.now()
    assert not row.is_open
    (timer,) = await timer_service.timer_history(ctx, world.caller(world.alice))
    assert timer.state is TimerState.STOPPED
    assert (timer.stop_reason, timer.auto_stopped) == (StopReason.CLOCK_OUT, True)
    held = await task_service.get_task(ctx, world.caller(world.alice), task.id)
    assert held.status is TaskStatus.ON_HOLD
    assert held.actual_seconds == 45 * 60
    stopped = [e for e in await events(world.org.id) if e.name is EventName.TIMER_STOPPED]
    assert [e.payload["stop_reason"] for e in stopped] == ["CLOCK_OUT"]


async def test_auto_stop_stops_at_shift_end_after_the_grace(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    await clock_in(ctx, world, world.bob)
    task = await running_task(ctx, world, world.alice)
    shift_end = clock.now() + timedelta(hours=8)
    clock.advance(hours=8, minutes=10)  # exactly the grace: not yet
    result = await attendance_service.auto_stop_timers(ctx, world.system)
    assert result.stopped == []
    clock.advance(minutes=1)
    result = await attendance_service.auto_stop_timers(ctx, world.system)
    (timer,) = result.stopped
    assert result.failed == {}
    assert timer.task_id == task.id
    assert timer.stopped_at == shift_end
    assert (timer.stop_reason, timer.auto_stopped) == (StopReason.SHIFT_END, True)
    assert durations(timer.intervals, clock.now()).active == timedelta(hours=8)
    held = await task_service.get_task(ctx, world.caller(world.manager), task.id)
    assert held.status is TaskStatus.ON_HOLD
    assert held.status_changed_at == shift_end
    assert held.actual_seconds == 8 * 3600
    again = await attendance_service.auto_stop_timers(ctx, world.system)
    assert again.stopped == []
    await expect_error(
        ErrorCode.FORBIDDEN, attendance_service.auto_stop_timers(ctx, world.caller(world.bob))
    )


async def test_auto_stop_records_one_bad_timer_and_stops_the_others(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Bob's roster entry points at another organization's shift (bad data): his timer is
    reported as failed, Alice's is still stopped at her shift's end."""
    from tests.services.builders import build_world

    for person in (world.alice, world.bob):
        await clock_in(ctx, world, person)
        await running_task(ctx, world, person)
    other = await build_world(ctx)
    async with ctx.uow() as uow:
        entry = await uow.roster.find(world.org.id, world.bob.id, world.today)
        assert entry is not None
        entry.shift_template_id = other.shift.id
        await uow.roster.update(entry)
        await uow.commit()
    clock.advance(hours=8, minutes=11)

    result = await attendance_service.auto_stop_timers(ctx, world.system)

    assert [t.employee_id for t in result.stopped] == [world.alice.id]
    [(failed_timer, why)] = result.failed.items()
    assert why.startswith("NOT_FOUND")
    async with ctx.uow() as uow:
        bobs = await uow.timers.find_active(world.org.id, world.bob.id)
    assert bobs is not None
    assert bobs.id == failed_timer
