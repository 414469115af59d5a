"""Administration under concurrency, on real connections: edits made from the same
version, of the same settings document, for the same e-mail address, and job runs that
overlap."""

from __future__ import annotations

import asyncio

from jts_domain.administration.employees import EmployeeEdit, update_employee
from jts_domain.administration.pending import refresh_pending_summaries
from jts_domain.administration.settings import SettingsEdit, update_organization_settings
from jts_domain.administration.task_edits import TaskEdit, update_task
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import Organization, Task
from jts_domain.services import ServiceContext
from tests.services.audit_rows import audit_entries
from tests.services.builders import World
from tests.services.task_records import reload, store_tasks, task_record

RACERS = 20


def _codes(results: list[object]) -> list[ErrorCode]:
    return sorted(r.code for r in results if isinstance(r, DomainError))


def _unexpected(results: list[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]


async def test_edits_from_the_same_version_one_wins_the_rest_conflict(
    ctx: ServiceContext, world: World
) -> None:
    task = task_record(world, ctx.clock.now(), assignee=world.alice)
    await store_tasks(ctx, task)
    admin = world.caller(world.admin)

    results = await asyncio.gather(
        *(
            update_task(ctx, admin, task.id, task.version, TaskEdit(title=f"Title {n}"))
            for n in range(RACERS)
        ),
        return_exceptions=True,
    )

    assert _unexpected(results) == []
    [winner] = [r for r in results if isinstance(r, Task)]
    assert _codes(results) == [ErrorCode.CONFLICT] * (RACERS - 1)
    stored = await reload(ctx, task)
    assert (stored.title, stored.version) == (winner.title, task.version + 1)
    [entry] = await audit_entries(ctx, world.org.id, "task.update")
    assert entry.summary.endswith(f"→ {winner.title!r}")


async def test_concurrent_edits_of_different_settings_all_stay(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    edits = [
        SettingsEdit(idle_minutes=11),
        SettingsEdit(overtime_minutes=600),
        SettingsEdit(late_grace_minutes=3),
        SettingsEdit(sla_warning_minutes=90),
        SettingsEdit(activity_retention_months=24),
        SettingsEdit(idle_auto_pause=True),
        SettingsEdit(geofence_radius_meters=300.0),
        SettingsEdit(timezone="Europe/Berlin"),
    ]

    results = await asyncio.gather(
        *(update_organization_settings(ctx, admin, e) for e in edits), return_exceptions=True
    )

    assert all(isinstance(r, Organization) for r in results), results
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(world.org.id)).settings
    assert (settings.idle_minutes, settings.overtime_minutes, settings.late_grace_minutes) == (
        11,
        600,
        3,
    )
    assert (settings.sla_warning_minutes, settings.activity_retention_months) == (90, 24)
    assert (settings.idle_auto_pause, settings.geofence_radius_meters) == (True, 300.0)
    assert settings.timezone == "Europe/Berlin"
    assert len(await audit_entries(ctx, world.org.id, "organization.update_settings")) == 8


async def test_two_people_given_the_same_email_at_once_one_gets_it(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    email = f"shared-{world.org.id.hex[:8]}@example.test"
    people = [world.alice, world.bob, world.manager]

    results = await asyncio.gather(
        *(update_employee(ctx, admin, p.id, EmployeeEdit(email=email)) for p in people),
        return_exceptions=True,
    )

    assert _unexpected(results) == []
    assert _codes(results) == [ErrorCode.VALIDATION_ERROR] * 2
    async with ctx.uow() as uow:
        holders = [e for e in await uow.employees.list_active(world.org.id) if e.email == email]
    assert len(holders) == 1
    assert len(await audit_entries(ctx, world.org.id, "employee.update")) == 1


async def test_overlapping_job_runs_leave_one_summary_per_employee(
    ctx: ServiceContext, world: World
) -> None:
    await store_tasks(ctx, task_record(world, ctx.clock.now(), assignee=world.alice))

    runs = await asyncio.gather(
        *(refresh_pending_summaries(ctx, world.org.id) for _ in range(5)), return_exceptions=True
    )

    assert _unexpected(runs) == []
    assert _codes(runs) == []
    people = [world.admin.id, world.manager.id, world.alice.id, world.bob.id]
    async with ctx.uow() as uow:
        stored = await uow.pending_summaries.find_many(world.org.id, people)
    assert sorted(stored) == sorted(people)
    assert stored[world.alice.id].counts.pending == 1
