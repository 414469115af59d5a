"""The span union in SQL equals the domain's calculator, and the ingest statement
equals the in-memory ingest, on generated timers and heartbeats.

Each example writes one organization with an employee whose timers (microsecond
boundaries, pauses and breaks, the last one maybe still running) and heartbeats
(overlapping, repeated, spilling out of RUNNING time, some outside any timer) go
through both adapters' ports; then every figure is compared, to the microsecond.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jts_domain.activity.model import ActivityItem, ActivityKind
from jts_domain.activity.ports import IngestBatch, IngestItem
from jts_domain.activity.spans import activity_time
from jts_domain.ids import new_id
from jts_domain.memory import InMemoryDatabase
from jts_domain.model import (
    Employee,
    Organization,
    OrganizationSettings,
    Role,
    Task,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_domain.ports import UnitOfWork, UnitOfWorkFactory

T0 = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
UNTIL = T0 + timedelta(hours=9)
APPS = [None, "editor", "browser", "mail"]

states = st.sampled_from([TimerState.RUNNING, TimerState.PAUSED, TimerState.ON_BREAK])
lengths = st.integers(1, 40 * 60 * 10**6).map(lambda us: timedelta(microseconds=us))


@dataclass
class Generated:
    organization: Organization
    employee: Employee
    tasks: list[Task]
    timers: list[Timer]
    items: list[ActivityItem]

    async def write(self, uow: UnitOfWork) -> None:
        await uow.organizations.add(self.organization)
        await uow.employees.add(self.employee)
        for task in self.tasks:
            await uow.tasks.add(task)
        for timer in self.timers:
            await uow.timers.add(timer)
        await uow.commit()


def _timer(  # noqa: PLR0917 -- a test builder of one record
    org: Organization,
    employee: Employee,
    task: Task,
    intervals: list[TimerInterval],
    day: date,
    running: bool,
) -> Timer:
    if running:
        last = intervals[-1]
        intervals = [*intervals[:-1], TimerInterval(state=last.state, started_at=last.started_at)]
    return Timer(
        id=new_id(),
        organization_id=org.id,
        employee_id=employee.id,
        task_id=task.id,
        state=intervals[-1].state if running else TimerState.STOPPED,
        started_at=intervals[0].started_at,
        business_date=day,
        stopped_at=None if running else intervals[-1].ended_at,
        intervals=intervals,
    )


@st.composite
def generated(draw: st.DrawFn) -> Generated:
    org = Organization(id=new_id(), name="Parity", settings=OrganizationSettings(), created_at=T0)
    employee = Employee(
        id=new_id(),
        organization_id=org.id,
        email=f"p-{new_id().hex}@example.test",
        name="P",
        role=Role.EMPLOYEE,
        created_at=T0,
    )
    tasks = [
        Task(
            id=new_id(), organization_id=org.id, title=f"t{n}", created_at=T0, status_changed_at=T0
        )
        for n in range(2)
    ]
    timers: list[Timer] = []
    at = T0
    count = draw(st.integers(1, 3))
    for n in range(count):
        at += draw(lengths)  # a gap between timers
        steps = draw(st.lists(st.tuples(states, lengths), min_size=1, max_size=5))
        intervals = []
        for state, span in [(TimerState.RUNNING, draw(lengths)), *steps]:
            intervals.append(TimerInterval(state=state, started_at=at, ended_at=at + span))
            at += span
        running = n == count - 1 and draw(st.booleans())
        day = (
            date(2026, 3, 2)
            if n == 0
            else draw(st.sampled_from([date(2026, 3, 2), date(2026, 3, 3)]))
        )
        timers.append(_timer(org, employee, draw(st.sampled_from(tasks)), intervals, day, running))
    end = min(at, UNTIL)
    offsets = st.integers(-600, int((end - T0).total_seconds()) + 600)
    items = [
        ActivityItem(
            client_id=f"c{n}",
            at=T0 + timedelta(seconds=draw(offsets), microseconds=draw(st.integers(0, 999_999))),
            kind=draw(st.sampled_from(list(ActivityKind))),
            seconds=draw(st.integers(1, 600)),
            app=draw(st.sampled_from(APPS)),
        )
        for n in range(draw(st.integers(0, 60)))
    ]
    return Generated(org, employee, tasks, timers, items)


async def _ingest(factory: UnitOfWorkFactory, g: Generated) -> object:
    batch = IngestBatch(
        organization_id=g.organization.id,
        employee_id=g.employee.id,
        received_at=UNTIL,
        keyed=tuple(sorted((IngestItem(i) for i in g.items), key=lambda k: k.client_id)),
    )
    async with factory() as uow:
        outcome = await uow.activity.ingest(batch)
        await uow.commit()
    return outcome


@settings(max_examples=30)
@given(g=generated())
async def test_sql_figures_equal_the_domains_calculator(
    pg_uow_factory: UnitOfWorkFactory, g: Generated
) -> None:
    memory = InMemoryDatabase()
    factories = (memory.unit_of_work, pg_uow_factory)
    outcomes = []
    for factory in factories:
        async with factory() as uow:
            await g.write(uow)
        outcomes.append(await _ingest(factory, g))
    assert outcomes[0] == outcomes[1]

    org = g.organization.id
    seen = []
    for factory in factories:
        async with factory() as uow:
            seen.append(
                (
                    await uow.activity.day_figures(
                        org, None, date(2026, 3, 1), date(2026, 3, 4), UNTIL
                    ),
                    {t.id: await uow.activity.timer_activity(org, t.id, UNTIL) for t in g.timers},
                    await uow.activity.running_seconds(
                        org, [date(2026, 3, 2), date(2026, 3, 3)], UNTIL
                    ),
                    await uow.activity.active_timers(org),
                )
            )
    assert seen[1] == seen[0]

    first_seen = outcomes[0].first_seen  # type: ignore[attr-defined]
    for timer in g.timers:
        mine = [
            (i.at, i.seconds)
            for i in g.items
            if first_seen[i.client_id] == timer.id and i.kind is ActivityKind.ACTIVE
        ]
        assert seen[1][1][timer.id] == activity_time(mine, timer.intervals, UNTIL).total_seconds()
