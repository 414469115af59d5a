"""Per-request DataLoaders: one batch query per kind of record and request, never global.

A feature adds its loader here as a ``cached_property`` built from the context's
service context and caller, for example::

    @cached_property
    def employees(self) -> DataLoader[UUID, Employee]:
        return DataLoader(load_fn=partial(load_employees, self._context))

and its resolvers call ``info.context.loaders.employees.load(employee_id)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jts_api.context import GraphQLContext


class DataLoaders:
    """The loaders of one request (made lazily, so a request pays only for what it uses)."""

    def __init__(self, context: GraphQLContext) -> None:
        self._context = context
