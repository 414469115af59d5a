"""The one world builder of the API tests: :class:`Team`, an organization and its people as
the API sees them, with a bearer token per person.

It is built one of two ways, both answering the same helpers (``token``, ``id``,
``as_``, ``at``, ``vars``, ``local_now``, the task moves…):

* :func:`make_team` — written through the domain's ports on the run's database (the
  services' world, :func:`tests.services.builders.build_world`: admin, a manager of
  Sales, Alice and Bob rostered 09:00–17:00 today with a 30 min break at the store), for
  every test whose subject is not the setup itself: quick, and ``team.world`` holds the
  records;
* :func:`make_team_over_http` — built through the setup mutations themselves (register,
  ``createStore``, ``createDepartment``, ``createShiftTemplate``, ``createEmployee``,
  ``assignRoster``, ``login``): ``admin``, ``manager`` and ``employee``, the last two
  rostered on a shift that started five minutes before the server's now, for the tests of
  the setup and administration mutations, which call those mutations through the same
  helpers (:meth:`Team.registered` gives an organization with only its admin).

The documents of the setup and attendance mutations, and coordinates :data:`INSIDE` and
:data:`OUTSIDE` the store's 100 m geofence, are here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.auth.tokens import TokenCodec
from jts_domain.clock import ManualClock
from jts_domain.ids import new_id
from jts_domain.model import Employee, OrganizationSettings
from jts_domain.services import ServiceContext
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.api.harness import (
    TEST_SECRET_KEY,
    ApiServer,
    Gql,
    GraphQLResult,
    login,
    register,
    unique_email,
)
from tests.api.work import CREATE, TASK, task_move
from tests.services.builders import (
    STORE_LATITUDE,
    STORE_LONGITUDE,
    World,
    build_world,
    rostered_employee,
)
from tests.services.steps import clock_in as _clock_in

KOLKATA = ZoneInfo("Asia/Kolkata")
#: About 15 m from the store: inside a 100 m geofence.
INSIDE = {"latitude": 12.9717, "longitude": 77.5947}
#: About 2.4 km away.
OUTSIDE = {"latitude": 12.9900, "longitude": 77.6000}
EMPLOYEE_PASSWORD = "employee password 1"

CREATE_STORE = """
mutation($input: CreateStoreInput!) {
  createStore(input: $input) { id name latitude longitude radiusMeters }
}"""
CREATE_DEPARTMENT = """
mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id name managerId } }
"""
CREATE_SHIFT = """
mutation($input: CreateShiftTemplateInput!) {
  createShiftTemplate(input: $input) { id name startTime endTime breakMinutes }
}"""
CREATE_EMPLOYEE = """
mutation($input: CreateEmployeeInput!) {
  createEmployee(input: $input) { id email role departmentId jobCategory storeId }
}"""
ASSIGN_ROSTER = """
mutation($input: AssignRosterInput!) {
  assignRoster(input: $input) { id employeeId date shiftTemplateId storeId }
}"""
ATTENDANCE_FIELDS = """
  id employeeId date status storeId clockInAt clockOutAt latitude longitude selfieRef
  overrideBy overrideReason
