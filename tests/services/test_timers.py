"""Timer use cases: the start checks and their order, overrides, state changes, stops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time, timedelta
from decimal import Decimal

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.model import (
    DomainEvent,
    Employee,
    EventName,
    ScoreMetric,
    ScoreMetricName,
    StartCheck,
    StopReason,
    Task,
    TaskStatus,
    TimerState,
)
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.services.scores import ScoreRun, calculate_daily_scores
from jts_domain.timeline import durations
from tests.services.builders import (
    World,
    build_world,
    roster_entry,
    rostered_employee,
)
from tests.services.steps import clock_in, expect_error, latest_timer, resume_work, start_work

pytestmark = pytest.mark.asyncio

Events = Callable[..., Awaitable[list[DomainEvent]]]


async def task_for(ctx: ServiceContext, world: World, employee: Employee) -> Task:
    return await task_service.create_task(
        ctx, world.caller(world.manager), title="Count stock", assignee_id=employee.id
    )


async def assert_not_started(ctx: ServiceContext, world: World, task: Task) -> None:
    after = await task_service.get_task(ctx, world.caller(world.manager), task.id)
    assert (after.status, after.version) == (task.status, task.version)
    async with ctx.uow() as uow:
        assert await uow.timers.list_for_task(world.org.id, task.id) == []


async def test_attendance_is_required_and_checked_first(ctx: ServiceContext, world: World) -> None:
    task = await task_for(ctx, world, world.alice)
    # Bob is not the assignee either: attendance is still the first failure.
    await expect_error(
        ErrorCode.ATTENDANCE_REQUIRED,
        start_work(ctx, world.caller(world.bob), task.id),
    )
    await expect_error(
        ErrorCode.ATTENDANCE_REQUIRED,
        start_work(ctx, world.caller(world.alice), task.id),
    )
    await assert_not_started(ctx, world, task)


async def test_no_shift_after_the_shift_end(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_for(ctx, world, world.alice)
    clock.advance(hours=8, seconds=1)  # 17:00:01
    await expect_error(
        ErrorCode.NO_ACTIVE_SHIFT,
        start_work(ctx, world.caller(world.alice), task.id),
    )
    await assert_not_started(ctx, world, task)


async def test_the_shift_window_opens_fifteen_minutes_early(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    carol = await rostered_employee(ctx, world, time(9, 20), time(17, 20), world.today)
    await clock_in(ctx, world, carol)
    task = await task_for(ctx, world, carol)
    caller = world.caller(carol)
    clock.advance(minutes=4, seconds=59)  # 09:04:59, before 09:20 - 15 min
    await expect_error(ErrorCode.NO_ACTIVE_SHIFT, start_work(ctx, caller, task.id))
    clock.advance(seconds=1)  # 09:05
    timer = await start_work(ctx, caller, task.id)
    assert timer.state is TimerState.RUNNING
    assert timer.skipped_checks == frozenset()


async def test_yesterdays_overnight_shift_counts(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    carol = await rostered_employee(
        ctx, world, time(20, 0), time(10, 0), world.today - timedelta(days=1)
    )
    await clock_in(ctx, world, carol)
    task = await task_for(ctx, world, carol)
    timer = await start_work(ctx, world.caller(carol), task.id)
    assert timer.state is TimerState.RUNNING
    clock.advance(hours=1, minutes=1)  # 10:01, the overnight shift is over
    await timer_service.stop_timer(ctx, world.caller(carol))
    await expect_error(ErrorCode.NO_ACTIVE_SHIFT, resume_work(ctx, world.caller(carol), task.id))


async def test_not_assignee(ctx: ServiceContext, world: World) -> None:
    await clock_in(ctx, world, world.bob)
    task = await task_for(ctx, world, world.alice)
    await expect_error(ErrorCode.NOT_ASSIGNEE, start_work(ctx, world.caller(world.bob), task.id))
    await assert_not_started(ctx, world, task)


async def test_one_timer_at_a_time(ctx: ServiceContext, world: World) -> None:
    await clock_in(ctx, world, world.alice)
    first, second = await task_for(ctx, world, world.alice), await task_for(ctx, world, world.alice)
    alice = world.caller(world.alice)
    await start_work(ctx, alice, first.id)
    await expect_error(
        ErrorCode.TIMER_ALREADY_RUNNING, task_service.start_task(ctx, alice, second.id)
    )
    await assert_not_started(ctx, world, second)


async def test_a_manager_overrides_attendance_and_shift_with_a_reason(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    task = await task_for(ctx, world, world.manager)
    manager = world.caller(world.manager)
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        start_work(ctx, manager, task.id, override_reason="  "),
    )
    timer = await start_work(ctx, manager, task.id, override_reason="stock audit")
    assert timer.skipped_checks == {StartCheck.ATTENDANCE, StartCheck.SHIFT}
    assert timer.override_by == world.manager.id
    assert timer.override_reason == "stock audit"
    stored = await timer_service.current_timer(ctx, manager)
    assert stored is not None
    assert stored.skipped_checks == {StartCheck.ATTENDANCE, StartCheck.SHIFT}
    assert stored.override_reason == "stock audit"


async def test_an_employee_cannot_override(ctx: ServiceContext, world: World) -> None:
    task = await task_for(ctx, world, world.alice)
    await expect_error(
        ErrorCode.FORBIDDEN,
        start_work(ctx, world.caller(world.alice), task.id, override_reason="pls"),
    )
    await assert_not_started(ctx, world, task)


async def test_only_failed_checks_are_recorded_as_skipped(
    ctx: ServiceContext, world: World
) -> None:
    async with ctx.uow() as uow:
        await uow.roster.add(
            roster_entry(
                world.org.id, world.manager.id, world.today, world.shift.id, world.store.id
            )
        )
        await uow.commit()
    task = await task_for(ctx, world, world.manager)
    manager = world.caller(world.manager)
    timer = await start_work(ctx, manager, task.id, override_reason="no phone")
    assert timer.skipped_checks == {StartCheck.ATTENDANCE}


async def test_timer_and_task_move_together(
    ctx: ServiceContext, world: World, clock: ManualClock, events: Events
) -> None:
    await clock_in(ctx, world, world.alice)
    alice = world.caller(world.alice)
    task = await task_for(ctx, world, world.alice)
    timer = await start_work(ctx, alice, task.id)
    steps = [
        (timer_service.start_break, TimerState.ON_BREAK, TaskStatus.IN_PROGRESS),
        (timer_service.end_break, TimerState.RUNNING, TaskStatus.IN_PROGRESS),
        (task_service.pause_task, TimerState.PAUSED, TaskStatus.PAUSED),
        (task_service.resume_task, TimerState.RUNNING, TaskStatus.IN_PROGRESS),
        (timer_service.start_break, TimerState.ON_BREAK, TaskStatus.IN_PROGRESS),
        (task_service.pause_task, TimerState.PAUSED, TaskStatus.PAUSED),
        (timer_service.stop_timer, TimerState.STOPPED, TaskStatus.ON_HOLD),
    ]
    for minutes, (action, timer_state, task_status) in enumerate(steps, start=1):
        clock.advance(minutes=minutes)
        on_task = action in {task_service.pause_task, task_service.resume_task}
        await action(ctx, alice, task.id if on_task else timer.id)  # type: ignore[operator]
        timer = await latest_timer(ctx, alice)
        assert timer.state is timer_state
        assert (await task_service.get_task(ctx, alice, task.id)).status is task_status
    spent = durations(timer.intervals, clock.now())
    assert timer.stopped_at is not None
    assert spent.total == timer.stopped_at - timer.started_at == timedelta(minutes=28)
    assert spent.active == timedelta(minutes=1 + 3 + 5)
    assert spent.break_ == timedelta(minutes=2 + 6)
    assert spent.pause == timedelta(minutes=4 + 7)
    assert (timer.stop_reason, timer.auto_stopped) == (StopReason.MANUAL, False)
    held = await task_service.get_task(ctx, alice, task.id)
    assert held.actual_seconds == spent.active.total_seconds()
    timer_events = [
        e for e in await events(world.org.id) if e.payload.get("timer_id") == str(timer.id)
    ]
    changed = [e for e in timer_events if e.name is EventName.TIMER_STATE_CHANGED]
    assert [e.payload["state"] for e in changed] == ["RUNNING"] + [s[1].value for s in steps]
    (stopped,) = [e for e in timer_events if e.name is EventName.TIMER_STOPPED]
    assert stopped.payload == {
        "timer_id": str(timer.id),
        "employee_id": str(world.alice.id),
        "task_id": str(task.id),
        "state": "STOPPED",
        "active_seconds": 540.0,
        "stop_reason": "MANUAL",
        "auto_stopped": False,
        "business_date": world.today.isoformat(),
        "at": clock.now().isoformat(),
    }


async def test_resuming_a_held_task_starts_a_new_timer(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    alice = world.caller(world.alice)
    task = await task_for(ctx, world, world.alice)
    first = await start_work(ctx, alice, task.id)
    clock.advance(minutes=5)
    await task_service.hold_task(ctx, alice, task.id, "waiting")
    clock.advance(minutes=5)
    second = await resume_work(ctx, alice, task.id)
    assert second.id != first.id
    assert (await task_service.get_task(ctx, alice, task.id)).status is TaskStatus.IN_PROGRESS
    history = await timer_service.timer_history(ctx, alice)
    assert [t.id for t in history] == [second.id, first.id]


async def test_invalid_timer_triggers_list_what_is_allowed(
    ctx: ServiceContext, world: World
) -> None:
    await clock_in(ctx, world, world.alice)
    alice = world.caller(world.alice)
    task = await task_for(ctx, world, world.alice)
    await start_work(ctx, alice, task.id)
    error = await expect_error(ErrorCode.INVALID_TRANSITION, timer_service.end_break(ctx, alice))
    assert error.details["allowed"] == ["pause", "start_break", "stop"]
    error = await expect_error(
        ErrorCode.INVALID_TRANSITION, task_service.resume_task(ctx, alice, task.id)
    )
    assert error.details["state"] == "IN_PROGRESS"
    await expect_error(ErrorCode.NOT_FOUND, timer_service.start_break(ctx, world.caller(world.bob)))


async def test_an_admin_stops_someone_elses_timer(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_for(ctx, world, world.alice)
    timer = await start_work(ctx, world.caller(world.alice), task.id)
    await expect_error(
        ErrorCode.FORBIDDEN, timer_service.stop_timer(ctx, world.caller(world.bob), timer.id)
    )
    clock.advance(minutes=9)
    stopped = await timer_service.stop_timer(ctx, world.caller(world.admin), timer.id)
    assert (stopped.stop_reason, stopped.auto_stopped) == (StopReason.ADMIN, True)
    assert stopped.auto_stop_reason is StopReason.ADMIN
    held = await task_service.get_task(ctx, world.caller(world.admin), task.id)
    assert held.status is TaskStatus.ON_HOLD
    assert held.actual_seconds == 540
    history = await task_service.task_history(ctx, world.caller(world.admin), task.id)
    assert history[-1].actor.id == world.admin.id
    assert history[-1].note == "timer stopped (ADMIN)"


async def test_reading_timers_of_others_needs_reach(ctx: ServiceContext, world: World) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_for(ctx, world, world.alice)
    timer = await start_work(ctx, world.caller(world.alice), task.id)
    current = await timer_service.current_timer(ctx, world.caller(world.manager), world.alice.id)
    assert current is not None
    assert current.id == timer.id
    await expect_error(
        ErrorCode.FORBIDDEN,
        timer_service.current_timer(ctx, world.caller(world.bob), world.alice.id),
    )
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        timer_service.timer_history(ctx, world.caller(world.alice), limit=0),
    )


async def test_the_lead_reaches_back_across_midnight(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Carol's 00:10-08:10 shift belongs to tomorrow; its 15-minute lead opens at 23:55
    today. Clocking in at 23:58 is attendance of tomorrow, a timer started then is hers
    to start, and the shift-end auto-stop finds that shift and stops it at 08:10."""
    tomorrow = world.today + timedelta(days=1)
    carol = await rostered_employee(ctx, world, time(0, 10), time(8, 10), tomorrow)
    clock.advance(hours=14, minutes=58)  # 09:00 + 14:58 = 23:58 today
    await clock_in(ctx, world, carol)
    async with ctx.uow() as uow:
        assert await uow.attendance.find(world.org.id, carol.id, world.today) is None
        row = await uow.attendance.find(world.org.id, carol.id, tomorrow)
    assert row is not None
    assert row.is_open
    task = await task_for(ctx, world, carol)
    timer = await start_work(ctx, world.caller(carol), task.id)
    assert timer.skipped_checks == frozenset()
    clock.advance(hours=8, minutes=23)  # 08:21 tomorrow: past 08:10 + 10 min grace
    result = await attendance_service.auto_stop_timers(ctx, world.system)
    assert result.failed == {}
    assert [t.id for t in result.stopped] == [timer.id]
    assert result.stopped[0].stopped_at == timer.started_at + timedelta(minutes=12, hours=8)
    assert result.stopped[0].stop_reason is StopReason.SHIFT_END


