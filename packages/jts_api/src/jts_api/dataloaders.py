"""Per-request DataLoaders: one batch query per kind of record and request, never global.

A feature adds its loader here as a ``cached_property`` built from the context's
service context and caller, for example::

    @cached_property
    def employees(self) -> DataLoader[UUID, Employee]:
        return DataLoader(load_fn=partial(load_employees, self._context))

and its resolvers call ``info.context.loaders.employees.load(employee_id)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from jts_domain.jtd import jobs as jtd_jobs
from jts_domain.jtd.model import JobStatusChange, JobToDo
from jts_domain.model import Employee, OrganizationSettings, StatusChange, Task, Timer
from jts_domain.services import Caller, ServiceContext, related

if TYPE_CHECKING:
    from jts_api.context import GraphQLContext

V = TypeVar("V")
_BatchRead = Callable[[ServiceContext, Caller, Sequence[UUID]], Awaitable[Mapping[UUID, V]]]


def _batch(context: GraphQLContext, read: _BatchRead[V]) -> DataLoader[UUID, V | None]:
    """A loader answering each key with the record ``read`` found for it, or None."""

    async def load(keys: list[UUID]) -> list[V | None]:
        found = await read(context.services, context.require_caller(), keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


class DataLoaders:
    """The loaders of one request (made lazily, so a request pays only for what it uses)."""

    def __init__(self, context: GraphQLContext) -> None:
        self._context = context
        self._settings: asyncio.Task[OrganizationSettings] | None = None

    @cached_property
    def employees(self) -> DataLoader[UUID, Employee | None]:
        """Employees of the caller's organization by id (a task's assignee)."""
        return _batch(self._context, related.employees_by_ids)

    @cached_property
    def tasks(self) -> DataLoader[UUID, Task | None]:
        """Tasks of the caller's organization by id (a timer's task)."""
        return _batch(self._context, related.tasks_by_ids)

    @cached_property
    def active_timers(self) -> DataLoader[UUID, Timer | None]:
        """The non-stopped timer of a task, by task id."""
        return _batch(self._context, related.active_timers_for_tasks)

    @cached_property
    def histories(self) -> DataLoader[UUID, list[StatusChange] | None]:
        """A task's status changes, oldest first, by task id."""
        return _batch(self._context, related.histories_for_tasks)

    @cached_property
    def jobs_to_do(self) -> DataLoader[UUID, JobToDo | None]:
        """Jobs to do of the caller's organization by id (a move's job)."""
        return _batch(self._context, jtd_jobs.jobs_by_ids)

    @cached_property
    def job_histories(self) -> DataLoader[UUID, list[JobStatusChange] | None]:
        """A job to do's moves, oldest first, by job id."""
        return _batch(self._context, jtd_jobs.job_histories)

    def organization_settings(self) -> Awaitable[OrganizationSettings]:
        """The caller's organization's settings, read once per request."""
        if self._settings is None:
            ctx = self._context
            read = related.organization_settings(ctx.services, ctx.require_caller())
            self._settings = asyncio.ensure_future(read)
        return self._settings
