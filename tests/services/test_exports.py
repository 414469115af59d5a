"""Exports on both adapters: the cells of each kind worked out from a day a person can
follow, the order of rows, the caller's reach, bad parameters refused and audited once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.exports.model import EXPORT_COLUMNS, ExportKind, ExportScope, plain_number
from jts_domain.exports.use_cases import export_rows, prepare_export
from jts_domain.ids import new_id
from jts_domain.model import Employee, Role, ScoreMetricName
from jts_domain.services import Caller, ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.audit import audit_log
from jts_domain.services.scores import calculate_daily_scores, get_daily_score
from tests.services.builders import World, roster_entry
from tests.services.steps import clock_in, expect_error

DAY = date(2026, 3, 2)


async def _rows(
    ctx: ServiceContext, scope: ExportScope, batch_size: int = 2
) -> list[list[str | None]]:
    return [
        list(row) async for batch in export_rows(ctx, scope, batch_size=batch_size) for row in batch
    ]


async def _export(
    ctx: ServiceContext, caller: Caller, kind: ExportKind, **kw: object
) -> list[dict[str, str | None]]:
    scope = await prepare_export(ctx, caller, kind=kind, date_from=DAY, date_to=DAY, **kw)  # type: ignore[arg-type]
    names = [c.name for c in EXPORT_COLUMNS[kind]]
    return [dict(zip(names, row, strict=True)) for row in await _rows(ctx, scope)]


async def _loner(ctx: ServiceContext, world: World) -> Employee:
    """An employee of no department, rostered today like the others."""
    carol = Employee(
        id=new_id(),
        organization_id=world.org.id,
        email=f"carol-{new_id().hex[:8]}@example.test",
        name="Carol",
        role=Role.EMPLOYEE,
        created_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        await uow.employees.add(carol)
        await uow.commit()
    return carol


async def _working_day(ctx: ServiceContext, clock: ManualClock, world: World) -> dict[str, object]:
    """Times IST. Alice clocks in at 09:00, starts her task at 09:05, pauses at 09:35,
    resumes at 09:45, completes at 10:05: 50 min active (3000 s), 10 min paused (600 s).
    Bob starts at 10:05 and is still running at 10:20 when the export is read: 900 s."""
    admin = world.caller(world.admin)
    alice, bob = world.caller(world.alice), world.caller(world.bob)
    hers = await task_service.create_task(
        ctx, admin, title="Count the float", assignee_id=world.alice.id, planned_date=DAY
    )
    his = await task_service.create_task(
        ctx,
        admin,
        title="Restock",
        assignee_id=world.bob.id,
        planned_date=DAY,
        estimated_minutes=45,
    )
    await clock_in(ctx, world, world.alice)
    await clock_in(ctx, world, world.bob)
    clock.advance(minutes=5)
    await task_service.start_task(ctx, alice, hers.id)
    clock.advance(minutes=30)
    await task_service.pause_task(ctx, alice, hers.id)
    clock.advance(minutes=10)
    await task_service.resume_task(ctx, alice, hers.id)
    clock.advance(minutes=20)
    await task_service.complete_task(ctx, alice, hers.id)
    await task_service.start_task(ctx, bob, his.id)
    clock.advance(minutes=15)
    return {"hers": hers, "his": his}


async def test_timesheets_hold_each_timer_worked_out_by_hand(
    ctx: ServiceContext, clock: ManualClock, world: World
) -> None:
    tasks = await _working_day(ctx, clock, world)
    rows = await _export(ctx, world.caller(world.admin), ExportKind.TIMESHEETS)
    assert [r["employee_name"] for r in rows] == ["Alice", "Bob"]
    alice, bob = rows
    assert alice == alice | {
        "business_date": "2026-03-02",
        "employee_id": str(world.alice.id),
        "employee_email": world.alice.email,
        "department": "Sales",
        "task_id": str(tasks["hers"].id),  # type: ignore[attr-defined]
        "task_title": "Count the float",
        "state": "STOPPED",
        "started_at": "2026-03-02T09:05:00+05:30",
        "stopped_at": "2026-03-02T10:05:00+05:30",
        "active_seconds": "3000",
        "pause_seconds": "600",
        "break_seconds": "0",
        "stop_reason": "TASK",
        "auto_stopped": "false",
    }
    assert bob == bob | {
        "state": "RUNNING",
        "started_at": "2026-03-02T10:05:00+05:30",
        "stopped_at": None,
        "active_seconds": "900",
        "pause_seconds": "0",
        "stop_reason": None,
    }


async def test_reach_is_that_of_the_reads(
    ctx: ServiceContext, clock: ManualClock, world: World
) -> None:
    await _working_day(ctx, clock, world)
    carol = await _loner(ctx, world)
    admin, manager = world.caller(world.admin), world.caller(world.manager)
    task = await task_service.create_task(
        ctx, admin, title="Sweep", assignee_id=carol.id, planned_date=DAY
    )
    async with ctx.uow() as uow:
        await uow.roster.add(
            roster_entry(world.org.id, carol.id, DAY, world.shift.id, world.store.id)
        )
        await uow.commit()
    await clock_in(ctx, world, carol)
    await task_service.start_task(ctx, Caller.of(carol), task.id)

    def names(rows: list[dict[str, str | None]]) -> list[str | None]:
        return [r["employee_name"] for r in rows]

    assert names(await _export(ctx, admin, ExportKind.TIMESHEETS)) == ["Alice", "Bob", "Carol"]
    assert names(await _export(ctx, manager, ExportKind.TIMESHEETS)) == ["Alice", "Bob"]
    alice = world.caller(world.alice)
    assert names(await _export(ctx, alice, ExportKind.TIMESHEETS)) == ["Alice"]
    assert names(await _export(ctx, alice, ExportKind.ATTENDANCE)) == ["Alice"]
    sales = {"department_id": world.department.id}
    by_id = [e.name for e in sorted([world.alice, world.bob], key=lambda e: e.id)]
    assert names(await _export(ctx, admin, ExportKind.ATTENDANCE, **sales)) == by_id
    await expect_error(
        ErrorCode.FORBIDDEN,
        prepare_export(ctx, alice, kind=ExportKind.SCORES, date_from=DAY, date_to=DAY, **sales),
    )
    own_tasks = await _export(ctx, world.caller(world.bob), ExportKind.TASKS)
    assert [r["title"] for r in own_tasks] == ["Restock"]
    team_tasks = await _export(ctx, manager, ExportKind.TASKS)
    assert sorted(r["title"] for r in team_tasks) == ["Count the float", "Restock", "Sweep"]


async def test_attendance_scores_and_tasks_cells(
    ctx: ServiceContext, clock: ManualClock, world: World
) -> None:
    tasks = await _working_day(ctx, clock, world)
    admin = world.caller(world.admin)
    attendance = await _export(ctx, admin, ExportKind.ATTENDANCE)
    by_id = sorted([world.alice, world.bob], key=lambda e: e.id)  # rows: by date, employee id
    assert [
        (r["employee_name"], r["status"], r["store"], r["clock_in_at"]) for r in attendance
    ] == [(e.name, "PRESENT", "MG Road", "2026-03-02T09:00:00+05:30") for e in by_id]
    await calculate_daily_scores(ctx, world.system, business_date=DAY)
    stored = await get_daily_score(ctx, admin, employee_id=world.alice.id, business_date=DAY)
    assert stored is not None
    scores = {r["employee_name"]: r for r in await _export(ctx, admin, ExportKind.SCORES)}
    # Alice: 1 of 1 task completed, on time (no due time), no SLA, nothing approved; her
    # utilization is the stored metric's value, without trailing zeros.
    utilization = next(m.value for m in stored.metrics if m.name is ScoreMetricName.UTILIZATION)
    assert scores["Alice"] == scores["Alice"] | {
        "completion": "1",
        "timeliness": "1",
        "sla": None,
        "quality": None,
        "utilization": plain_number(utilization),
        "score": plain_number(stored.score),
    }
    listed = await _export(ctx, admin, ExportKind.TASKS)
    # both created at the same instant: by plan date, creation, then id
    ids = sorted(str(t.id) for t in tasks.values())  # type: ignore[attr-defined]
    assert [r["task_id"] for r in listed] == ids
    hers = next(r for r in listed if r["task_id"] == str(tasks["hers"].id))  # type: ignore[attr-defined]
    assert hers == hers | {
        "plan_date": "2026-03-02",
        "status": "COMPLETED",
        "assignee_name": "Alice",
        "actual_seconds": "3000",
        "requires_review": "false",
        "completed_at": "2026-03-02T10:05:00+05:30",
        "source": "MANUAL",
    }


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [(DAY, DAY - timedelta(days=1)), (DAY, DAY + timedelta(days=366))],
)
async def test_a_bad_range_is_refused_and_nothing_is_audited(
    ctx: ServiceContext, world: World, date_from: date, date_to: date
) -> None:
    admin = world.caller(world.admin)
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        prepare_export(ctx, admin, kind=ExportKind.TASKS, date_from=date_from, date_to=date_to),
    )
    await expect_error(
        ErrorCode.NOT_FOUND,
        prepare_export(
            ctx, admin, kind=ExportKind.TASKS, date_from=DAY, date_to=DAY, department_id=new_id()
        ),
    )
    assert (await audit_log(ctx, admin)).items == ()


async def test_an_export_is_audited_once_with_its_range(ctx: ServiceContext, world: World) -> None:
    admin = world.caller(world.admin)
    scope = await prepare_export(
        ctx,
        admin,
        kind=ExportKind.TIMESHEETS,
        date_from=DAY,
        date_to=DAY + timedelta(days=6),
        department_id=world.department.id,
        file_format="xlsx",
    )
    assert await _rows(ctx, scope) == []
    [entry] = (await audit_log(ctx, admin)).items
    assert (entry.action, entry.entity_type, entry.actor.id) == (
        "export.timesheets",
        "export",
        world.admin.id,
    )
    assert entry.summary == "timesheets.xlsx 2026-03-02..2026-03-08, department Sales"