async def test_each_start_check_comes_in_its_order(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """With several checks failing at once, the first in PRODUCT.md's order answers:
    the trigger (INVALID_TRANSITION), attendance, shift, assignee, then the other timer."""
    manager, bob = world.caller(world.manager), world.caller(world.bob)
    alices = await task_for(ctx, world, world.alice)
    cancelled = await task_for(ctx, world, world.alice)
    await task_service.cancel_task(ctx, manager, cancelled.id, "moot")
    # Bob: not clocked in, not the assignee, and the task cannot start at all.
    await expect_error(ErrorCode.INVALID_TRANSITION, start_work(ctx, bob, cancelled.id))
    await clock_in(ctx, world, world.bob)
    bobs = await task_for(ctx, world, world.bob)
    await start_work(ctx, bob, bobs.id)
    # Bob: clocked in and on shift, with a timer running, on Alice's task.
    await expect_error(ErrorCode.NOT_ASSIGNEE, start_work(ctx, bob, alices.id))
    clock.advance(hours=8, seconds=1)  # 17:00:01: the shift is over
    await expect_error(ErrorCode.NO_ACTIVE_SHIFT, start_work(ctx, bob, alices.id))
    await assert_not_started(ctx, world, alices)


async def test_another_organizations_ids_are_not_found(ctx: ServiceContext, world: World) -> None:
    """An admin of another tenant holds every permission, yet our task, timer and people
    answer NOT_FOUND (never FORBIDDEN), and nothing of ours changes."""
    await clock_in(ctx, world, world.alice)
    task = await task_for(ctx, world, world.alice)
    timer = await start_work(ctx, world.caller(world.alice), task.id)
    other = await build_world(ctx)
    admin = other.caller(other.admin)
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: start_work(ctx, admin, task.id, override_reason="audit"),
        lambda: timer_service.stop_timer(ctx, admin, timer.id),
        lambda: timer_service.current_timer(ctx, admin, world.alice.id),
        lambda: timer_service.timer_history(ctx, admin, world.alice.id),
        lambda: task_service.get_task(ctx, admin, task.id),
        lambda: task_service.task_history(ctx, admin, task.id),
        lambda: task_service.pause_task(ctx, admin, task.id),
        lambda: task_service.hold_task(ctx, admin, task.id, "mine now"),
        lambda: task_service.cancel_task(ctx, admin, task.id, "mine now"),
        lambda: task_service.create_task(ctx, admin, title="Theirs", assignee_id=world.alice.id),
        lambda: attendance_service.get_attendance(ctx, admin, world.today, world.alice.id),
    ]
    for call in calls:
        await expect_error(ErrorCode.NOT_FOUND, call())
    current = await timer_service.current_timer(ctx, world.caller(world.alice))
    assert current is not None
    assert (current.id, current.state, current.version) == (timer.id, timer.state, timer.version)
    after = await task_service.get_task(ctx, world.caller(world.alice), task.id)
    assert after.status is TaskStatus.IN_PROGRESS


