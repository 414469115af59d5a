"""Per-request DataLoaders: one batch query per kind of record and request, never global.

A feature adds its loader here as a ``cached_property`` built from the context's
service context and caller, for example::

    @cached_property
    def employees(self) -> DataLoader[UUID, Employee]:
        return DataLoader(load_fn=partial(load_employees, self._context))

and its resolvers call ``info.context.loaders.employees.load(employee_id)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING
from uuid import UUID

from strawberry.dataloader import DataLoader

from jts_domain.model import Employee, Task
from jts_domain.services import lookups

if TYPE_CHECKING:
    from jts_api.context import GraphQLContext


class DataLoaders:
    """The loaders of one request (made lazily, so a request pays only for what it uses)."""

    def __init__(self, context: GraphQLContext) -> None:
        self._context = context

    @cached_property
    def employees(self) -> DataLoader[UUID, Employee | None]:
        """Employees of the caller's organization by id (None for an unknown id)."""

        async def load(ids: Sequence[UUID]) -> list[Employee | None]:
            ctx = self._context
            found = await lookups.employees_by_id(ctx.services, ctx.require_caller(), ids)
            return [found.get(i) for i in ids]

        return DataLoader(load_fn=load)

    @cached_property
    def tasks(self) -> DataLoader[UUID, Task | None]:
        """Tasks of the caller's organization by id (None for an unknown id)."""

        async def load(ids: Sequence[UUID]) -> list[Task | None]:
            ctx = self._context
            found = await lookups.tasks_by_id(ctx.services, ctx.require_caller(), ids)
            return [found.get(i) for i in ids]

        return DataLoader(load_fn=load)
