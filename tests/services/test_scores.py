"""Daily scores: a day a person can check by hand, idempotent recalculation, reliability,
events for payroll, reading scores and following them over a range."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    Attendance,
    AttendanceStatus,
    DailyScore,
    EventName,
    ScoreMetricName,
    Task,
    TaskStatus,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.scores import (
    ScoreRun,
    calculate_daily_scores,
    get_daily_score,
    performance,
    trend,
)
from tests.services.builders import World, build_world, roster_entry
from tests.services.conftest import EventsReader
from tests.services.task_records import store_tasks, task_record


def utc(hour: int, minute: int = 0) -> datetime:
    """An instant on Monday 2 March 2026 (UTC; Asia/Kolkata is 5:30 ahead)."""
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


def _timer(world: World, task: Task, *intervals: tuple[TimerState, datetime, datetime]) -> Timer:
    return Timer(
        id=new_id(),
        organization_id=world.org.id,
        employee_id=task.assignee_id or world.alice.id,
        task_id=task.id,
        state=TimerState.STOPPED,
        started_at=intervals[0][1],
        business_date=world.today,
        stopped_at=intervals[-1][2],
        intervals=[TimerInterval(state=s, started_at=a, ended_at=b) for s, a, b in intervals],
    )


def _attendance(world: World, day: date, status: AttendanceStatus) -> Attendance:
    return Attendance(
        id=new_id(),
        organization_id=world.org.id,
        employee_id=world.alice.id,
        business_date=day,
        status=status,
    )


async def _alices_day(ctx: ServiceContext, world: World) -> dict[str, Task]:
    """Alice's Monday (times IST):

    * A: completed 10:00, due 12:00 (on time), SLA 11:00 (met), approved 10:15 with 4/5;
    * B: completed 16:00, due 14:00 (late), no SLA;
    * C: still open, SLA deadline 15:00 fell today (not met);
    * D: cancelled (never counts).

    Timers: 120 min running on A (09:00-11:00) then 30 min paused, 60 min running on B.
    """
    created = utc(3, 0)
    kw = {"assignee": world.alice, "planned_date": world.today}
    tasks = {
        "A": task_record(
            world,
            created,
            **kw,
            status=TaskStatus.COMPLETED,
            completed_at=utc(4, 30),
            due_at=utc(6, 30),
            sla_deadline=utc(5, 30),
            approved_at=utc(4, 45),
            quality_rating=4,
        ),
        "B": task_record(
            world,
            created,
            **kw,
            status=TaskStatus.COMPLETED,
            completed_at=utc(10, 30),
            due_at=utc(8, 30),
        ),
        "C": task_record(world, created, **kw, sla_deadline=utc(9, 30)),
        "D": task_record(world, created, **kw, status=TaskStatus.CANCELLED),
    }
    await store_tasks(ctx, *tasks.values())
    async with ctx.uow() as uow:
        await uow.timers.add(
            _timer(
                world,
                tasks["A"],
                (TimerState.RUNNING, utc(3, 30), utc(5, 30)),
                (TimerState.PAUSED, utc(5, 30), utc(6, 0)),
            )
        )
        await uow.timers.add(_timer(world, tasks["B"], (TimerState.RUNNING, utc(7), utc(8))))
        await uow.commit()
    return tasks


async def test_a_day_scores_with_a_breakdown_a_person_can_check(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Alice: completion 2/3 (D is cancelled), timeliness 1/2 (B was late), utilization
    180/450 = 0.4, sla 1/2 (A met, C missed), quality 4/5 = 0.8. All five are defined, so
    Σw = 1 and the score is 100 × (0.3·2/3 + 0.2·0.5 + 0.2·0.4 + 0.2·0.5 + 0.1·0.8)
    = 20 + 10 + 8 + 10 + 8 = 56.00. Each contribution is shown from the displayed value
    (2/3 shows as 0.6667, so 100 × 0.3 × 0.6667 = 20.001)."""
    await _alices_day(ctx, world)
    clock.set(utc(17, 30))  # 23:00 IST, when the job runs

    run = await calculate_daily_scores(ctx, world.system, business_date=world.today)

    alice = next(s for s in run.scores if s.employee_id == world.alice.id)
    assert alice.score == Decimal("56.00")
    breakdown = {m.name: m for m in alice.metrics}
    assert [
        (breakdown[n].numerator, breakdown[n].denominator, breakdown[n].contribution)
        for n in ScoreMetricName
    ] == [
        (Decimal(2), Decimal(3), Decimal("20.001")),
        (Decimal(1), Decimal(2), Decimal(10)),
        (Decimal(180), Decimal(450), Decimal(8)),
        (Decimal(1), Decimal(2), Decimal(10)),
        (Decimal(4), Decimal(5), Decimal(8)),
    ]
    assert breakdown[ScoreMetricName.UTILIZATION].value == Decimal("0.4")
    stored = await get_daily_score(
        ctx, world.caller(world.alice), employee_id=world.alice.id, business_date=world.today
    )
    assert stored == alice


