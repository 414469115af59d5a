"""The schema's executor leaves no resolver coroutine behind.

A field error cancels its pending siblings; a sibling whose completion had not begun is
closed before it starts, and the async resolver's coroutine it was to await would be
dropped unawaited (a ``RuntimeWarning`` from the garbage collector, at any later
moment). The executor closes that coroutine instead.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator
from inspect import CORO_CLOSED, getcoroutinestate
from typing import Any

import pytest
from graphql import GraphQLField, GraphQLInt, GraphQLObjectType, GraphQLSchema, parse
from graphql.pyutils import Path

from jts_api.executor import Executor

_SCHEMA = GraphQLSchema(GraphQLObjectType("Query", {"n": GraphQLField(GraphQLInt)}))


@pytest.fixture
def unraisable() -> Iterator[list[str]]:
    """What the garbage collector reports while the test runs."""
    seen: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda report: seen.append(str(report.exc_value))
    try:
        yield seen
    finally:
        sys.unraisablehook = previous


async def _resolved() -> int:
    return 1


_DOCUMENT = parse("{ n }")
_FIELD = _DOCUMENT.definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]


def _completion(executor: Any, resolver: object) -> Any:
    query = _SCHEMA.query_type
    assert query is not None
    info = executor.build_resolve_info(query.fields["n"], [_FIELD], query, Path(None, "n", "Query"))
    return executor.complete_awaitable_value(GraphQLInt, (), info, info.path, resolver, None)


def test_a_field_cancelled_before_it_began_closes_its_resolver(unraisable: list[str]) -> None:
    executor = Executor.build(_SCHEMA, _DOCUMENT)
    resolver = _resolved()

    async def cancel_before_it_begins() -> None:
        task = asyncio.ensure_future(_completion(executor, resolver))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_before_it_begins())
    gc.collect()
    assert getcoroutinestate(resolver) == CORO_CLOSED
    assert unraisable == []


def test_a_field_that_runs_still_resolves_through_the_guard(unraisable: list[str]) -> None:
    executor = Executor.build(_SCHEMA, _DOCUMENT)

    assert asyncio.run(_completion(executor, _resolved())) == 1
    gc.collect()
    assert unraisable == []
