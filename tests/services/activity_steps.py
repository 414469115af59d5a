"""What the activity service tests share: a working employee and heartbeats to send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from jts_domain.activity.model import ActivityItem, ActivityKind
from jts_domain.model import Employee, Task, Timer
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from tests.services.builders import World
from tests.services.steps import clock_in


@dataclass(frozen=True)
class Working:
    """An employee clocked in with a running timer on a task of theirs."""

    employee: Employee
    task: Task
    timer: Timer


async def start_working(
    ctx: ServiceContext, world: World, employee: Employee | None = None
) -> Working:
    """Clock the employee (Alice by default) in and start a timer on a new task."""
    person = employee or world.alice
    await clock_in(ctx, world, person)
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Write the report", assignee_id=person.id
    )
    task = await task_service.start_task(ctx, world.caller(person), task.id)
    timer = await timer_service.current_timer(ctx, world.caller(person))
    assert timer is not None
    return Working(person, task, timer)


def beat(
    at: datetime,
    seconds: int = 30,
    *,
    kind: ActivityKind = ActivityKind.ACTIVE,
    client_id: str | None = None,
    app: str | None = "editor",
    **kw: object,
) -> ActivityItem:
    """A heartbeat with a fresh client id unless one is given."""
    return ActivityItem(
        client_id=client_id if client_id is not None else uuid4().hex,
        at=at,
        kind=kind,
        seconds=seconds,
        app=app,
        **kw,  # type: ignore[arg-type]
    )


def every(
    start: datetime, count: int, step: int = 30, seconds: int = 30, **kw: object
) -> list[ActivityItem]:
    """``count`` heartbeats ``step`` seconds apart from ``start``."""
    return [beat(start + timedelta(seconds=step * n), seconds, **kw) for n in range(count)]  # type: ignore[arg-type]
