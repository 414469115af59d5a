"""Places and plans: departments, stores and shift templates listed and edited; the
roster over a range and an entry taken off it; task templates edited and archived."""

from __future__ import annotations

from datetime import time, timedelta
from uuid import UUID

import pytest

from jts_domain.administration.places import (
    DepartmentEdit,
    ShiftTemplateEdit,
    StoreEdit,
    list_departments,
    list_shift_templates,
    list_stores,
    update_department,
    update_shift_template,
    update_store,
)
from jts_domain.administration.roster import remove_roster_entry, roster
from jts_domain.administration.task_templates import (
    TaskTemplateEdit,
    archive_task_template,
    list_task_templates,
    update_task_template,
)
from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    AttendanceStatus,
    Department,
    JobCategory,
    TaskPriority,
    TaskTemplate,
)
from jts_domain.services import ServiceContext
from jts_domain.services.attendance import create_daily_attendance
from jts_domain.services.organization import create_task_template
from jts_domain.services.planning import generate_planner
from tests.services.audit_rows import audit_entries
from tests.services.builders import World, build_world, roster_entry
from tests.services.steps import clock_in, expect_error


async def test_every_member_lists_the_places_of_their_organization_only(
    ctx: ServiceContext, world: World
) -> None:
    await build_world(ctx)
    alice = world.caller(world.alice)
    assert await list_departments(ctx, alice) == [world.department]
    assert await list_stores(ctx, alice) == [world.store]
    assert await list_shift_templates(ctx, alice) == [world.shift]


async def test_a_department_gets_a_new_name_and_manager(ctx: ServiceContext, world: World) -> None:
    admin = world.caller(world.admin)
    edit = DepartmentEdit(name=" Floor Sales ", manager_id=world.admin.id)
    updated = await update_department(ctx, admin, world.department.id, edit)
    assert (updated.name, updated.manager_id) == ("Floor Sales", world.admin.id)
    assert await list_departments(ctx, admin) == [updated]
    [entry] = await audit_entries(ctx, world.org.id, "department.update")
    assert entry.summary == (
        f"Sales: name: 'Sales' → 'Floor Sales'; manager_id: {world.manager.id} → {world.admin.id}"
    )
    cleared = await update_department(
        ctx, admin, world.department.id, DepartmentEdit(manager_id=None)
    )
    assert (cleared.name, cleared.manager_id) == ("Floor Sales", None)


@pytest.mark.parametrize("who", ["alice", "nobody", "foreign"])
async def test_a_departments_manager_must_be_an_active_manager_of_the_organization(
    ctx: ServiceContext, world: World, who: str
) -> None:
    other = await build_world(ctx)
    manager_id, code = {
        "alice": (world.alice.id, ErrorCode.VALIDATION_ERROR),
        "nobody": (new_id(), ErrorCode.NOT_FOUND),
        "foreign": (other.manager.id, ErrorCode.NOT_FOUND),
    }[who]
    edit = DepartmentEdit(manager_id=manager_id)
    await expect_error(
        code, update_department(ctx, world.caller(world.admin), world.department.id, edit)
    )
    assert await list_departments(ctx, world.caller(world.admin)) == [world.department]
    assert await audit_entries(ctx, world.org.id, "department.update") == []


async def test_a_store_moves_and_its_geofence_changes(ctx: ServiceContext, world: World) -> None:
    edit = StoreEdit(latitude=12.98, radius_meters=250.0)
    updated = await update_store(ctx, world.caller(world.admin), world.store.id, edit)
    assert (updated.name, updated.latitude, updated.longitude, updated.radius_meters) == (
        "MG Road",
        12.98,
        world.store.longitude,
        250.0,
    )
    [entry] = await audit_entries(ctx, world.org.id, "store.update")
    assert entry.summary == "MG Road: latitude: 12.9716 → 12.98; radius_meters: 100.0 → 250.0"


