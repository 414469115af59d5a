"""One execution per live event and document, shared by every subscriber.

A thousand screens following the same employee receive the same event, and most ask
for it with the same document. graphql-core executes a subscription's selection set
once per event *per subscriber*; :class:`SharedEventExecutor` (the base of the schema's
executor, :class:`jts_api.executor.Executor`) remembers the result of an event's
execution, keyed by the document's operation (the parser cache hands every subscriber of
the same text the same node) and the variables, and answers the other subscribers with
it.

Only events whose payload is a :class:`SharedPayload` are shared: plain data whose
fields resolve the same for every caller (who may follow it was decided when the
subscription started). Results with errors are never shared. A result is kept for the
last :data:`MAX_SHARED_RESULTS` executions, holding its payload, so an identity check
can never mistake a new event for an old one.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

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


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, executing a shared event's selection once per document."""

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
