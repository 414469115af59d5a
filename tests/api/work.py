"""What the task and timer API tests share: a staffed organization with tokens, and the
documents they send.

The organization (people, store, shift, today's roster) and clocking in are written
through the domain's use cases and ports on the run's database: the organization and
attendance mutations are another feature's, and these tests are about tasks and timers.
Everything under test goes through the real server over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.auth.tokens import TokenCodec
from jts_domain.clock import ManualClock
from jts_domain.ids import new_id
from jts_domain.model import Employee, JobCategory, Role, ShiftTemplate
from jts_domain.services import ServiceContext
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.api.harness import TEST_SECRET_KEY, ApiServer, Gql, GraphQLResult
from tests.services.builders import World, build_world, roster_entry
from tests.services.steps import clock_in

TASK_FIELDS = """
fragment TaskFields on Task {
  id title description status priority assignee { id name } departmentId storeId jobCategory
  environment plannedDate dueAt slaDeadline estimatedMinutes actualMinutes requiresReview
  qualityRating source version slaStatus allowedActions createdAt
  history { fromStatus toStatus at actorType actorId actorName note secondsInPrevious }
  timer { id state allowedActions task { id } employee { id } }
}
"""

TIMER_FIELDS = """
fragment TimerFields on Timer {
  id state task { id status } employee { id } startedAt stoppedAt activeSeconds pauseSeconds
  breakSeconds autoStopped autoStopReason skippedChecks overrideReason allowedActions
}
"""

TASK = "query Task($id: ID!) { task(id: $id) { ...TaskFields } }" + TASK_FIELDS
CREATE = (
    "mutation Create($input: CreateTaskInput!) { createTask(input: $input) { ...TaskFields } }"
    + TASK_FIELDS
)
CURRENT_TIMER = (
    "query Current($e: ID) { currentTimer(employeeId: $e) { ...TimerFields } }" + TIMER_FIELDS
)


def task_move(name: str, **arguments: str) -> str:
    """The document of a task trigger mutation taking ``id`` and the given arguments
    (name → GraphQL type), answering the task."""
    declared = "".join(f", ${key}: {kind}" for key, kind in arguments.items())
    passed = "".join(f", {key}: ${key}" for key in arguments)
    return (
        f"mutation Move($id: ID!{declared}) {{ {name}(id: $id{passed}) {{ ...TaskFields }} }}"
        + TASK_FIELDS
    )


def timer_move(name: str) -> str:
    """The document of a timer mutation taking an optional ``timerId``."""
    return (
        f"mutation Timer($timerId: ID) {{ {name}(timerId: $timerId) {{ ...TimerFields }} }}"
        + TIMER_FIELDS
    )


@dataclass
class Team:
    """A world (see :func:`tests.services.builders.build_world`) seen through the API."""

    world: World
    ctx: ServiceContext
    gql: Gql
    server: ApiServer
    tokens: dict[str, str]

    @property
    def clock(self) -> ManualClock:
        assert self.server.clock is not None
        return self.server.clock

    def as_(self, who: str, query: str, variables: dict[str, Any] | None = None) -> GraphQLResult:
        """Send a document as ``who`` (admin, manager, alice, bob, or a name added)."""
        return self.gql(query, variables, token=self.tokens[who])

    def token_for(self, employee: Employee) -> str:
        """A token naming the employee, signed as the server signs them."""
        return TokenCodec(TEST_SECRET_KEY, self.clock, timedelta(hours=12)).issue(employee)

    async def clock_in(self, employee: Employee) -> None:
        """Clock the employee in at the world's store."""
        await clock_in(self.ctx, self.world, employee)

    def create(self, who: str = "manager", **fields: Any) -> dict[str, Any]:
        """Create a task through the API (title defaulted); the task."""
        task_input = {"title": f"Task {new_id().hex[:6]}", **fields}
        return self.as_(who, CREATE, {"input": task_input}).ok()["createTask"]

    def read(self, task_id: str, who: str = "admin") -> dict[str, Any]:
        """The task as the API answers it now."""
        return self.as_(who, TASK, {"id": task_id}).ok()["task"]

    def move(self, who: str, name: str, task_id: str, **arguments: Any) -> GraphQLResult:
        """Run a task trigger mutation (``employeeId`` is an ``ID!``, other string arguments
        ``String!``, ints ``Int!``)."""
        kinds = {
            k: "ID!" if k == "employeeId" else "Int!" if isinstance(v, int) else "String!"
            for k, v in arguments.items()
        }
        return self.as_(who, task_move(name, **kinds), {"id": task_id, **arguments})

    async def rostered(self, name: str, start: time, end: time) -> Employee:
        """A new employee of the department, rostered today on a shift of their own."""
        world = self.world
        shift = ShiftTemplate(
            id=new_id(),
            organization_id=world.org.id,
            name=f"{start:%H%M}-{end:%H%M}",
            start_time=start,
            end_time=end,
        )
        person = Employee(
            id=new_id(),
            organization_id=world.org.id,
            email=f"{name.lower()}-{new_id().hex}@example.test",
            name=name,
            role=Role.EMPLOYEE,
            department_id=world.department.id,
            job_category=JobCategory.SALES,
            store_id=world.store.id,
            created_at=self.clock.now(),
        )
        today: date = world.today
        async with self.ctx.uow() as uow:
            await uow.shift_templates.add(shift)
            await uow.employees.add(person)
            await uow.roster.add(
                roster_entry(world.org.id, person.id, today, shift.id, world.store.id)
            )
            await uow.commit()
        self.tokens[name.lower()] = self.token_for(person)
        return person


async def make_team(engine: AsyncEngine, server: ApiServer, gql: Gql) -> Team:
    """A new organization on the server's database and clock, every member signed in."""
    assert server.clock is not None
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=server.clock)
    world = await build_world(ctx)
    team = Team(world=world, ctx=ctx, gql=gql, server=server, tokens={})
    for name in ("admin", "manager", "alice", "bob"):
        team.tokens[name] = team.token_for(getattr(world, name))
    return team