@pytest.mark.parametrize(
    "edit",
    [
        StoreEdit(latitude=91.0),
        StoreEdit(longitude=-180.5),
        StoreEdit(radius_meters=0.0),
        StoreEdit(radius_meters=100_001.0),
        StoreEdit(name=""),
    ],
)
async def test_a_bad_store_edit_changes_nothing(
    ctx: ServiceContext, world: World, edit: StoreEdit
) -> None:
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        update_store(ctx, world.caller(world.admin), world.store.id, edit),
    )
    assert await list_stores(ctx, world.caller(world.admin)) == [world.store]
    assert await audit_entries(ctx, world.org.id, "store.update") == []


async def test_a_shift_changes_its_times_within_the_rules(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    night = ShiftTemplateEdit(name="Night", start_time=time(22), end_time=time(6))
    updated = await update_shift_template(ctx, admin, world.shift.id, night)
    assert (updated.start_time, updated.end_time, updated.break_minutes) == (
        time(22),
        time(6),
        30,
    )
    [entry] = await audit_entries(ctx, world.org.id, "shift_template.update")
    assert entry.summary == (
        "Day: name: 'Day' → 'Night'; start_time: 09:00 → 22:00; end_time: 17:00 → 06:00"
    )
    too_long = ShiftTemplateEdit(break_minutes=8 * 60)
    error = await expect_error(
        ErrorCode.VALIDATION_ERROR, update_shift_template(ctx, admin, world.shift.id, too_long)
    )
    assert error.details["field"] == "break_minutes"
    assert await list_shift_templates(ctx, admin) == [updated]


async def test_places_are_changed_by_org_managers_of_their_own_organization(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    rename = DepartmentEdit(name="Mine now")
    await expect_error(
        ErrorCode.FORBIDDEN, update_department(ctx, manager, world.department.id, rename)
    )
    await expect_error(
        ErrorCode.FORBIDDEN, update_store(ctx, manager, world.store.id, StoreEdit(name="X"))
    )
    await expect_error(
        ErrorCode.FORBIDDEN,
        update_shift_template(ctx, manager, world.shift.id, ShiftTemplateEdit(name="X")),
    )
    other = await build_world(ctx)
    stranger = other.caller(other.admin)
    await expect_error(
        ErrorCode.NOT_FOUND, update_department(ctx, stranger, world.department.id, rename)
    )
    await expect_error(
        ErrorCode.NOT_FOUND, update_store(ctx, stranger, world.store.id, StoreEdit(name="X"))
    )
    await expect_error(
        ErrorCode.NOT_FOUND,
        update_shift_template(ctx, stranger, world.shift.id, ShiftTemplateEdit(name="X")),
    )


# -- the roster -----------------------------------------------------------------------------


async def _rostered_week(ctx: ServiceContext, world: World) -> dict[str, UUID]:
    """Alice and Bob every day of the week from today, and a manager's day tomorrow."""
    tomorrow = world.today + timedelta(days=1)
    async with ctx.uow() as uow:
        for offset in range(1, 7):
            day = world.today + timedelta(days=offset)
            for person in (world.alice, world.bob):
                entry = roster_entry(world.org.id, person.id, day, world.shift.id, world.store.id)
                await uow.roster.add(entry)
        own = roster_entry(world.org.id, world.manager.id, tomorrow, world.shift.id, world.store.id)
        await uow.roster.add(own)
        await uow.commit()
        today = await uow.roster.find(world.org.id, world.alice.id, world.today)
    assert today is not None
    return {"alice_today": today.id, "manager_tomorrow": own.id}


async def test_the_roster_between_two_dates_within_reach(ctx: ServiceContext, world: World) -> None:
    await _rostered_week(ctx, world)
    start, end = world.today, world.today + timedelta(days=2)
    admin = world.caller(world.admin)

    everyone = await roster(ctx, admin, date_from=start, date_to=end)

    keys = [(e.business_date, e.employee_id) for e in everyone]
    assert keys == sorted(keys)
    assert len(everyone) == 7  # Alice and Bob on three days, the manager on one
    mine = await roster(ctx, world.caller(world.alice), date_from=start, date_to=end)
    assert {e.employee_id for e in mine} == {world.alice.id}
    assert len(mine) == 3
    manager, department = world.caller(world.manager), world.department.id
    team = await roster(ctx, manager, date_from=start, date_to=end, department_id=department)
    assert len(team) == 7
    bobs = await roster(ctx, admin, date_from=start, date_to=end, employee_id=world.bob.id)
    assert [e.business_date for e in bobs] == [start, start + timedelta(1), end]


async def test_the_roster_range_is_bounded_and_reach_is_checked(
    ctx: ServiceContext, world: World
) -> None:
    alice = world.caller(world.alice)
    day = world.today
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        roster(ctx, alice, date_from=day, date_to=day - timedelta(days=1)),
    )
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        roster(ctx, alice, date_from=day, date_to=day + timedelta(days=62)),
    )
    await expect_error(
        ErrorCode.FORBIDDEN,
        roster(ctx, alice, date_from=day, date_to=day, employee_id=world.bob.id),
    )
    await expect_error(
        ErrorCode.FORBIDDEN,
        roster(ctx, alice, date_from=day, date_to=day, department_id=world.department.id),
    )
    other = await build_world(ctx)
    stranger = other.caller(other.admin)
    await expect_error(
        ErrorCode.NOT_FOUND,
        roster(ctx, stranger, date_from=day, date_to=day, employee_id=world.bob.id),
    )