async def test_an_overridden_start_after_the_shift_is_not_auto_stopped(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """The manager's shift ended at 17:00; at 18:00 they start a timer overriding the shift
    check. The shift-end auto-stop is for work that ran past its shift, so at 18:30 it
    leaves this timer alone instead of stopping it at its own start with nothing counted."""
    async with ctx.uow() as uow:
        await uow.roster.add(
            roster_entry(
                world.org.id, world.manager.id, world.today, world.shift.id, world.store.id
            )
        )
        await uow.commit()
    await clock_in(ctx, world, world.manager)
    task = await task_for(ctx, world, world.manager)
    clock.advance(hours=9)  # 18:00
    manager = world.caller(world.manager)
    timer = await start_work(ctx, manager, task.id, override_reason="inventory")
    assert timer.skipped_checks == {StartCheck.SHIFT}
    clock.advance(minutes=30)
    result = await attendance_service.auto_stop_timers(ctx, world.system)
    assert (result.stopped, result.failed) == ([], {})
    current = await timer_service.current_timer(ctx, manager)
    assert current is not None
    assert current.state is TimerState.RUNNING


async def test_an_overnight_shifts_work_counts_on_the_date_it_starts(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Carol works 22:00-06:00 (Asia/Kolkata, no break) starting today. She runs a timer
    from 22:00 to 03:00 tomorrow: all 300 minutes belong to today's shift, so today's
    utilization is 300/480 = 0.625 and tomorrow (not rostered, no time) has none."""
    carol = await rostered_employee(ctx, world, time(22, 0), time(6, 0), world.today)
    clock.advance(hours=13)  # 22:00 IST today
    await clock_in(ctx, world, carol)
    timer = await start_work(ctx, world.caller(carol), (await task_for(ctx, world, carol)).id)
    assert timer.business_date == world.today
    clock.advance(hours=5)  # 03:00 IST tomorrow
    await timer_service.stop_timer(ctx, world.caller(carol))

    today = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    tomorrow = await calculate_daily_scores(
        ctx, world.system, business_date=world.today + timedelta(days=1)
    )

    def utilization(run: ScoreRun) -> ScoreMetric:
        score = next(s for s in run.scores if s.employee_id == carol.id)
        return next(m for m in score.metrics if m.name is ScoreMetricName.UTILIZATION)

    assert (utilization(today).numerator, utilization(today).denominator) == (300, 480)
    assert utilization(today).value == Decimal("0.625")
    assert utilization(tomorrow).value is None
