"""Roster sync and CSV import on both adapters: upsert by external id, one bad row
refused alone, duplicates, a changed employee, batches with pauses, the stored source."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.memory import StaticRosterSource
from jts_domain.model import JobCategory, Role
from jts_domain.roster_sync.model import RosterPage, RowKind, RowStatus, SyncCounts
from jts_domain.roster_sync.use_cases import (
    get_roster_source,
    import_roster,
    remove_roster_source,
    set_roster_source,
    sync_roster,
)
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.audit import audit_log
from tests.services.builders import World
from tests.services.steps import expect_error

TOKEN = "hr-token-0123456789abcdef"


def _person(external_id: str, name: str, **fields: Any) -> dict[str, Any]:
    """A row of a new person (e-mails are unique across organizations: each is new)."""
    email = f"{name.lower().replace(' ', '.')}-{new_id().hex[:10]}@hr.example.test"
    return {"externalId": external_id, "email": email, "name": name, **fields}


def _entry(
    external_id: str, employee: str, world: World, days: int = 1, **fields: Any
) -> dict[str, Any]:
    day = (world.today + timedelta(days=days)).isoformat()
    return {
        "externalId": external_id,
        "employeeExternalId": employee,
        "date": day,
        "shift": "day",
        "store": "MG Road",
        **fields,
    }


async def _configured(ctx: ServiceContext, world: World) -> Caller:
    admin = world.caller(world.admin)
    await set_roster_source(ctx, admin, url="https://hr.example.test/roster?x=1", token=TOKEN)
    return admin


async def _audit_count(ctx: ServiceContext, admin: Caller) -> int:
    return len((await audit_log(ctx, admin, first=100)).items)


async def test_a_malformed_row_a_duplicate_and_a_change(ctx: ServiceContext, world: World) -> None:
    """One error (the row without e-mail), no second Ravi (the repeat), the change (his
    name, the second time), and the same sync twice changes nothing."""
    admin = await _configured(ctx, world)
    ravi = _person("E-1", "Ravi Kumar", department="Sales", jobCategory="sales", store="mg road")
    first = RosterPage(
        employees=(
            ravi,
            {"externalId": "E-2", "name": "No Email"},
            ravi,
            _person("E-3", "Priya Singh", role="MANAGER"),
        ),
        roster=(_entry("R-1", "E-1", world),),
    )
    source = StaticRosterSource([first])
    report = await sync_roster(ctx, world.system, source.client_for, pause_seconds=0)
    assert [(r.kind, r.line, r.external_id, r.status) for r in report.results] == [
        (RowKind.EMPLOYEE, 1, "E-1", RowStatus.CREATED),
        (RowKind.EMPLOYEE, 2, "E-2", RowStatus.FAILED),
        (RowKind.EMPLOYEE, 3, "E-1", RowStatus.DUPLICATE),
        (RowKind.EMPLOYEE, 4, "E-3", RowStatus.CREATED),
        (RowKind.ROSTER, 1, "R-1", RowStatus.CREATED),
    ]
    assert report.failures[0].reason == "email is required"
    assert source.token is not None
    assert source.token.reveal() == TOKEN
    async with ctx.uow() as uow:
        found = await uow.roster_sync.employees_by_external_id(world.org.id, ["E-1", "E-3"])
        entry = await uow.roster.find(
            world.org.id, found["E-1"].id, world.today + timedelta(days=1)
        )
    assert (found["E-1"].name, found["E-1"].role, found["E-1"].department_id) == (
        "Ravi Kumar",
        Role.EMPLOYEE,
        world.department.id,
    )
    assert (found["E-1"].job_category, found["E-1"].store_id) == (JobCategory.SALES, world.store.id)
    assert found["E-3"].role is Role.MANAGER
    assert entry is not None
    assert (entry.external_id, entry.shift_template_id) == (
        "R-1",
        world.shift.id,
    )

    audited = await _audit_count(ctx, admin)
    again = await sync_roster(
        ctx, world.system, StaticRosterSource([first]).client_for, pause_seconds=0
    )
    assert again.counts == SyncCounts(unchanged=3, duplicates=1, failed=1)
    assert await _audit_count(ctx, admin) == audited

    changed = RosterPage(employees=(ravi | {"name": "Ravi K."},))
    report = await sync_roster(ctx, world.system, StaticRosterSource([changed]).client_for)
    assert [r.status for r in report.results] == [RowStatus.UPDATED]
    async with ctx.uow() as uow:
        assert (await uow.employees.get(world.org.id, found["E-1"].id)).name == "Ravi K."
    source_now = await get_roster_source(ctx, admin)
    assert source_now is not None
    assert (source_now.last_synced_at, source_now.last_counts) == (ctx.clock.now(), report.counts)


async def test_existing_people_and_entries_are_linked_not_doubled(
    ctx: ServiceContext, world: World
) -> None:
    await _configured(ctx, world)
    alice = _person("E-A", "Alice") | {"email": world.alice.email.upper(), "department": "Sales"}
    page = RosterPage(
        employees=(alice, _person("E-B", "Bobby") | {"email": world.bob.email}),
        roster=(_entry("R-A", "E-A", world, days=0), _entry("R-X", "E-B", world, days=0)),
    )
    async with ctx.uow() as uow:  # Bob's entry of today gets an external id first
        bobs = await uow.roster.find(world.org.id, world.bob.id, world.today)
        assert bobs is not None
        bobs.external_id = "R-B"
        await uow.roster_sync.update_roster_entry(bobs)
        await uow.commit()
    report = await sync_roster(ctx, world.system, StaticRosterSource([page]).client_for)
    assert [(r.external_id, r.status, r.reason) for r in report.results] == [
        ("E-A", RowStatus.UPDATED, "linked to the employee with this email"),
        ("E-B", RowStatus.UPDATED, "linked to the employee with this email"),
        ("R-A", RowStatus.UPDATED, "linked to the employee's entry of that date"),
        ("R-X", RowStatus.FAILED, "the employee has another entry that date ('R-B')"),
    ]
    async with ctx.uow() as uow:
        staff = await uow.employees.list_active(world.org.id)
        entry = await uow.roster.find(world.org.id, world.alice.id, world.today)
    assert len(staff) == 4
    assert {e.external_id for e in staff} == {None, "E-A", "E-B"}
    assert entry is not None
    assert entry.external_id == "R-A"


async def test_rows_come_in_batches_with_pauses_and_pages(
    ctx: ServiceContext, world: World
) -> None:
    await _configured(ctx, world)
    people = [_person(f"E-{n}", f"Person {n}") for n in range(5)]
    pages = [
        RosterPage(employees=tuple(people[:3]), next_cursor="1"),
        RosterPage(employees=tuple(people[3:]), roster=(_entry("R-4", "E-4", world),)),
    ]
    source = StaticRosterSource(pages)
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    report = await sync_roster(
        ctx, world.system, source.client_for, batch_size=2, pause_seconds=0.25, pause=pause
    )
    assert report.counts == SyncCounts(created=6)
    assert source.requests == [(None, 2), ("1", 2)]
    # page 1: rows 1-2, 3; page 2: rows 4-5, roster 1 → four batches, three pauses
    assert pauses == [0.25, 0.25, 0.25]


async def test_no_source_no_sync(ctx: ServiceContext, world: World) -> None:
    report = await sync_roster(ctx, world.system, StaticRosterSource([]).client_for)
    assert (report.configured, report.results) == (False, ())


async def test_the_source_setting_is_checked_kept_and_never_shown(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    for url, token in [
        ("ftp://hr.example.test/roster", TOKEN),
        ("https://user:pass@hr.example.test/roster", TOKEN),
        ("https:///roster", TOKEN),
        ("https://hr.example.test/roster", "short"),
        ("https://hr.example.test/roster", "has space in it"),
    ]:
        await expect_error(
            ErrorCode.VALIDATION_ERROR, set_roster_source(ctx, admin, url=url, token=token)
        )
    await expect_error(
        ErrorCode.FORBIDDEN,
        set_roster_source(
            ctx, world.caller(world.manager), url="https://hr.example.test", token=TOKEN
        ),
    )
    assert await get_roster_source(ctx, admin) is None
    source = await set_roster_source(
        ctx, admin, url="https://hr.example.test/r?key=abc", token=TOKEN
    )
    assert (repr(source.token), source.token.hint()) == ("Secret('****')", "…cdef")
    assert TOKEN not in repr(source)
    [entry] = (await audit_log(ctx, admin)).items
    assert entry.summary == "https://hr.example.test/r, token …cdef"
    assert await remove_roster_source(ctx, admin)
    assert await get_roster_source(ctx, admin) is None
    assert not await remove_roster_source(ctx, admin)


CSV = """kind,externalId,email,name,role,department,employeeExternalId,date,shift,store
employee,C-1,c1-{run}@hr.example.test,Chitra,,Sales,,,,
roster,CR-1,,,,,C-1,{day},Day,MG Road
employee,C-2,not-an-email,Broken,,,,,,
holiday,H-1,,,,,,,,
employee,C-1,c1-{run}@hr.example.test,Chitra,,Sales,,,,
"""


async def test_a_csv_import_has_a_result_per_line(ctx: ServiceContext, world: World) -> None:
    text = CSV.format(day=(world.today + timedelta(days=2)).isoformat(), run=new_id().hex[:10])
    report = await import_roster(ctx, world.caller(world.admin), text)
    assert [(r.line, r.status) for r in report.results] == [
        (2, RowStatus.CREATED),
        (3, RowStatus.CREATED),
        (4, RowStatus.FAILED),
        (5, RowStatus.FAILED),
        (6, RowStatus.DUPLICATE),
    ]
    assert report.results[3].reason == "kind must be employee or roster"
    again = await import_roster(ctx, world.caller(world.admin), text)
    assert again.counts == SyncCounts(unchanged=2, duplicates=1, failed=2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "kind,externalId,nickname\nemployee,1,x\n",
        "externalId,email\n1,a@b.test\n",
        'kind,externalId\nemployee,"unclosed\n',
        "kind,externalId\nemployee,1,extra\n",
        "kind,externalId\nemployee,\x00\n",
    ],
)
async def test_a_csv_that_cannot_be_read_changes_nothing(
    ctx: ServiceContext, world: World, text: str
) -> None:
    admin = world.caller(world.admin)
    await expect_error(ErrorCode.VALIDATION_ERROR, import_roster(ctx, admin, text))
    assert (await audit_log(ctx, admin)).items == ()


async def test_a_manager_imports_the_roster_of_their_departments_only(
    ctx: ServiceContext, world: World
) -> None:
    admin, manager = world.caller(world.admin), world.caller(world.manager)
    run = new_id().hex[:10]
    people = "kind,externalId,email,name,department\n"
    people += (
        f"employee,M-1,m1-{run}@hr.example.test,Meena,Sales\n"
        f"employee,M-2,m2-{run}@hr.example.test,Mohan,\n"
    )
    await import_roster(ctx, admin, people)
    await expect_error(ErrorCode.FORBIDDEN, import_roster(ctx, manager, people))
    day = (world.today + timedelta(days=3)).isoformat()
    roster = "kind,externalId,employeeExternalId,date,shift,store\n"
    roster += f"roster,MR-1,M-1,{day},Day,MG Road\nroster,MR-2,M-2,{day},Day,MG Road\n"
    report = await import_roster(ctx, manager, roster)
    assert [(r.status, r.reason) for r in report.results] == [
        (RowStatus.CREATED, None),
        (RowStatus.FAILED, "this employee is outside the caller's departments"),
    ]
    await expect_error(ErrorCode.FORBIDDEN, import_roster(ctx, world.caller(world.alice), roster))
