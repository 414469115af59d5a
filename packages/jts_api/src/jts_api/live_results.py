"""One execution per live event and document, shared by every subscriber.

A thousand screens following the same employee receive the same event, and most ask
for it with the same document. graphql-core executes a subscription's selection set
once per event *per subscriber*; :class:`SharedEventExecutor` (the schema's executor)
remembers the result of an event's execution, keyed by the document's operation (the
parser cache hands every subscriber of the same text the same node) and the variables,
and answers the other subscribers with it.

Only events whose payload is a :class:`SharedPayload` are shared: plain data whose
fields resolve the same for every caller (who may follow it was decided when the
subscription started). Results with errors are never shared. A result is kept for the
last :data:`MAX_SHARED_RESULTS` executions, holding its payload, so an identity check
can never mistake a new event for an old one.

The executor also closes the coroutine of an async resolver whose field was cancelled
before it began (a sibling's error cancels pending fields; graphql-core's completion
coroutine is then closed unstarted, and the resolver's coroutine it holds would be
dropped unawaited, a ``RuntimeWarning`` on every such request).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Generator
from inspect import CORO_CREATED, getcoroutinestate, iscoroutine
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from jts_api.flat_inputs import pre_coerce

MAX_SHARED_RESULTS = 256

_Key = tuple[int, int, str]


class SharedPayload:
    """Marks a subscription payload whose selection resolves the same for everyone."""


class _Answered:
    """Stands for a per-event executor whose result is already known."""

    def __init__(self, result: ExecutionResult) -> None:
        self._result = result

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self._result


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


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, executing a shared event's selection once per document,
    and leaving no resolver coroutine unawaited when a field is cancelled."""

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
        # Long lists of flat input objects (uploads) are coerced by a fast path that
        # answers what graphql-core would; the generic coercion sees an empty list.
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

    def build_per_event_executor(self, payload: Any) -> Any:
        # graphql-core copies the executor for every event of every subscriber; a
        # shared event already executed for this document needs no copy.
        if isinstance(payload, SharedPayload):
            found = _memo().get(self._key(payload))
            if found is not None and found[0] is payload:
                return _Answered(found[1])
        return super().build_per_event_executor(payload)

    def _key(self, payload: object) -> _Key:
        return (id(payload), id(self.operation), _variables_key(self.variable_values))

    def execute_operation(self, serially: bool | None = None) -> Any:
        payload = self.root_value
        if not isinstance(payload, SharedPayload):
            return super().execute_operation(serially)
        key = self._key(payload)
        found = _memo().get(key)
        if found is not None and found[0] is payload:
            return found[1]
        result = super().execute_operation(serially)
        if isinstance(result, Awaitable):
            return self._remember_when_done(key, payload, result)
        self._remember(key, payload, result)
        return result

    async def _remember_when_done(self, key: _Key, payload: object, pending: Awaitable[Any]) -> Any:
        result = await pending
        self._remember(key, payload, result)
        return result

    @staticmethod
    def _remember(key: _Key, payload: object, result: object) -> None:
        if isinstance(result, ExecutionResult) and not result.errors:
            memo = _memo()
            memo[key] = (payload, result)
            while len(memo) > MAX_SHARED_RESULTS:
                memo.popitem(last=False)


_local = threading.local()


def _memo() -> OrderedDict[_Key, tuple[object, ExecutionResult]]:
    """The memo of this thread's event loop (one per process, unless apps share one)."""
    memo: OrderedDict[_Key, tuple[object, ExecutionResult]] | None = getattr(_local, "memo", None)
    if memo is None:
        memo = _local.memo = OrderedDict()
    return memo


def encoded_data(data: object) -> str:
    """``data`` as JSON, encoded once for every subscriber that sends the same object
    (a shared result's data is one object for all of them)."""
    encoded = _encoded()
    found = encoded.get(id(data))
    if found is not None and found[0] is data:
        return found[1]
    text = json.dumps(data, separators=(",", ":"))
    encoded[id(data)] = (data, text)
    while len(encoded) > MAX_SHARED_RESULTS:
        encoded.popitem(last=False)
    return text


def _encoded() -> OrderedDict[int, tuple[object, str]]:
    encoded: OrderedDict[int, tuple[object, str]] | None = getattr(_local, "encoded", None)
    if encoded is None:
        encoded = _local.encoded = OrderedDict()
    return encoded


def _variables_key(variables: Any) -> str:
    coerced = getattr(variables, "coerced", variables)  # graphql-core's VariableValues
    return "" if not coerced else json.dumps(coerced, sort_keys=True, default=str)
