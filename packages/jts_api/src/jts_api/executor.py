"""The schema's executor: graphql-core's, with what JTS adds to it.

* a live event shared by many subscribers is executed once per document
  (:class:`jts_api.live_results.SharedEventExecutor`);
* long lists of flat input objects (uploads) are coerced by a fast path that answers
  what graphql-core would (:mod:`jts_api.flat_inputs`);
* the coroutine of an async resolver whose field was cancelled before it began is
  closed: a sibling's error cancels pending fields, graphql-core's completion coroutine
  is then closed unstarted, and the resolver's coroutine it holds would be dropped
  unawaited (a ``RuntimeWarning`` from the garbage collector, at any later moment).
"""

from __future__ import annotations

from collections.abc import Generator
from inspect import CORO_CREATED, getcoroutinestate, iscoroutine
from typing import Any

from graphql import DocumentNode, GraphQLOutputType, GraphQLResolveInfo, GraphQLSchema
from graphql.pyutils import Path

from jts_api.flat_inputs import pre_coerce
from jts_api.live_results import SharedEventExecutor


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
