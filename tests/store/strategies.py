"""Hypothesis strategies for the store: small organizations, written through the ports.

Instants fall on whole seconds around one local business day, on dates chosen near
daylight-saving changes, so local days of 23 and 25 hours come up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from hypothesis import strategies as st

from jts_domain.ids import new_id
from jts_domain.model import (
    Attendance,
    AttendanceStatus,
    DailyScore,
    Department,
    Employee,
    Organization,
    OrganizationSettings,
    Role,
    RosterEntry,
    ShiftTemplate,
    Store,
    Task,
    TaskPriority,
    TaskStatus,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_domain.ports import UnitOfWork
from jts_domain.shifts import business_date, local_day_bounds
from tests.domain.strategies import ONE_HOUR_DST_TIMEZONES

DAYS = [
    date(2026, 3, 2),
    date(2026, 3, 8),  # America/New_York springs forward
    date(2026, 3, 29),  # Europe springs forward
    date(2026, 4, 5),  # Australia and New Zealand fall back
    date(2026, 10, 25),  # Europe falls back
    date(2026, 11, 1),  # America/New_York falls back
]
_ONE_DAY = timedelta(days=1)
ACTIVE_STATES = [TimerState.RUNNING, TimerState.PAUSED, TimerState.ON_BREAK]


@dataclass(slots=True)
class SmallOrganization:
    """Every record of one generated organization, and the business day under test."""

    organization: Organization
    day: date
    store: Store
    department: Department
    shifts: list[ShiftTemplate]
    employees: list[Employee]
    roster: list[RosterEntry]
    tasks: list[Task]
    timers: list[Timer]
    attendance: list[Attendance] = field(default_factory=list)
    scores: list[DailyScore] = field(default_factory=list)

    @property
    def timezone(self) -> str:
        return self.organization.settings.timezone

    async def write(self, uow: UnitOfWork) -> None:
        """Add every record through the ports, in one unit of work."""
        await uow.organizations.add(self.organization)
        await uow.stores.add(self.store)
        await uow.departments.add(self.department)
        for shift in self.shifts:
            await uow.shift_templates.add(shift)
        for employee in self.employees:
            await uow.employees.add(employee)
        for entry in self.roster:
            await uow.roster.add(entry)
        for task in self.tasks:
            await uow.tasks.add(task)
        for timer in self.timers:
            await uow.timers.add(timer)
        for row in self.attendance:
            await uow.attendance.add(row)
        await uow.scores.upsert_many(self.scores)
        await uow.commit()


class _Clock:
    """Whole-second instants around the start of the local day."""

    def __init__(self, day: date, timezone: str) -> None:
        self.day = day
        self.timezone = timezone
        self.day_start = local_day_bounds(day, timezone)[0]

    def instants(self) -> st.SearchStrategy[datetime]:
        return st.integers(-30 * 3600, 54 * 3600).map(
            lambda s: self.day_start + timedelta(seconds=s)
        )

    def maybe(self) -> st.SearchStrategy[datetime | None]:
        return st.none() | self.instants()


@st.composite
def _shift(draw: st.DrawFn, organization_id: UUID) -> ShiftTemplate:
    start = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    end = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30])))
    return ShiftTemplate(
        id=new_id(),
        organization_id=organization_id,
        name=f"{start:%H%M}-{end:%H%M}",
        start_time=start,
        end_time=end,
        break_minutes=draw(st.sampled_from([0, 15, 30, 60])),
    )


def _employee(organization: Organization, department: Department, active: bool) -> Employee:
    return Employee(
        id=new_id(),
        organization_id=organization.id,
        email=f"e-{new_id().hex}@example.test",
        name="Someone",
        role=Role.EMPLOYEE,
        department_id=department.id,
        active=active,
        created_at=organization.created_at,
    )


@st.composite
def _task(
    draw: st.DrawFn, organization_id: UUID, people: list[Employee], day: date, clock: _Clock
) -> Task:
    created_at = draw(clock.instants())
    return Task(
        id=new_id(),
        organization_id=organization_id,
        title="Task",
        priority=draw(st.sampled_from(list(TaskPriority))),
        status=draw(st.just(TaskStatus.COMPLETED) | st.sampled_from(list(TaskStatus))),
        assignee_id=draw(st.none() | st.sampled_from([p.id for p in people])),
        planned_date=draw(
            st.sampled_from([None, day - timedelta(days=1), day, day + timedelta(1)])
        ),
        due_at=draw(clock.maybe()),
        sla_deadline=draw(clock.maybe()),
        estimated_minutes=draw(st.integers(0, 240)),
        quality_rating=draw(st.none() | st.integers(1, 5)),
        created_at=draw(st.sampled_from([created_at, clock.day_start])),
        status_changed_at=created_at,
        completed_at=draw(clock.maybe()),
        approved_at=draw(clock.maybe()),
    )


def _timer_business_date(started_at: datetime, clock: _Clock) -> st.SearchStrategy[date]:
    """The local date of the start, or the day under test or the one before it (as a
    start in an overnight shift, or just before a shift, would be dated)."""
    return st.sampled_from(
        [business_date(started_at, clock.timezone), clock.day, clock.day - _ONE_DAY]
    )


@st.composite
def _timer(
    draw: st.DrawFn, employee: Employee, tasks: list[Task], clock: _Clock, *, may_run: bool
) -> Timer:
    started_at = draw(clock.instants())
    steps = draw(
        st.lists(
            st.tuples(st.sampled_from(ACTIVE_STATES), st.integers(0, 5 * 3600)),
            min_size=1,
            max_size=4,
        )
    )
    intervals, at = [], started_at
    for state, seconds in steps:
        intervals.append(
            TimerInterval(state=state, started_at=at, ended_at=at + timedelta(seconds=seconds))
        )
        at += timedelta(seconds=seconds)
    running = may_run and draw(st.booleans())
    if running:
        last = intervals[-1]
        intervals[-1] = TimerInterval(state=last.state, started_at=last.started_at)
    return Timer(
        id=new_id(),
        organization_id=employee.organization_id,
        employee_id=employee.id,
        task_id=draw(st.sampled_from([t.id for t in tasks])),
        state=intervals[-1].state if running else TimerState.STOPPED,
        started_at=started_at,
        business_date=draw(_timer_business_date(started_at, clock)),
        stopped_at=None if running else at,
        intervals=intervals,
    )


@st.composite
def _roster(
    draw: st.DrawFn,
    people: list[Employee],
    shifts: list[ShiftTemplate],
    store: Store,
    day: date,
    *,
    back: tuple[int, ...] = (1, 0),
) -> list[RosterEntry]:
    """Some people rostered on the day, some the day before (an overnight shift may reach in),
    or on the days ``back`` from the day."""
    return [
        RosterEntry(
            id=new_id(),
            organization_id=store.organization_id,
            employee_id=person.id,
            business_date=on,
            shift_template_id=draw(st.sampled_from(shifts)).id,
            store_id=store.id,
        )
        for person in people
        for on in (day - timedelta(days=n) for n in back)
        if draw(st.booleans())
    ]


@st.composite
def _attendance(draw: st.DrawFn, people: list[Employee], day: date) -> list[Attendance]:
    """Attendance on some of the days of a reliability window, rostered or not."""
    days = [day - timedelta(days=back) for back in (0, 1, 29, 30)]
    return [
        Attendance(
            id=new_id(),
            organization_id=person.organization_id,
            employee_id=person.id,
            business_date=on,
            status=draw(st.sampled_from(AttendanceStatus)),
        )
        for person in people
        for on in days
        if draw(st.booleans())
    ]


def _stored_score(person: Employee, day: date, at: datetime) -> DailyScore:
    return DailyScore(
        id=new_id(),
        organization_id=person.organization_id,
        employee_id=person.id,
        business_date=day,
        score=None,
        metrics=(),
        reliability=None,
        calculated_at=at,
    )


@st.composite
def small_organizations(draw: st.DrawFn) -> SmallOrganization:
    """An organization with a few employees, shifts, roster entries, tasks and timers."""
    timezone = draw(st.sampled_from(ONE_HOUR_DST_TIMEZONES))
    day = draw(st.sampled_from(DAYS))
    clock = _Clock(day, timezone)
    organization = Organization(
        id=new_id(),
        name="Generated",
        settings=OrganizationSettings(timezone=timezone),
        created_at=clock.day_start,
    )
    org_id = organization.id
    store = Store(
        id=new_id(), organization_id=org_id, name="S", latitude=0, longitude=0, radius_meters=50
    )
    department = Department(id=new_id(), organization_id=org_id, name="D")
    shifts = draw(st.lists(_shift(org_id), min_size=1, max_size=3))
    actives = draw(st.lists(st.booleans() | st.just(True), min_size=1, max_size=4))
    people = [_employee(organization, department, active) for active in actives]
    roster = draw(_roster(people, shifts, store, day))
    tasks = draw(st.lists(_task(org_id, people, day, clock), max_size=10))
    timers: list[Timer] = []
    for person in people if tasks else []:
        count = draw(st.integers(0, 3))
        timers.extend(
            draw(_timer(person, tasks, clock, may_run=n == count - 1)) for n in range(count)
        )
    # the edges of the reliability window (29 days back is in it, 30 is not)
    roster += draw(_roster(people, shifts, store, day, back=(29, 30)))
    attendance = draw(_attendance(people, day))
    scored = [p for p in people if draw(st.booleans())]
    return SmallOrganization(
        organization,
        day,
        store,
        department,
        shifts,
        people,
        roster,
        tasks,
        timers,
        attendance,
        [_stored_score(person, day, clock.day_start) for person in scored],
    )
