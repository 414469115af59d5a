"""``updateTask``: a task's fields edited from the version the editor saw; a stale version
is CONFLICT and changes nothing; every edit is in the audit log field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from jts_domain.administration.task_edits import TaskEdit, update_task
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    Department,
    Environment,
    JobCategory,
    Task,
    TaskPriority,
    TaskStatus,
)
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from tests.services.audit_rows import audit_entries
from tests.services.builders import World, build_world
from tests.services.steps import clock_in, expect_error, start_work
from tests.services.task_records import reload, store_tasks, task_record

DUE = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)


async def _task(ctx: ServiceContext, world: World, **fields: object) -> Task:
    task = task_record(world, ctx.clock.now(), assignee=world.alice, **fields)
    await store_tasks(ctx, task)
    return task


async def test_an_edit_changes_the_fields_it_names_and_bumps_the_version(
    ctx: ServiceContext, world: World
) -> None:
    task = await _task(ctx, world, title="Stock count", estimated_minutes=30)
    edit = TaskEdit(
        title=" Stock count, aisle 4 ",
        description="Both sides",
        priority=TaskPriority.URGENT,
        planned_date=date(2026, 3, 3),
        due_at=DUE,
        sla_deadline=DUE + timedelta(hours=1),
        estimated_minutes=45,
        store_id=None,
        job_category=JobCategory.SALES,
        environment=Environment.RETAIL,
    )

    updated = await update_task(ctx, world.caller(world.manager), task.id, task.version, edit)

    expected = replace(
        task,
        title="Stock count, aisle 4",
        description="Both sides",
        priority=TaskPriority.URGENT,
        planned_date=date(2026, 3, 3),
        due_at=DUE,
        sla_deadline=DUE + timedelta(hours=1),
        estimated_minutes=45,
        job_category=JobCategory.SALES,
        environment=Environment.RETAIL,
        version=task.version + 1,
    )
    assert updated == expected
    assert await reload(ctx, task) == expected
    [entry] = await audit_entries(ctx, world.org.id, "task.update")
    assert (entry.actor.id, entry.entity_id) == (world.manager.id, task.id)
    assert entry.summary == (
        "'Stock count': title: 'Stock count' → 'Stock count, aisle 4'; "
        "description: '' → 'Both sides'; priority: MEDIUM → URGENT; "
        "planned_date: none → 2026-03-03; due_at: none → 2026-03-02T11:30:00+00:00; "
        "sla_deadline: none → 2026-03-02T12:30:00+00:00; estimated_minutes: 30 → 45; "
        "job_category: none → SALES; environment: none → RETAIL"
    )


async def test_optional_fields_are_cleared_with_none(ctx: ServiceContext, world: World) -> None:
    task = await _task(ctx, world, due_at=DUE, store_id=world.store.id)
    edit = TaskEdit(due_at=None, store_id=None)
    updated = await update_task(ctx, world.caller(world.admin), task.id, task.version, edit)
    assert (updated.due_at, updated.store_id, updated.title) == (None, None, task.title)


async def test_a_stale_version_is_a_conflict_and_changes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    task = await _task(ctx, world)
    manager = world.caller(world.manager)
    await update_task(ctx, manager, task.id, task.version, TaskEdit(title="First"))

    error = await expect_error(
        ErrorCode.CONFLICT,
        update_task(ctx, manager, task.id, task.version, TaskEdit(title="Second")),
    )

    assert error.details["current_version"] == task.version + 1
    stored = await reload(ctx, task)
    assert (stored.title, stored.version) == ("First", task.version + 1)
    assert len(await audit_entries(ctx, world.org.id, "task.update")) == 1


async def test_a_timer_moving_the_task_makes_an_older_version_stale(
    ctx: ServiceContext, world: World
) -> None:
    """Alice starts the task after the manager loaded it: the manager's edit is refused,
    so it can never undo what the start wrote."""
    manager = world.caller(world.manager)
    task = await task_service.create_task(ctx, manager, title="Shelf", assignee_id=world.alice.id)
    await clock_in(ctx, world, world.alice)
    await start_work(ctx, world.caller(world.alice), task.id)
    await expect_error(
        ErrorCode.CONFLICT,
        update_task(ctx, manager, task.id, task.version, TaskEdit(estimated_minutes=5)),
    )
    assert (await reload(ctx, task)).status is TaskStatus.IN_PROGRESS


async def test_an_edit_that_changes_nothing_writes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    task = await _task(ctx, world)
    same = TaskEdit(title=task.title, priority=task.priority)
    unchanged = await update_task(ctx, world.caller(world.admin), task.id, task.version, same)
    assert unchanged.version == task.version
    assert await audit_entries(ctx, world.org.id, "task.update") == []


@pytest.mark.parametrize(
    "edit",
    [
        TaskEdit(title="  "),
        TaskEdit(title="t" * 201),
        TaskEdit(description="d" * 10_001),
        TaskEdit(estimated_minutes=-1),
        TaskEdit(estimated_minutes=7 * 24 * 60 + 1),
        TaskEdit(due_at=datetime(2026, 3, 2, 12, 0)),  # noqa: DTZ001 -- naive on purpose
        TaskEdit(sla_deadline=datetime(2026, 3, 2, 12, 0)),  # noqa: DTZ001 -- same
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    ctx: ServiceContext, world: World, edit: TaskEdit
) -> None:
    task = await _task(ctx, world)
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        update_task(ctx, world.caller(world.admin), task.id, task.version, edit),
    )
    assert await reload(ctx, task) == task
    assert await audit_entries(ctx, world.org.id, "task.update") == []


async def test_closed_tasks_keep_their_fields(ctx: ServiceContext, world: World) -> None:
    for status in (TaskStatus.COMPLETED, TaskStatus.CANCELLED):
        task = await _task(ctx, world, status=status)
        await expect_error(
            ErrorCode.VALIDATION_ERROR,
            update_task(ctx, world.caller(world.admin), task.id, task.version, TaskEdit(title="X")),
        )
        assert await reload(ctx, task) == task


async def test_editing_needs_task_assign_over_the_task_and_its_new_department(
    ctx: ServiceContext, world: World
) -> None:
    task = await _task(ctx, world)
    elsewhere = Department(id=new_id(), organization_id=world.org.id, name="Elsewhere")
    async with ctx.uow() as uow:
        await uow.departments.add(elsewhere)
        await uow.commit()
    theirs = await _task(ctx, world, department_id=elsewhere.id)
    manager, alice = world.caller(world.manager), world.caller(world.alice)
    rename = TaskEdit(title="Mine")

    await expect_error(ErrorCode.FORBIDDEN, update_task(ctx, alice, task.id, task.version, rename))
    await expect_error(
        ErrorCode.FORBIDDEN, update_task(ctx, manager, theirs.id, theirs.version, rename)
    )
    move = TaskEdit(department_id=elsewhere.id)
    await expect_error(ErrorCode.FORBIDDEN, update_task(ctx, manager, task.id, task.version, move))
    moved = await update_task(ctx, world.caller(world.admin), task.id, task.version, move)
    assert moved.department_id == elsewhere.id


async def test_another_organizations_task_or_place_is_not_found(
    ctx: ServiceContext, world: World
) -> None:
    task = await _task(ctx, world)
    other = await build_world(ctx)
    stranger = other.caller(other.admin)
    await expect_error(
        ErrorCode.NOT_FOUND, update_task(ctx, stranger, task.id, task.version, TaskEdit(title="X"))
    )
    admin = world.caller(world.admin)
    for edit in (TaskEdit(department_id=other.department.id), TaskEdit(store_id=other.store.id)):
        await expect_error(
            ErrorCode.NOT_FOUND, update_task(ctx, admin, task.id, task.version, edit)
        )
    assert await reload(ctx, task) == task
