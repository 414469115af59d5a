"""The schema's executor: graphql-core's, with what JTS adds to it.

* a live event shared by many subscribers is executed once per document
  (:class:`jts_api.live_results.SharedEventExecutor`);
* long lists of flat input objects (uploads) are coerced by a fast path that answers
  what graphql-core would (:mod:`jts_api.flat_inputs`), and long lists of objects whose
  selected fields are plain leaves (an upload's results) are completed by one
  (:mod:`jts_api.leaf_lists`);
* sibling fields settle instead of being cancelled when one fails
  (:func:`gather_settled`, in graphql-core's executor in place of its
  ``gather_with_cancel``): a task cancelled before it began is closed unstarted, and
  every coroutine it was to await — a resolver's, a nested object's or list's completion —
  is dropped unawaited (a ``RuntimeWarning`` from the garbage collector at any later
  moment, graphql-core #269). graphql-core's executor reads that name from its module at
  each call and has no hook for it, hence the one assignment at import below;
* for what is still cancelled (the whole operation, when its request goes away), the
  coroutine of an async resolver whose field had not begun is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Generator
from inspect import CORO_CREATED, getcoroutinestate, iscoroutine
from typing import Any

import graphql.execution.executor
from graphql import (
    DocumentNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
)
from graphql.pyutils import Path

from jts_api import leaf_lists
from jts_api.flat_inputs import pre_coerce
from jts_api.live_results import SharedEventExecutor


async def gather_settled(*awaitables: Awaitable[Any]) -> list[Any]:
    """The awaitables' results, run concurrently; when any fails, the others still run
    to their end (every error retrieved), then the first failure in their order is
    raised.

    graphql-core's ``gather_with_cancel`` cancels the others instead; see the module
    docstring for why not. Cancelled itself, it cancels them all.
    """
    futures = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    if not futures:
        return []
    try:
        await asyncio.wait(futures)
    except asyncio.CancelledError:
        for future in futures:
            future.cancel()
        raise
    failures = [f.exception() for f in futures]  # every failure retrieved, not logged
    for failure in failures:
        if failure is not None:
            raise failure
    return [future.result() for future in futures]


# graphql-core 3.3's executor calls the name of its module (see the module docstring).
graphql.execution.executor.gather_with_cancel = gather_settled  # type: ignore[attr-defined]


class _ClosedIfUnstarted:
    """A resolver's coroutine, awaited through this wrapper, and closed when the wrapper
    is dropped before anyone awaited it."""

    __slots__ = ("_coroutine",)

    def __init__(self, coroutine: Any) -> None:
        self._coroutine = coroutine

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coroutine.__await__()  # type: ignore[no-any-return]

    def __del__(self) -> None:
        if getcoroutinestate(self._coroutine) == CORO_CREATED:
            self._coroutine.close()


class Executor(SharedEventExecutor):
    """The schema's executor (see the module docstring)."""

    @classmethod
    def build(
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        raw_variable_values: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        # The generic coercion sees an empty list where the fast path coerced one.
        rest, coerced = pre_coerce(schema, document, raw_variable_values)
        if not coerced:
            return super().build(
                schema, document, root_value, context_value, raw_variable_values, *args, **kwargs
            )
        built = super().build(schema, document, root_value, context_value, rest, *args, **kwargs)
        if isinstance(built, list):
            return built  # errors in the other variables
        values = built.variable_values
        for name, value in coerced.items():
            values.coerced[name] = value
            assert raw_variable_values is not None  # coerced only when given
            values.sources[name] = values.sources[name]._replace(value=raw_variable_values[name])
        return built

    def complete_list_value(  # noqa: PLR0917 -- graphql-core's signature
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) in (list, tuple) and len(result) >= leaf_lists.MIN_ITEMS:
            completed = self._complete_leaf_list(return_type, field_details_list, path, result)
            if completed is not None:
                return completed
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _complete_leaf_list(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: Any,
        path: Path,
        result: Any,
    ) -> list[Any] | None:
        if self.get_stream_usage(field_details_list, path) is not None:
            return None
        item_type = return_type.of_type
        items_non_null = isinstance(item_type, GraphQLNonNull)
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if not isinstance(object_type, GraphQLObjectType):
            return None
        collected = self.collect_subfields(object_type, field_details_list)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            return None
        plan = leaf_lists.leaf_list(
            object_type,
            items_non_null,
            collected.grouped_field_set,
            self.middleware_manager,
            self.schema.get_field,
        )
        if plan is None:
            return None
        return plan.complete(result, self.is_awaitable)  # type: ignore[no-any-return]

    def complete_awaitable_value(  # noqa: PLR0917 -- graphql-core's signature
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if iscoroutine(result):
            result = _ClosedIfUnstarted(result)
        return super().complete_awaitable_value(
            return_type, field_details_list, info, path, result, position_context
        )
