"""Retention on both adapters: exactly what is older than the limits goes, with what it
owns, in batches; scores, attendance and the audit log stay.

The clock reads Monday 2 March 2026 (IST). Tasks keep 365 days: the first day kept is
2 March 2025, so a task finished at 23:59 IST on 1 March 2025 goes and one finished at
00:00 IST on 2 March 2025 (still 1 March in UTC) stays. Timers keep 183 days: the first
day kept is 31 August 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    SYSTEM_ACTOR,
    Alert,
    AlertKind,
    DailyScore,
    OrganizationSettings,
    SlaStatus,
    StatusChange,
    Task,
    TaskStatus,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_domain.retention.rules import Removed
from jts_domain.retention.use_cases import apply_retention
from jts_domain.services import ServiceContext
from jts_domain.services.audit import audit_log
from tests.services.builders import World, build_world
from tests.services.steps import expect_error
from tests.services.task_records import store_tasks, task_record


def ist(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An IST wall time as a UTC instant (IST is UTC+5:30, no DST)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=5, minutes=30)


def _finished(world: World, at: datetime, status: TaskStatus = TaskStatus.COMPLETED) -> Task:
    return task_record(
        world,
        at - timedelta(days=1),
        assignee=world.alice,
        status=status,
        status_changed_at=at,
        completed_at=at if status is TaskStatus.COMPLETED else None,
    )


def _timer(world: World, task: Task, day: date) -> Timer:
    start = ist(day.year, day.month, day.day, 10)
    middle, end = start + timedelta(minutes=30), start + timedelta(minutes=40)
    return Timer(
        id=new_id(),
        organization_id=world.org.id,
        employee_id=world.alice.id,
        task_id=task.id,
        state=TimerState.STOPPED,
        started_at=start,
        business_date=day,
        stopped_at=end,
        intervals=[
            TimerInterval(state=TimerState.RUNNING, started_at=start, ended_at=middle),
            TimerInterval(state=TimerState.PAUSED, started_at=middle, ended_at=end),
            TimerInterval(state=TimerState.STOPPED, started_at=end, ended_at=end),
        ],
    )


def _history(world: World, task: Task) -> StatusChange:
    return StatusChange(
        id=new_id(),
        organization_id=world.org.id,
        task_id=task.id,
        from_status=TaskStatus.IN_PROGRESS,
        to_status=task.status,
        at=task.status_changed_at,
        actor=SYSTEM_ACTOR,
        note=None,
        seconds_in_previous=60.0,
    )


@dataclass(frozen=True)
class OldRecords:
    """What :func:`old_records` stored."""

    gone: Task
    cancelled: Task
    kept: Task
    open: Task
    timers: dict[str, Timer]


async def old_records(ctx: ServiceContext, world: World) -> OldRecords:
    gone = _finished(world, ist(2025, 3, 1, 23, 59))
    cancelled = _finished(world, ist(2024, 6, 1), TaskStatus.CANCELLED)
    kept = _finished(world, ist(2025, 3, 2, 0, 0))
    open_task = task_record(world, ist(2024, 1, 1), assignee=world.alice, status=TaskStatus.ON_HOLD)
    await store_tasks(ctx, gone, cancelled, kept, open_task)
    timers = {
        "of_gone": _timer(world, gone, date(2025, 3, 1)),
        "old_of_kept": _timer(world, kept, date(2025, 8, 30)),
        "boundary_of_kept": _timer(world, kept, date(2025, 8, 31)),
        "old_of_open": _timer(world, open_task, date(2024, 1, 1)),
    }
    score = DailyScore(
        id=new_id(),
        organization_id=world.org.id,
        employee_id=world.alice.id,
        business_date=date(2025, 3, 1),
        score=Decimal("80.00"),
        metrics=(),
        reliability=None,
        calculated_at=ist(2025, 3, 1, 23),
    )
    alert = Alert(
        id=new_id(),
        organization_id=world.org.id,
        kind=AlertKind.SLA_BREACHED,
        task_id=gone.id,
        employee_id=world.alice.id,
        sla_status=SlaStatus.BREACHED,
        message="late",
        created_at=ist(2025, 3, 1, 12),
    )
    idle = Alert(
        id=new_id(),
        organization_id=world.org.id,
        kind=AlertKind.IDLE,
        task_id=None,
        employee_id=world.alice.id,
        sla_status=None,
        message="idle",
        created_at=ist(2025, 8, 30, 10, 20),
        timer_id=timers["old_of_kept"].id,
        idle_since=ist(2025, 8, 30, 10, 10),
    )
    async with ctx.uow() as uow:
        for timer in timers.values():
            await uow.timers.add(timer)
        await uow.alerts.add_if_new(idle)
        for task in (gone, cancelled, kept):
            await uow.tasks.add_history(_history(world, task))
        await uow.scores.upsert_many([score])
        await uow.alerts.add_if_new(alert)
        await uow.commit()
    return OldRecords(gone, cancelled, kept, open_task, timers)


async def test_exactly_what_is_older_than_the_limits_goes(
    ctx: ServiceContext, world: World
) -> None:
    old = await old_records(ctx, world)
    result = await apply_retention(ctx, world.system, batch_size=1)
    assert (result.task_cutoff, result.timer_cutoff) == (date(2025, 3, 2), date(2025, 8, 31))
    # two tasks (one timer, three intervals, two history rows, one SLA alert), then one
    # timer (three intervals, its IDLE alert)
    assert result.removed == Removed(tasks=2, timers=2, intervals=6, history=2, alerts=2)
    assert result.batches == 3
    org = world.org.id
    async with ctx.uow() as uow:
        every = [old.gone.id, old.cancelled.id, old.kept.id, old.open.id]
        left = {t.id for t in await uow.tasks.get_many(org, every)}
        kept_timers = await uow.timers.list_for_task(org, old.kept.id)
        open_timers = await uow.timers.list_for_task(org, old.open.id)
        histories = await uow.tasks.histories(org, every)
        alerts = await uow.alerts.recent(org)
        score = await uow.scores.find(org, world.alice.id, date(2025, 3, 1))
    assert left == {old.kept.id, old.open.id}
    assert [t.id for t in kept_timers] == [old.timers["boundary_of_kept"].id]
    assert len(kept_timers[0].intervals) == 3
    assert [t.id for t in open_timers] == [old.timers["old_of_open"].id]
    assert set(histories) == {old.kept.id}
    assert alerts == []
    assert score is not None
    assert score.score == Decimal("80.00")
    [entry] = (await audit_log(ctx, world.caller(world.admin))).items
    assert (entry.action, entry.actor.type.value) == ("retention.apply", "SYSTEM")
    assert entry.summary.startswith("2 tasks finished before 2025-03-02 and 2 timers")

    again = await apply_retention(ctx, world.system)
    assert (again.removed, again.batches) == (Removed(), 0)
    assert len((await audit_log(ctx, world.caller(world.admin))).items) == 1


async def test_retention_follows_the_settings_and_needs_org_manage(ctx: ServiceContext) -> None:
    world = await build_world(
        ctx, OrganizationSettings(task_retention_days=30, timer_retention_days=10)
    )
    await expect_error(ErrorCode.FORBIDDEN, apply_retention(ctx, world.caller(world.manager)))
    # 30 days before 2 March 2026 is 31 January: finished on the 30th goes, the 31st stays
    gone, kept = _finished(world, ist(2026, 1, 30, 12)), _finished(world, ist(2026, 1, 31, 12))
    await store_tasks(ctx, gone, kept)
    async with ctx.uow() as uow:
        await uow.timers.add(_timer(world, kept, date(2026, 2, 19)))
        await uow.timers.add(_timer(world, kept, date(2026, 2, 20)))
        await uow.commit()
    result = await apply_retention(ctx, world.system)
    assert (result.task_cutoff, result.timer_cutoff) == (date(2026, 1, 31), date(2026, 2, 20))
    assert result.removed == Removed(tasks=1, timers=1, intervals=3)
    async with ctx.uow() as uow:
        assert [t.business_date for t in await uow.timers.list_for_task(world.org.id, kept.id)] == [
            date(2026, 2, 20)
        ]