async def test_removing_an_entry_makes_the_day_off(ctx: ServiceContext, world: World) -> None:
    """The nightly job made Alice ABSENT for today's shift; taking it off makes her OFF."""
    ids = await _rostered_week(ctx, world)
    await create_daily_attendance(ctx, world.system, world.today)

    removed = await remove_roster_entry(ctx, world.caller(world.manager), ids["alice_today"])

    assert removed.employee_id == world.alice.id
    async with ctx.uow() as uow:
        assert await uow.roster.find(world.org.id, world.alice.id, world.today) is None
        row = await uow.attendance.find(world.org.id, world.alice.id, world.today)
    assert row is not None
    assert row.status is AttendanceStatus.OFF
    [entry] = await audit_entries(ctx, world.org.id, "roster.remove")
    assert entry.summary == (
        f"employee {world.alice.id} off the roster on {world.today}; attendance ABSENT → OFF"
    )
    await expect_error(
        ErrorCode.NOT_FOUND, remove_roster_entry(ctx, world.caller(world.admin), removed.id)
    )


async def test_an_entry_whose_shift_happened_or_is_out_of_reach_stays(
    ctx: ServiceContext, world: World
) -> None:
    ids = await _rostered_week(ctx, world)
    await clock_in(ctx, world, world.alice)
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        remove_roster_entry(ctx, world.caller(world.admin), ids["alice_today"]),
    )
    await expect_error(
        ErrorCode.FORBIDDEN, remove_roster_entry(ctx, world.caller(world.bob), ids["alice_today"])
    )
    other = await build_world(ctx)
    await expect_error(
        ErrorCode.NOT_FOUND,
        remove_roster_entry(ctx, other.caller(other.admin), ids["manager_tomorrow"]),
    )
    async with ctx.uow() as uow:
        assert await uow.roster.find(world.org.id, world.alice.id, world.today) is not None
    assert await audit_entries(ctx, world.org.id, "roster.remove") == []


# -- task templates -------------------------------------------------------------------------


async def _template(ctx: ServiceContext, world: World, **fields: object) -> TaskTemplate:
    values: dict[str, object] = {
        "department_id": world.department.id,
        "shift_template_id": world.shift.id,
        "job_category": JobCategory.SALES,
        "title": "Open the till",
        "estimated_minutes": 20,
        "due_offset_minutes": 30,
        **fields,
    }
    return await create_task_template(ctx, world.caller(world.admin), **values)  # type: ignore[arg-type]


async def _generated_titles(ctx: ServiceContext, world: World) -> list[str]:
    caller = world.caller(world.alice)
    planner = await generate_planner(
        ctx, caller, employee_id=world.alice.id, business_date=world.today
    )
    return sorted(item.task.title for item in planner.items if item.task.template_id)