async def test_undefined_metrics_do_not_count_and_no_metric_means_no_score(
    ctx: ServiceContext, world: World
) -> None:
    """Bob is rostered but did nothing: only utilization (0/450) is defined, so his score is
    0.00. The manager is neither rostered nor assigned anything: no score at all (None)."""
    run = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    by_employee = {s.employee_id: s for s in run.scores}
    bob = by_employee[world.bob.id]
    assert bob.score == Decimal("0.00")
    defined = {m.name for m in bob.metrics if m.value is not None}
    assert defined == {ScoreMetricName.UTILIZATION}
    manager = by_employee[world.manager.id]
    assert manager.score is None
    assert all(m.value is None and m.contribution == 0 for m in manager.metrics)
    assert (run.scored, run.unscored) == (2, 2)


async def test_recalculation_keeps_the_same_rows_and_ids(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    tasks = await _alices_day(ctx, world)
    clock.set(utc(17, 30))
    first = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    clock.advance(minutes=30)
    second = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    assert second.scores == first.scores  # same ids, same numbers, same calculated_at

    async with ctx.uow() as uow:
        c = await uow.tasks.get(world.org.id, tasks["C"].id)
        c.status, c.completed_at = TaskStatus.COMPLETED, utc(9)
        await uow.tasks.update(c)
        await uow.commit()
    third = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    before = next(s for s in first.scores if s.employee_id == world.alice.id)
    after = next(s for s in third.scores if s.employee_id == world.alice.id)
    assert after.id == before.id
    # completion 3/3, timeliness 2/3, sla 2/2: 30 + 13.33 + 8 + 20 + 8 = 79.33
    assert after.score == Decimal("79.33")
    assert after.calculated_at == clock.now() != before.calculated_at
    async with ctx.uow() as uow:
        rows = await uow.scores.list_range(world.org.id, [world.alice.id], world.today, world.today)
    assert rows == [after]


async def test_a_recalculation_rewrites_the_scores_that_changed_and_only_those(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Alice's task C is completed after the first run: her score changes, Bob's does not.
    Then Bob's attendance today is recorded: only his reliability (0.00 -> 100.00) changes.
    A changed score keeps its id and takes the new calculated_at; an unchanged one keeps
    both, in the run's answer and in the store alike."""
    tasks = await _alices_day(ctx, world)
    clock.set(utc(17, 30))
    first = {s.employee_id: s for s in (await _run(ctx, world)).scores}

    clock.advance(minutes=10)
    async with ctx.uow() as uow:
        c = await uow.tasks.get(world.org.id, tasks["C"].id)
        c.status, c.completed_at = TaskStatus.COMPLETED, utc(9)
        await uow.tasks.update(c)
        await uow.commit()
    second = {s.employee_id: s for s in (await _run(ctx, world)).scores}
    assert second[world.alice.id].score == Decimal("79.33")
    assert second[world.alice.id].calculated_at == clock.now()
    assert second[world.bob.id] == first[world.bob.id]
    assert second[world.manager.id] == first[world.manager.id]

    clock.advance(minutes=10)
    async with ctx.uow() as uow:
        bob_present = _attendance(world, world.today, AttendanceStatus.PRESENT)
        bob_present.employee_id = world.bob.id
        await uow.attendance.add(bob_present)
        await uow.commit()
    third = {s.employee_id: s for s in (await _run(ctx, world)).scores}
    bob = third[world.bob.id]
    assert (bob.id, bob.score, bob.reliability) == (first[world.bob.id].id, Decimal(0), 100)
    assert bob.calculated_at == clock.now()
    assert third[world.alice.id] == second[world.alice.id]

    async with ctx.uow() as uow:
        stored = await uow.scores.list_range(world.org.id, list(third), world.today, world.today)
    assert {s.employee_id: s for s in stored} == third


async def _run(ctx: ServiceContext, world: World) -> ScoreRun:
    return await calculate_daily_scores(ctx, world.system, business_date=world.today)


async def test_storing_a_score_again_updates_the_stored_row_in_place(
    ctx: ServiceContext, world: World
) -> None:
    """The repository keeps a stored score's id whatever id it is given, and its
    calculated_at while what it shows stays the same; it answers the scores it stored
    otherwise than given (none for a new one)."""
    first = _score(world, world.alice.id, world.today, "60.00")
    same = replace(first, id=new_id(), calculated_at=utc(18))
    different = replace(first, id=new_id(), score=Decimal("61.00"), calculated_at=utc(19))
    async with ctx.uow() as uow:
        answers = [await uow.scores.upsert_many([s]) for s in (first, same, different)]
        assert uow.scores.fingerprint(first) == uow.scores.fingerprint(same)
        assert uow.scores.fingerprint(first) != uow.scores.fingerprint(different)
        fingerprints = [uow.scores.fingerprint(s) for s in (same, different)]
        await uow.commit()
    assert answers[0] == []
    assert [(a.id, a.calculated_at, a.fingerprint) for [a] in answers[1:]] == [
        (first.id, utc(17, 30), fingerprints[0]),
        (first.id, utc(19), fingerprints[1]),
    ]
    stored = await get_daily_score(
        ctx, world.caller(world.alice), employee_id=world.alice.id, business_date=world.today
    )
    assert stored == replace(different, id=first.id)


async def test_one_event_per_employee_and_calculation(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    await _alices_day(ctx, world)
    clock.set(utc(17, 30))
    run = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    calculated = [
        e for e in await events(world.org.id) if e.name is EventName.DAILY_SCORE_CALCULATED
    ]
    assert len(calculated) == len(run.scores) == 4
    payloads = {e.payload["employee_id"]: e.payload for e in calculated}
    assert payloads[str(world.alice.id)]["score"] == "56.00"
    assert payloads[str(world.manager.id)]["score"] is None
    assert payloads[str(world.alice.id)]["business_date"] == "2026-03-02"
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    assert len(await events(world.org.id)) == 8


async def test_the_collector_is_paused_while_a_day_is_calculated_and_resumed_after(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Two calculations running at once both find the collector paused when they open
    their unit of work; it runs again once both have ended, also after one that failed."""
    await _alices_day(ctx, world)
    clock.set(utc(17, 30))
    seen: list[bool] = []

    def observed_uow() -> UnitOfWork:
        seen.append(gc.isenabled())
        return ctx.uow()

    observed = ServiceContext(uow=observed_uow, clock=clock)
    assert gc.isenabled()
    first, second = await asyncio.gather(
        calculate_daily_scores(observed, world.system, business_date=world.today),
        calculate_daily_scores(observed, world.system, business_date=world.today),
    )
    assert seen == [False, False]
    assert gc.isenabled()
    assert {s.employee_id: s.score for s in first.scores} == {
        s.employee_id: s.score for s in second.scores
    }

    unknown = Caller.system(new_id())  # an organization that does not exist
    with pytest.raises(DomainError):
        await calculate_daily_scores(observed, unknown, business_date=world.today)
    assert seen == [False, False, False]
    assert gc.isenabled()


async def test_a_collector_disabled_before_a_calculation_stays_disabled(
    ctx: ServiceContext, world: World
) -> None:
    gc.disable()
    try:
        await calculate_daily_scores(ctx, world.system, business_date=world.today)
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_reliability_covers_the_trailing_thirty_days(
    ctx: ServiceContext, world: World
) -> None:
    """Alice: rostered today (PRESENT) and yesterday (LATE): 1 of 2 punctual = 50.00. A
    PRESENT day 30 days back is outside the window. Bob: rostered, never present: 0.00.
    The manager was never rostered: None."""
    yesterday = world.today - timedelta(days=1)
    long_ago = world.today - timedelta(days=30)
    async with ctx.uow() as uow:
        for day in (yesterday, long_ago):
            await uow.roster.add(
                roster_entry(world.org.id, world.alice.id, day, world.shift.id, world.store.id)
            )
        await uow.attendance.add(_attendance(world, world.today, AttendanceStatus.PRESENT))
        await uow.attendance.add(_attendance(world, yesterday, AttendanceStatus.LATE))
        await uow.attendance.add(_attendance(world, long_ago, AttendanceStatus.PRESENT))
        await uow.commit()
    run = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    reliability = {s.employee_id: s.reliability for s in run.scores}
    assert reliability[world.alice.id] == Decimal("50.00")
    assert reliability[world.bob.id] == Decimal("0.00")
    assert reliability[world.manager.id] is None


async def test_scores_are_calculated_by_permission_and_read_within_reach(
    ctx: ServiceContext, world: World
) -> None:
    alice = world.caller(world.alice)
    assert await _code(calculate_daily_scores(ctx, alice, business_date=world.today)) is (
        ErrorCode.FORBIDDEN
    )
    manager = world.caller(world.manager)
    assert await _code(calculate_daily_scores(ctx, manager, business_date=world.today)) is (
        ErrorCode.FORBIDDEN
    )
    await calculate_daily_scores(ctx, world.caller(world.admin), business_date=world.today)
    day = {"employee_id": world.alice.id, "business_date": world.today}
    assert await get_daily_score(ctx, manager, **day) is not None
    assert await _code(get_daily_score(ctx, world.caller(world.bob), **day)) is (
        ErrorCode.FORBIDDEN
    )
    other = await build_world(ctx)
    assert await _code(get_daily_score(ctx, world.caller(other.admin), **day)) is (
        ErrorCode.NOT_FOUND
    )
    tomorrow = {"employee_id": world.alice.id, "business_date": world.today + timedelta(days=1)}
    assert await get_daily_score(ctx, alice, **tomorrow) is None


def _score(world: World, employee_id: object, day: date, value: str | None) -> DailyScore:
    return DailyScore(
        id=new_id(),
        organization_id=world.org.id,
        employee_id=employee_id,  # type: ignore[arg-type]
        business_date=day,
        score=None if value is None else Decimal(value),
        metrics=(),
        reliability=None,
        calculated_at=utc(17, 30),
    )


async def test_performance_over_a_range_with_average_and_trend(
    ctx: ServiceContext, world: World
) -> None:
    """Alice over four days: 60, (no score), 70, 80: average 70.00; the second half's mean
    daily average (75) minus the first half's (60) is a trend of +15.00. Bob scored 40 on
    day 1 and 90 on day 4, so the department's daily averages are 50, -, 70, 85."""
    days = [world.today - timedelta(days=3 - i) for i in range(4)]
    rows = [
        _score(world, world.alice.id, days[0], "60"),
        _score(world, world.alice.id, days[1], None),
        _score(world, world.alice.id, days[2], "70"),
        _score(world, world.alice.id, days[3], "80"),
        _score(world, world.bob.id, days[0], "40"),
        _score(world, world.bob.id, days[3], "90"),
    ]
    async with ctx.uow() as uow:
        await uow.scores.upsert_many(rows)
        await uow.commit()
    span = {"date_from": days[0], "date_to": days[3]}
    own = await performance(ctx, world.caller(world.alice), **span)
    assert (own.average, own.trend) == (Decimal("70.00"), Decimal("15.00"))
    assert [d.average for d in own.days] == [Decimal(60), None, Decimal(70), Decimal(80)]
    team = await performance(
        ctx, world.caller(world.manager), **span, department_id=world.department.id
    )
    assert [d.average for d in team.days] == [Decimal(50), None, Decimal(70), Decimal(85)]
    assert team.average == Decimal("68.00")  # (60 + 70 + 80 + 40 + 90) / 5
    assert team.trend == Decimal("27.50")  # mean(70, 85) - mean(50)


async def test_performance_checks_its_range_and_who_may_see_it(
    ctx: ServiceContext, world: World
) -> None:
    bob = world.caller(world.bob)
    span = {"date_from": world.today, "date_to": world.today}
    backwards = performance(
        ctx, bob, date_from=world.today, date_to=world.today - timedelta(days=1)
    )
    assert await _code(backwards) is ErrorCode.VALIDATION_ERROR
    too_long = performance(
        ctx, bob, date_from=world.today - timedelta(days=400), date_to=world.today
    )
    assert await _code(too_long) is ErrorCode.VALIDATION_ERROR
    both = performance(
        ctx, bob, **span, employee_id=world.bob.id, department_id=world.department.id
    )
    assert await _code(both) is ErrorCode.VALIDATION_ERROR
    assert await _code(performance(ctx, bob, **span, employee_id=world.alice.id)) is (
        ErrorCode.FORBIDDEN
    )
    assert await _code(performance(ctx, bob, **span, department_id=world.department.id)) is (
        ErrorCode.FORBIDDEN
    )
    other = await build_world(ctx)
    foreign = performance(ctx, world.caller(other.admin), **span, department_id=world.department.id)
    assert await _code(foreign) is ErrorCode.NOT_FOUND


def test_trend_is_the_second_half_minus_the_first() -> None:
    assert trend([Decimal(80), Decimal(70), Decimal(60), Decimal(65)]) == Decimal("-12.50")
    assert trend([Decimal(10), Decimal(99), Decimal(20)]) == Decimal("10.00")  # middle skipped
    assert trend([None, Decimal(50)]) is None
    assert trend([]) is None


def test_a_half_cent_average_rounds_up_as_scores_do() -> None:
    """Averages and trends are in score points, rounded like the scores: 25.185 → 25.19
    (not to the even 25.18)."""
    assert trend([Decimal(0), Decimal("25.185")]) == Decimal("25.19")
    assert trend([Decimal("25.185"), Decimal(0)]) == Decimal("-25.19")
