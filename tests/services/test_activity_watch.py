"""Idle and overtime alerts, auto-pause, daily summaries, presence and month storage,
on both adapters, with the manual clock (09:00 IST on Monday 2 March 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from jts_domain.activity.ingest import upload_activity
from jts_domain.activity.model import PresenceState
from jts_domain.activity.reads import activity_summary, team_presence
from jts_domain.activity.storage import maintain_activity_partitions
from jts_domain.activity.summaries import summarize_activity
from jts_domain.activity.watch import check_overtime, detect_idle
from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.model import (
    ActorType,
    Alert,
    AlertKind,
    EventName,
    OrganizationSettings,
    TaskStatus,
)
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.services.alerts import resolve_alert
from jts_domain.timeline import durations
from tests.services.activity_steps import beat, start_working
from tests.services.builders import World, build_world
from tests.services.conftest import EventsReader
from tests.services.steps import clock_in, expect_error

_MINUTE = timedelta(minutes=1)


async def _alerts(ctx: ServiceContext, world: World, kind: AlertKind) -> list[Alert]:
    async with ctx.uow() as uow:
        rows = await uow.alerts.recent(world.org.id, limit=100)
    return sorted((a for a in rows if a.kind is kind), key=lambda a: a.created_at)


async def test_one_idle_alert_per_spell_resolved_when_activity_resumes(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    working = await start_working(ctx, world)
    await start_working(ctx, world, world.bob)  # no client: never idle
    start = clock.now()
    alice = world.caller(world.alice)
    await upload_activity(ctx, alice, [beat(start, 60)])
    clock.set(start + 5 * _MINUTE + timedelta(seconds=59))
    assert (await detect_idle(ctx, world.org.id)).raised == ()  # idle 4:59 only
    clock.set(start + 6 * _MINUTE)
    first = await detect_idle(ctx, world.org.id)
    assert (first.checked, first.idle, len(first.raised)) == (2, 1, 1)
    clock.advance(minutes=2)
    assert (await detect_idle(ctx, world.org.id)).raised == ()  # the same spell
    [alert] = await _alerts(ctx, world, AlertKind.IDLE)
    assert (alert.timer_id, alert.task_id, alert.employee_id) == (
        working.timer.id,
        working.task.id,
        world.alice.id,
    )
    assert (alert.idle_since, alert.resolved_at) == (start + _MINUTE, None)
    await upload_activity(ctx, alice, [beat(clock.now(), 30)])  # activity resumes
    [alert] = await _alerts(ctx, world, AlertKind.IDLE)
    assert alert.resolved_at == clock.now()
    assert alert.resolved_by is not None
    assert alert.resolved_by.type is ActorType.SYSTEM
    clock.advance(minutes=6)
    again = await detect_idle(ctx, world.org.id)
    assert [a.idle_since for a in again.raised] == [start + 8 * _MINUTE + timedelta(seconds=30)]
    names = [e.name for e in await events(world.org.id)]
    assert names.count(EventName.ALERT_RAISED) == 2
    assert names.count(EventName.ALERT_RESOLVED) == 1


async def test_resolving_an_alert_by_hand(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await start_working(ctx, world)
    await upload_activity(ctx, world.caller(world.alice), [beat(clock.now(), 30)])
    clock.advance(minutes=10)
    [alert] = (await detect_idle(ctx, world.org.id)).raised
    await expect_error(ErrorCode.FORBIDDEN, resolve_alert(ctx, world.caller(world.alice), alert.id))
    done = await resolve_alert(ctx, world.caller(world.manager), alert.id)
    assert done.resolved_by is not None
    assert done.resolved_by.id == world.manager.id
    clock.advance(minutes=1)
    again = await resolve_alert(ctx, world.caller(world.admin), alert.id)
    assert (again.resolved_at, again.resolved_by) == (done.resolved_at, done.resolved_by)
    # the spell was alerted once: resolving it does not make the job raise it again
    assert (await detect_idle(ctx, world.org.id)).raised == ()


async def test_auto_pause_turns_the_idle_time_into_paused_time(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    world = await build_world(ctx, OrganizationSettings(idle_auto_pause=True))
    working = await start_working(ctx, world)
    start = clock.now()
    await upload_activity(ctx, world.caller(world.alice), [beat(start, 60)])
    clock.advance(minutes=10)
    run = await detect_idle(ctx, world.org.id)
    assert (len(run.raised), run.paused, run.failed) == (1, (working.timer.id,), {})
    async with ctx.uow() as uow:
        timer = await uow.timers.get(world.org.id, working.timer.id)
        task = await uow.tasks.get(world.org.id, working.task.id)
        history = await uow.tasks.history(world.org.id, working.task.id)
    assert timer.intervals[-1].started_at == start + _MINUTE  # paused as of the last activity
    assert task.status is TaskStatus.PAUSED
    assert history[-1].note is not None
    assert history[-1].note.startswith("IDLE")
    assert (await detect_idle(ctx, world.org.id)).paused == ()  # paused timers are not idle
    clock.advance(minutes=2)
    await task_service.resume_task(ctx, world.caller(world.alice), working.task.id)
    clock.advance(minutes=8)
    stopped = await timer_service.stop_timer(ctx, world.caller(world.alice))
    spent = durations(stopped.intervals, clock.now())
    assert (spent.active, spent.pause) == (9 * _MINUTE, 11 * _MINUTE)
    assert spent.total == stopped.stopped_at - stopped.started_at  # type: ignore[operator]


async def test_one_overtime_alert_per_employee_and_day(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    world = await build_world(ctx, OrganizationSettings(overtime_minutes=60))
    await start_working(ctx, world)
    clock.advance(minutes=30)
    await start_working(ctx, world, world.bob)
    clock.advance(minutes=30)
    assert (await check_overtime(ctx, world.org.id)).raised == ()  # exactly 60 minutes
    clock.advance(seconds=1)
    [alert] = (await check_overtime(ctx, world.org.id)).raised
    assert (alert.kind, alert.employee_id, alert.business_date, alert.task_id) == (
        AlertKind.OVERTIME,
        world.alice.id,
        world.today,
        None,
    )
    clock.advance(minutes=30)
    [bobs] = (await check_overtime(ctx, world.org.id)).raised
    assert bobs.employee_id == world.bob.id
    clock.advance(hours=2)
    assert (await check_overtime(ctx, world.org.id)).raised == ()


async def test_the_daily_summary_is_stored_idempotently_and_follows_late_data(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await start_working(ctx, world)
    start = clock.now()
    alice = world.caller(world.alice)
    await upload_activity(ctx, alice, [beat(start, 600)])
    clock.advance(hours=1)
    await timer_service.stop_timer(ctx, alice)
    clock.set(datetime(2026, 3, 2, 18, 40, tzinfo=UTC))  # 00:10 IST on 3 March
    run = await summarize_activity(ctx, world.system, world.today)
    assert run.summarized == {world.today: 1}
    async with ctx.uow() as uow:
        [stored] = await uow.activity.summaries(world.org.id, None, world.today, world.today)
    assert (stored.active_seconds, stored.timer_seconds, stored.settled) == (600.0, 3600.0, True)
    assert await activity_summary(ctx, alice, world.today) == stored
    await summarize_activity(ctx, world.system, world.today)
    async with ctx.uow() as uow:
        assert await uow.activity.summaries(world.org.id, None, world.today, world.today) == [
            stored
        ]
    clock.advance(minutes=5)
    await upload_activity(ctx, alice, [beat(start + 20 * _MINUTE, 300)])  # late: recomputed
    async with ctx.uow() as uow:
        [late] = await uow.activity.summaries(world.org.id, None, world.today, world.today)
    assert (late.active_seconds, late.computed_at) == (900.0, clock.now())
    assert str(late.productivity) == "25.00"


async def test_a_summary_made_while_a_timer_ran_is_made_again_the_next_night(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await start_working(ctx, world)
    alice = world.caller(world.alice)
    await upload_activity(ctx, alice, [beat(clock.now(), 60)])
    clock.set(datetime(2026, 3, 2, 18, 40, tzinfo=UTC))  # 00:10 IST, the timer still runs
    await summarize_activity(ctx, world.system, world.today)
    first = await activity_summary(ctx, alice, world.today)
    async with ctx.uow() as uow:
        [stored] = await uow.activity.summaries(world.org.id, None, world.today, world.today)
    assert stored.settled is False
    clock.advance(minutes=20)
    await timer_service.stop_timer(ctx, alice)
    clock.set(datetime(2026, 3, 3, 18, 40, tzinfo=UTC))
    run = await summarize_activity(ctx, world.system, world.today + timedelta(days=1))
    assert run.summarized[world.today] == 1
    async with ctx.uow() as uow:
        [settled] = await uow.activity.summaries(world.org.id, None, world.today, world.today)
    assert settled.settled is True
    assert settled.timer_seconds == first.timer_seconds + 20 * 60


async def test_presence_follows_attendance_timers_breaks_and_idleness(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    manager = world.caller(world.manager)

    async def states() -> dict[object, PresenceState]:
        found = await team_presence(ctx, manager, world.department.id)
        return {p.employee_id: p.state for p in found}

    start = clock.now()
    assert (await states())[world.alice.id] is PresenceState.OFFLINE
    await clock_in(ctx, world, world.bob)
    assert (await states())[world.bob.id] is PresenceState.ON_SHIFT
    await start_working(ctx, world)
    await upload_activity(ctx, world.caller(world.alice), [beat(start, 60)])
    assert (await states())[world.alice.id] is PresenceState.WORKING
    clock.advance(minutes=6)
    assert (await states())[world.alice.id] is PresenceState.IDLE
    await timer_service.start_break(ctx, world.caller(world.alice))
    assert (await states())[world.alice.id] is PresenceState.ON_BREAK
    [alice] = await team_presence(ctx, world.caller(world.alice))
    assert (alice.employee_id, alice.since) == (world.alice.id, clock.now())
    await expect_error(
        ErrorCode.FORBIDDEN, team_presence(ctx, world.caller(world.alice), world.department.id)
    )


async def test_month_storage_is_made_ahead_and_old_data_goes(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    world = await build_world(ctx, OrganizationSettings(activity_retention_months=1))
    await build_world(ctx)  # another organization keeps 13 months: the months stay
    await start_working(ctx, world)
    await upload_activity(ctx, world.caller(world.alice), [beat(clock.now(), 60)])
    async with ctx.uow() as uow:
        await uow.activity.create_months([date(2024, 1, 1)])
        await uow.commit()
    clock.set(datetime(2026, 5, 10, tzinfo=UTC))
    run = await maintain_activity_partitions(ctx, world.org.id)
    assert date(2024, 1, 1) in run.dropped
    assert run.deleted == 1  # March is older than this organization's one month
    async with ctx.uow() as uow:
        months = set(await uow.activity.storage_months())
    assert {date(2026, m, 1) for m in (3, 5, 6, 7, 8)} <= months
    assert date(2024, 1, 1) not in months
    again = await maintain_activity_partitions(ctx, world.org.id)
    assert (again.created, again.dropped, again.deleted) == ((), (), 0)
