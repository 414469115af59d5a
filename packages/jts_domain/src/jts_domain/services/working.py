"""The frame of every work use case: load the aggregate, act, save, commit.

``async with working(...) as w:`` opens a unit of work, reads the task-and-timer aggregate
with what is around it (one read), checks that the caller's account still stands and, when
a trigger is named, that the task may take it (INVALID_TRANSITION); the block checks who
may act and calls one method of ``w.work``; leaving the block saves and commits. An error
in the block rolls everything back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.model import OrganizationSettings
from jts_domain.model.caller import Caller
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import ServiceContext
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.loaded import LoadedWork
from jts_domain.work.recording import save_work
from jts_domain.work.start_checks import StartClearance, clear_start


@dataclass(frozen=True, slots=True)
class Working:
    """What the body of a work use case gets."""

    uow: UnitOfWork
    loaded: LoadedWork
    at: datetime
    caller: Caller

    @property
    def work(self) -> TaskWork:
        """The aggregate to act on."""
        return self.loaded.work

    @property
    def settings(self) -> OrganizationSettings:
        """The organization's settings."""
        return self.loaded.settings

    def clear_start(self, override_reason: str | None) -> StartClearance:
        """Run the start checks for the caller on this task now."""
        return clear_start(
            self.loaded.start_conditions(),
            self.caller,
            self.work.task,
            settings=self.loaded.settings,
            at=self.at,
            override_reason=override_reason,
        )


@asynccontextmanager
async def working(
    ctx: ServiceContext, caller: Caller, task_id: UUID, trigger: str | None = None
) -> AsyncIterator[Working]:
    """Work on a task (NOT_FOUND when the organization has none with that id)."""
    async with ctx.uow() as uow:
        at = ctx.clock.now()
        loaded = await uow.work.for_task(
            caller.organization_id, task_id, acting=caller.employee_id, at=at
        )
        async with _acting(uow, loaded, at, caller, trigger) as w:
            yield w


@asynccontextmanager
async def working_on_timer(
    ctx: ServiceContext, caller: Caller, timer_id: UUID | None, *, employee_id: UUID | None = None
) -> AsyncIterator[Working]:
    """Work on the task of a timer: the one named, else the employee's non-stopped one
    (``employee_id``, the caller by default; NOT_FOUND when there is none)."""
    async with ctx.uow() as uow:
        at = ctx.clock.now()
        loaded = await load_timer_work(uow, caller, timer_id, at, employee_id=employee_id)
        async with _acting(uow, loaded, at, caller, None) as w:
            yield w


async def load_timer_work(
    uow: UnitOfWork,
    caller: Caller,
    timer_id: UUID | None,
    at: datetime,
    *,
    employee_id: UUID | None = None,
) -> LoadedWork:
    """The work of the timer named, or of the employee's current timer."""
    org = caller.organization_id
    if timer_id is not None:
        return await uow.work.for_timer(org, timer_id, acting=caller.employee_id, at=at)
    owner = employee_id or caller.employee_id
    if owner is None:
        raise invalid("only an employee has timers of their own")
    loaded = await uow.work.for_employee(org, owner, acting=caller.employee_id, at=at)
    if loaded is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no current timer", {"id": None})
    return loaded


@asynccontextmanager
async def _acting(
    uow: UnitOfWork, loaded: LoadedWork, at: datetime, caller: Caller, trigger: str | None
) -> AsyncIterator[Working]:
    loaded.check_standing(caller)
    if trigger is not None:
        loaded.work.expect(trigger)
    yield Working(uow=uow, loaded=loaded, at=at, caller=caller)
    await save_work(uow, loaded.work)
    await uow.commit()
