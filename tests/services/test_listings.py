"""Listing tasks and alerts: within the caller's reach, a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    Alert,
    AlertKind,
    Department,
    SlaStatus,
    Task,
    TaskStatus,
)
from jts_domain.ports import TaskFilter
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.listings import list_alerts, list_tasks
from tests.services.builders import World, build_world
from tests.services.steps import expect_error
from tests.services.task_records import store_tasks, task_record

pytestmark = pytest.mark.asyncio


async def _other_department_with_task(ctx: ServiceContext, world: World, clock: ManualClock):
    """A department nobody in the world manages, with an unassigned task."""
    lab = Department(id=new_id(), organization_id=world.org.id, name="Lab")
    async with ctx.uow() as uow:
        await uow.departments.add(lab)
        await uow.commit()
    task = task_record(world, clock.now(), department_id=lab.id)
    await store_tasks(ctx, task)
    return lab, task


async def _ids(ctx: ServiceContext, world: World, person, **filters) -> set:
    page = await list_tasks(ctx, world.caller(person), TaskFilter(**filters), first=100)
    return {t.id for t in page.items}


async def test_each_role_lists_what_it_reaches(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Sales (the manager's department) has Alice's and Bob's tasks and a pooled one; a
    task has no department; the Lab (managed by nobody) has one; Alice created one in
    the Lab for herself to see."""
    at = clock.now()
    alices = task_record(world, at, assignee=world.alice)
    bobs = task_record(world, at + timedelta(seconds=1), assignee=world.bob)
    pooled = task_record(world, at + timedelta(seconds=2))
    loose = task_record(world, at + timedelta(seconds=3), department_id=None)
    await store_tasks(ctx, alices, bobs, pooled, loose)
    lab, labs = await _other_department_with_task(ctx, world, clock)
    by_alice = task_record(
        world, at + timedelta(seconds=4), department_id=lab.id, created_by=world.alice.id
    )
    await store_tasks(ctx, by_alice)

    everything = {alices.id, bobs.id, pooled.id, loose.id, labs.id, by_alice.id}
    assert await _ids(ctx, world, world.admin) == everything
    assert await _ids(ctx, world, world.manager) == {alices.id, bobs.id, pooled.id, loose.id}
    assert await _ids(ctx, world, world.alice) == {alices.id, by_alice.id}
    assert await _ids(ctx, world, world.bob) == {bobs.id}
    # A filter narrows within the reach; outside it, it finds nothing.
    assert await _ids(ctx, world, world.manager, assignee_id=world.bob.id) == {bobs.id}
    assert await _ids(ctx, world, world.manager, department_id=lab.id) == set()
    assert await _ids(ctx, world, world.admin, department_id=lab.id) == {labs.id, by_alice.id}
    statuses = frozenset({TaskStatus.PENDING})
    assert await _ids(ctx, world, world.admin, statuses=statuses) == {
        pooled.id,
        loose.id,
        labs.id,
        by_alice.id,
    }


async def test_reading_one_task_follows_the_same_reach(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    _, labs = await _other_department_with_task(ctx, world, clock)
    bobs = task_record(world, clock.now(), assignee=world.bob)
    await store_tasks(ctx, bobs)

    assert (await task_service.get_task(ctx, world.caller(world.admin), labs.id)).id == labs.id
    await expect_error(
        ErrorCode.FORBIDDEN, task_service.get_task(ctx, world.caller(world.manager), labs.id)
    )
    await expect_error(
        ErrorCode.FORBIDDEN, task_service.task_history(ctx, world.caller(world.alice), bobs.id)
    )
    assert (await task_service.get_task(ctx, world.caller(world.bob), bobs.id)).id == bobs.id


async def test_pages_are_ordered_by_creation_and_complete(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    tasks: list[Task] = [
        task_record(world, clock.now() + timedelta(minutes=n), assignee=world.alice)
        for n in range(5)
    ]
    await store_tasks(ctx, *reversed(tasks))
    alice = world.caller(world.alice)

    seen: list[Task] = []
    after = None
    pages = 0
    while True:
        page = await list_tasks(ctx, alice, TaskFilter(), first=2, after=after)
        seen.extend(page.items)
        pages += 1
        if not page.has_next:
            break
        after = (page.items[-1].created_at, page.items[-1].id)
    assert [t.id for t in seen] == [t.id for t in tasks]
    assert pages == 3


async def test_bad_pages_and_foreign_ids_are_refused(ctx: ServiceContext, world: World) -> None:
    admin = world.caller(world.admin)
    other = await build_world(ctx)
    for first in (0, -1, 101):
        await expect_error(
            ErrorCode.VALIDATION_ERROR, list_tasks(ctx, admin, TaskFilter(), first=first)
        )
    await expect_error(
        ErrorCode.NOT_FOUND,
        list_tasks(ctx, admin, TaskFilter(department_id=other.department.id)),
    )
    await expect_error(
        ErrorCode.NOT_FOUND, list_tasks(ctx, admin, TaskFilter(assignee_id=other.alice.id))
    )


async def test_alerts_are_listed_newest_first_within_reach(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    outsider = world.admin  # in no department the manager manages
    task = task_record(world, clock.now(), assignee=world.alice)
    await store_tasks(ctx, task)
    alerts = []
    async with ctx.uow() as uow:
        for n, (kind, person) in enumerate(
            [
                (AlertKind.SLA_AT_RISK, world.alice),
                (AlertKind.SLA_BREACHED, world.alice),
                (AlertKind.SLA_AT_RISK, outsider),
            ]
        ):
            alert_task = task
            if person is outsider:
                alert_task = task_record(world, clock.now(), assignee=outsider)
                await uow.tasks.add(alert_task)
            alert = Alert(
                id=new_id(),
                organization_id=world.org.id,
                kind=kind,
                task_id=alert_task.id,
                employee_id=person.id,
                sla_status=SlaStatus.AT_RISK,
                message=f"alert {n}",
                created_at=clock.now() + timedelta(minutes=n),
            )
            assert await uow.alerts.add_if_new(alert)
            alerts.append(alert)
        await uow.commit()

    async def messages(person) -> list[str]:
        page = await list_alerts(ctx, world.caller(person), first=10)
        return [a.message for a in page.items]

    assert await messages(world.admin) == ["alert 2", "alert 1", "alert 0"]
    assert await messages(world.manager) == ["alert 1", "alert 0"]
    assert await messages(world.alice) == ["alert 1", "alert 0"]
    assert await messages(world.bob) == []
    first = await list_alerts(ctx, world.caller(world.admin), first=2)
    assert first.has_next
    last = first.items[-1]
    rest = await list_alerts(ctx, world.caller(world.admin), after=(last.created_at, last.id))
    assert [a.message for a in rest.items] == ["alert 0"]
    assert not rest.has_next