"""
CLOCK_IN = f"""
mutation($input: ClockInInput!) {{ clockIn(input: $input) {{ {ATTENDANCE_FIELDS} }} }}
"""
CLOCK_OUT = f"mutation {{ clockOut {{ {ATTENDANCE_FIELDS} }} }}"
ATTENDANCE = f"""
query($date: Date!, $employeeId: ID) {{
  attendance(date: $date, employeeId: $employeeId) {{ {ATTENDANCE_FIELDS} }}
}}"""


@dataclass
class Team:
    """An organization on ``server`` and its people, each signed in (``tokens``), known by
    name: ``admin``, ``manager`` and ``alice``/``bob`` (through the ports) or ``employee``
    (over HTTP), and whoever a test adds."""

    server: ApiServer
    gql: Gql
    organization_id: str
    today: date
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    #: The store, department and shift (``store``, ``department``, ``shift``), by id.
    places: dict[str, str] = field(default_factory=dict)
    built: World | None = None
    context: ServiceContext | None = None

    # -- what it is made of

    @property
    def world(self) -> World:
        """The records written through the ports (:func:`make_team` only)."""
        assert self.built is not None, "a team set up over HTTP has no records of its own"
        return self.built

    @property
    def base(self) -> World:
        """:attr:`world`, by the name the insight tests read it."""
        return self.world

    @property
    def ctx(self) -> ServiceContext:
        """Use cases on the run's database and the server's clock (:func:`make_team` only)."""
        assert self.context is not None, "a team set up over HTTP has no use cases"
        return self.context

    @property
    def clock(self) -> ManualClock:
        return self.server.manual_clock

    @property
    def store_id(self) -> str:
        return self.places["store"]

    @property
    def department_id(self) -> str:
        return self.places["department"]

    @property
    def shift_id(self) -> str:
        return self.places["shift"]

    def token(self, who: str) -> str:
        """The bearer token of ``who``."""
        return self.tokens[who]

    def id(self, who: str) -> str:
        """The GraphQL id of ``who``."""
        return self.ids[who]

    def email(self, who: str) -> str:
        """The e-mail address of ``who``."""
        return self.emails[who]

    def person(self, who: str) -> Employee:
        """The employee record of ``admin``, ``manager``, ``alice`` or ``bob``."""
        return getattr(self.world, who)  # type: ignore[no-any-return]

    # -- time

    def local_now(self) -> datetime:
        """The server clock's instant, in the organization's timezone (Asia/Kolkata)."""
        return self.clock.now().astimezone(KOLKATA)

    def at(self, hour: int, minute: int = 0, *, day: date | None = None) -> datetime:
        """An instant of the team's day (or ``day``), local time in Kolkata, as UTC."""
        local = datetime.combine(day or self.today, time(hour, minute), tzinfo=KOLKATA)
        return local.astimezone(UTC)

    @staticmethod
    def vars(**values: Any) -> dict[str, Any]:
        """GraphQL variables, dates as ISO strings."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}

    # -- talking to the server

    def as_(self, who: str, query: str, variables: dict[str, Any] | None = None) -> GraphQLResult:
        """Send a document as ``who``."""
        return self.gql(query, variables, token=self.tokens[who])

    def token_for(self, employee: Employee) -> str:
        """A token naming the employee, signed as the server signs them."""
        return TokenCodec(TEST_SECRET_KEY, self.clock, timedelta(hours=12)).issue(employee)

    def add_member(self, who: str, employee: Employee) -> None:
        """Know ``employee`` as ``who``, signed in."""
        self.tokens[who] = self.token_for(employee)
        self.ids[who] = str(employee.id)
        self.emails[who] = employee.email

    # -- tasks and timers (through the API)

    def create(self, who: str = "manager", **fields: Any) -> dict[str, Any]:
        """Create a task through the API (title defaulted); the task."""
        task_input = {"title": f"Task {new_id().hex[:6]}", **fields}
        return self.as_(who, CREATE, {"input": task_input}).ok()["createTask"]  # type: ignore[no-any-return]

    def read(self, task_id: str, who: str = "admin") -> dict[str, Any]:
        """The task as the API answers it now."""
        return self.as_(who, TASK, {"id": task_id}).ok()["task"]  # type: ignore[no-any-return]

    def move(self, who: str, name: str, task_id: str, **arguments: Any) -> GraphQLResult:
        """Run a task trigger mutation (``employeeId`` is an ``ID!``, other string arguments
        ``String!``, ints ``Int!``)."""
        kinds = {
            k: "ID!" if k == "employeeId" else "Int!" if isinstance(v, int) else "String!"
            for k, v in arguments.items()
        }
        return self.as_(who, task_move(name, **kinds), {"id": task_id, **arguments})

    # -- setting the scene through the ports (make_team)

    async def clock_in(self, employee: Employee) -> None:
        """Clock the employee in at the world's store."""
        await _clock_in(self.ctx, self.world, employee)

    async def rostered(self, name: str, start: time, end: time) -> Employee:
        """A new employee of the department, rostered today on a shift of their own."""
        person = await rostered_employee(
            self.ctx, self.world, start, end, self.world.today, name=name
        )
        self.add_member(name.lower(), person)
        return person

    # -- setting up over HTTP, as the admin (make_team_over_http and the setup tests)

    @classmethod
    def registered(cls, gql: Gql, server: ApiServer) -> Team:
        """A newly registered organization (Asia/Kolkata) with only its admin, ``admin``."""
        admin = register(gql)
        team = cls(
            server=server,
            gql=gql,
            organization_id=admin.organization_id,
            today=server.manual_clock.now().astimezone(KOLKATA).date(),
        )
        team.tokens["admin"], team.ids["admin"] = admin.token, admin.employee_id
        team.emails["admin"] = admin.email
        return team

    def _setup(self, document: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.as_("admin", document, {"input": values}).ok()[name]
        return answer

    def create_store(self, **values: Any) -> dict[str, Any]:
        """``createStore`` with ``values``; the store."""
        return self._setup(CREATE_STORE, "createStore", values)

    def create_department(self, **values: Any) -> dict[str, Any]:
        """``createDepartment`` with ``values``; the department."""
        return self._setup(CREATE_DEPARTMENT, "createDepartment", values)

    def create_shift(self, start: datetime, *, hours: int = 8, **values: Any) -> dict[str, Any]:
        """``createShiftTemplate`` "Day" from ``start``'s time for ``hours`` (30 min break
        unless ``values`` say otherwise); the shift."""
        shift = {
            "name": "Day",
            "startTime": start.time().isoformat(),
            "endTime": (start + timedelta(hours=hours)).time().isoformat(),
            "breakMinutes": 30,
            **values,
        }
        return self._setup(CREATE_SHIFT, "createShiftTemplate", shift)

    def create_person(self, *, role: str = "EMPLOYEE", **values: Any) -> dict[str, Any]:
        """``createEmployee`` (named after the role, password :data:`EMPLOYEE_PASSWORD`,
        unless ``values`` say otherwise); the employee."""
        person = {
            "email": unique_email(role.lower()),
            "name": role.title(),
            "password": EMPLOYEE_PASSWORD,
            "role": role,
            **values,
        }
        return self._setup(CREATE_EMPLOYEE, "createEmployee", person)

    def assign_roster(self, employee_id: str, day: date, shift_id: str, store_id: str) -> Any:
        """``assignRoster``; the entry."""
        entry = {
            "employeeId": employee_id,
            "date": day.isoformat(),
            "shiftTemplateId": shift_id,
            "storeId": store_id,
        }
        return self._setup(ASSIGN_ROSTER, "assignRoster", entry)

    def sign_in(self, who: str, email: str, password: str = EMPLOYEE_PASSWORD) -> str:
        """``login`` as ``email``, known from now on as ``who``; the token."""
        account = login(self.gql, email, password)
        self.tokens[who], self.ids[who], self.emails[who] = (
            account.token,
            account.employee_id,
            account.email,
        )
        return account.token


async def make_team(
    engine: AsyncEngine, server: ApiServer, gql: Gql, settings: OrganizationSettings | None = None
) -> Team:
    """A new organization written through the ports on the server's database and clock
    (see :func:`tests.services.builders.build_world`), every member signed in."""
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=server.manual_clock)
    world = await build_world(ctx, settings)
    team = Team(
        server=server,
        gql=gql,
        organization_id=str(world.org.id),
        today=world.today,
        places={
            "store": str(world.store.id),
            "department": str(world.department.id),
            "shift": str(world.shift.id),
        },
        built=world,
        context=ctx,
    )
    for who in ("admin", "manager", "alice", "bob"):
        team.add_member(who, getattr(world, who))
    return team


def make_team_over_http(gql: Gql, server: ApiServer) -> Team:
    """Register an organization and set it up through the mutations: a store, a
    department, a shift that started five minutes ago, a manager and an employee (both of
    the department, SALES, at the store) rostered today on it and signed in."""
    team = Team.registered(gql, server)
    store = team.create_store(
        name="MG Road", latitude=STORE_LATITUDE, longitude=STORE_LONGITUDE, radiusMeters=100
    )
    department = team.create_department(name="Sales")
    start = (team.local_now() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    shift = team.create_shift(start)
    team.places = {"store": store["id"], "department": department["id"], "shift": shift["id"]}
    team.today = start.date()
    people = {
        role: team.create_person(
            role=role, departmentId=department["id"], jobCategory="SALES", storeId=store["id"]
        )
        for role in ("MANAGER", "EMPLOYEE")
    }
    for person in people.values():
        team.assign_roster(person["id"], start.date(), shift["id"], store["id"])
    for role, person in people.items():
        team.sign_in(role.lower(), person["email"])
    return team
