"""The SLA monitor (statuses stored, each alert raised once) and SLA compliance.

The clock starts at 03:30 UTC (09:00 IST); the SLA warning window is 60 minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from decimal import Decimal

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import (
    AlertKind,
    SlaStatus,
    TaskStatus,
)
from jts_domain.services import ServiceContext
from jts_domain.services.monitoring import sla_compliance, sla_monitor
from jts_domain.services.scores import calculate_daily_scores
from tests.services.builders import World, build_world
from tests.services.task_records import reload, store_tasks, task_record


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def test_the_sla_monitor_stores_statuses_and_alerts_once_per_status(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """At 09:00 IST: Alice's task (deadline in 3 h, 30 min left) is ON_TIME; Bob's (deadline
    in 90 min, 120 min left) is already AT_RISK; the unassigned one passed its deadline 10
    minutes ago. Two hours later Alice's is AT_RISK and Bob's BREACHED."""
    now = clock.now()
    alices = task_record(
        world,
        now,
        assignee=world.alice,
        estimated_minutes=30,
        sla_deadline=now + timedelta(hours=3),
    )
    bobs = task_record(
        world,
        now,
        assignee=world.bob,
        estimated_minutes=120,
        sla_deadline=now + timedelta(minutes=90),
    )
    nobodys = task_record(
        world, now, estimated_minutes=10, sla_deadline=now - timedelta(minutes=10)
    )
    done = task_record(
        world,
        now,
        assignee=world.alice,
        status=TaskStatus.COMPLETED,
        completed_at=now,
        sla_deadline=now - timedelta(hours=1),
    )
    no_sla = task_record(world, now, assignee=world.alice)
    await store_tasks(ctx, alices, bobs, nobodys, done, no_sla)

    first = await sla_monitor(ctx, world.org.id)

    assert (first.checked, first.changed) == (3, 3)
    assert first.statuses == {SlaStatus.ON_TIME: 1, SlaStatus.AT_RISK: 1, SlaStatus.BREACHED: 1}
    assert {(a.task_id, a.kind) for a in first.alerts} == {
        (bobs.id, AlertKind.SLA_AT_RISK),
        (nobodys.id, AlertKind.SLA_BREACHED),
    }
    assert [(n.employee_id, [a.task_id for a in n.alerts]) for n in first.notifications] == [
        (world.bob.id, [bobs.id]),
        (None, [nobodys.id]),
    ]
    assert (await reload(ctx, alices)).last_sla_status is SlaStatus.ON_TIME
    assert (await reload(ctx, bobs)).last_sla_status is SlaStatus.AT_RISK

    again = await sla_monitor(ctx, world.org.id)
    assert (again.changed, again.alerts, again.notifications) == (0, (), ())

    clock.advance(hours=2, minutes=5)
    later = await sla_monitor(ctx, world.org.id)
    assert {(a.task_id, a.kind, a.employee_id) for a in later.alerts} == {
        (alices.id, AlertKind.SLA_AT_RISK, world.alice.id),
        (bobs.id, AlertKind.SLA_BREACHED, world.bob.id),
    }
    assert later.changed == 2
    assert (await sla_monitor(ctx, world.org.id)).alerts == ()
    async with ctx.uow() as uow:
        stored = await uow.alerts.recent(world.org.id)
    assert len(stored) == 4


async def test_sla_monitor_stays_in_its_organization(ctx: ServiceContext, world: World) -> None:
    now = world.org.created_at
    late = task_record(world, now, assignee=world.alice, sla_deadline=now - timedelta(hours=1))
    await store_tasks(ctx, late)
    other = await build_world(ctx)
    assert (await sla_monitor(ctx, other.org.id)).checked == 0
    assert (await reload(ctx, late)).last_sla_status is None


async def test_sla_compliance_agrees_with_the_days_scores(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Today Alice met one SLA (done 30 min early) and missed one (still open past its
    deadline); Bob finished one 30 minutes late: 1 met of 3 = 33.33 %."""
    now = clock.now()
    deadline = now + timedelta(hours=2)
    kw = {"planned_date": world.today, "sla_deadline": deadline}
    await store_tasks(
        ctx,
        task_record(
            world,
            now,
            assignee=world.alice,
            status=TaskStatus.COMPLETED,
            completed_at=deadline - timedelta(minutes=30),
            **kw,
        ),
        task_record(world, now, assignee=world.alice, **kw),
        task_record(
            world,
            now,
            assignee=world.bob,
            status=TaskStatus.COMPLETED,
            completed_at=deadline + timedelta(minutes=30),
            **kw,
        ),
    )
    clock.advance(hours=13, minutes=30)  # 22:30 IST
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    yesterday = world.today - timedelta(days=1)
    span = {"date_from": yesterday, "date_to": world.today}

    team = await sla_compliance(
        ctx, world.caller(world.manager), **span, department_id=world.department.id
    )

    assert (team.met, team.total, team.rate) == (1, 3, Decimal("33.33"))
    assert [(d.business_date, d.met, d.total, d.rate) for d in team.days] == [
        (yesterday, 0, 0, None),
        (world.today, 1, 3, Decimal("33.33")),
    ]
    everyone = await sla_compliance(ctx, world.caller(world.admin), **span)
    assert (everyone.met, everyone.total) == (1, 3)


async def test_sla_compliance_needs_team_reach(ctx: ServiceContext, world: World) -> None:
    span = {"date_from": world.today, "date_to": world.today}
    manager = world.caller(world.manager)
    assert await _code(sla_compliance(ctx, manager, **span)) is ErrorCode.FORBIDDEN
    bob = sla_compliance(ctx, world.caller(world.bob), **span, department_id=world.department.id)
    assert await _code(bob) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    foreign = sla_compliance(
        ctx, world.caller(other.admin), **span, department_id=world.department.id
    )
    assert await _code(foreign) is ErrorCode.NOT_FOUND


async def test_sla_statuses_are_written_together_and_a_newer_edit_wins(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """The monitor's one write skips a task someone changed since it was read."""
    now = clock.now()
    kept, edited = (
        task_record(world, now, assignee=world.alice, sla_deadline=now) for _ in range(2)
    )
    await store_tasks(ctx, kept, edited)
    async with ctx.uow() as uow:
        fresh = await uow.tasks.get(world.org.id, edited.id)
        fresh.title = "Edited meanwhile"
        await uow.tasks.update(fresh)
        changes = [(t.id, t.version, SlaStatus.BREACHED) for t in (kept, edited)]
        written = await uow.tasks.set_sla_statuses(world.org.id, changes)
        await uow.commit()

    assert written == {kept.id}
    assert (await reload(ctx, kept)).last_sla_status is SlaStatus.BREACHED
    assert (await reload(ctx, kept)).version == kept.version + 1
    still = await reload(ctx, edited)
    assert (still.title, still.last_sla_status) == ("Edited meanwhile", None)