async def test_an_edited_template_generates_its_new_self_once(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    template = await _template(ctx, world)
    edit = TaskTemplateEdit(
        title="Count the till", priority=TaskPriority.HIGH, due_offset_minutes=None
    )
    updated = await update_task_template(ctx, world.caller(world.manager), template.id, edit)
    assert (updated.title, updated.priority, updated.due_offset_minutes) == (
        "Count the till",
        TaskPriority.HIGH,
        None,
    )
    [entry] = await audit_entries(ctx, world.org.id, "task_template.update")
    assert entry.summary == (
        "Count the till: title: 'Open the till' → 'Count the till'; priority: MEDIUM → HIGH; "
        "due_offset_minutes: 30 → none"
    )
    assert await _generated_titles(ctx, world) == ["Count the till"]
    await update_task_template(
        ctx, world.caller(world.admin), template.id, TaskTemplateEdit(title="Third name")
    )
    clock.advance(minutes=5)
    assert await _generated_titles(ctx, world) == ["Count the till"]  # one per day, kept


async def test_an_archived_template_generates_nothing_and_is_listed_on_request(
    ctx: ServiceContext, world: World
) -> None:
    kept = await _template(ctx, world, title="Face the shelves")
    gone = await _template(ctx, world)
    manager = world.caller(world.manager)

    archived = await archive_task_template(ctx, manager, gone.id)

    assert archived.archived_at == ctx.clock.now()
    assert await _generated_titles(ctx, world) == ["Face the shelves"]
    assert [t.id for t in await list_task_templates(ctx, manager)] == [kept.id]
    listed = await list_task_templates(ctx, manager, include_archived=True)
    assert sorted(t.id for t in listed) == sorted([kept.id, gone.id])
    [entry] = await audit_entries(ctx, world.org.id, "task_template.archive")
    assert (entry.entity_id, entry.summary) == (gone.id, "Open the till: archived")
    for again in (
        archive_task_template(ctx, manager, gone.id),
        update_task_template(ctx, manager, gone.id, TaskTemplateEdit(title="Back")),
    ):
        await expect_error(ErrorCode.VALIDATION_ERROR, again)


@pytest.mark.parametrize(
    "edit",
    [
        TaskTemplateEdit(title=" "),
        TaskTemplateEdit(estimated_minutes=0),
        TaskTemplateEdit(estimated_minutes=24 * 60 + 1),
        TaskTemplateEdit(due_offset_minutes=-1),
        TaskTemplateEdit(sla_minutes=0),
    ],
)
async def test_a_bad_template_edit_changes_nothing(
    ctx: ServiceContext, world: World, edit: TaskTemplateEdit
) -> None:
    template = await _template(ctx, world)
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        update_task_template(ctx, world.caller(world.admin), template.id, edit),
    )
    assert await list_task_templates(ctx, world.caller(world.admin)) == [template]
    assert await audit_entries(ctx, world.org.id, "task_template.update") == []


async def test_templates_are_planned_within_reach(ctx: ServiceContext, world: World) -> None:
    template = await _template(ctx, world)
    elsewhere = Department(id=new_id(), organization_id=world.org.id, name="Elsewhere")
    async with ctx.uow() as uow:
        await uow.departments.add(elsewhere)
        await uow.commit()
    manager = world.caller(world.manager)
    move = TaskTemplateEdit(department_id=elsewhere.id)
    await expect_error(ErrorCode.FORBIDDEN, update_task_template(ctx, manager, template.id, move))
    alice = world.caller(world.alice)
    await expect_error(ErrorCode.FORBIDDEN, list_task_templates(ctx, alice))
    await expect_error(ErrorCode.FORBIDDEN, archive_task_template(ctx, alice, template.id))
    other = await build_world(ctx)
    stranger = other.caller(other.admin)
    await expect_error(ErrorCode.NOT_FOUND, archive_task_template(ctx, stranger, template.id))
    foreign_shift = TaskTemplateEdit(shift_template_id=other.shift.id)
    await expect_error(
        ErrorCode.NOT_FOUND,
        update_task_template(ctx, world.caller(world.admin), template.id, foreign_shift),
    )
    assert await list_task_templates(ctx, stranger) == []
