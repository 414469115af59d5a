"""The schema's executor leaves no coroutine behind.

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
from inspect import CORO_CLOSED, getcoroutinestate, isawaitable
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    execute,
    parse,
)
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


async def _slow_one() -> int:
    await asyncio.sleep(0.01)
    return 1


async def _fails() -> int:
    msg = "the field failed"
    raise ValueError(msg)


_LEAF = GraphQLObjectType(
    "Leaf",
    {
        "a": GraphQLField(GraphQLInt, resolve=lambda *_: _slow_one()),
        "b": GraphQLField(GraphQLInt, resolve=lambda *_: _resolved()),
    },
)
_MIDDLE = GraphQLObjectType(
    "Middle",
    {
        "leaf": GraphQLField(_LEAF, resolve=lambda *_: _object()),
        "leaves": GraphQLField(GraphQLList(_LEAF), resolve=lambda *_: [{}, {}]),
    },
)
_NESTED = GraphQLSchema(
    GraphQLObjectType(
        "Query",
        {
            "middle": GraphQLField(_MIDDLE, resolve=lambda *_: _object()),
            "middles": GraphQLField(GraphQLList(_MIDDLE), resolve=lambda *_: [{}, {}]),
            "fails": GraphQLField(GraphQLNonNull(GraphQLInt), resolve=lambda *_: _fails()),
        },
    )
)


async def _object() -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(
    "document",
    [
        "{ middle { leaf { a b } } fails }",
        "{ fails middle { leaf { a b } leaves { a } } }",
        "{ middles { leaves { a b } leaf { a } } middle { leaves { b } } fails }",
    ],
)
def test_a_failing_field_leaves_no_sibling_unawaited(unraisable: list[str], document: str) -> None:
    """A non-null field fails while its siblings' nested completions (objects, lists,
    async resolvers) are pending: they run to their end, the operation answers the one
    error with no data, and nothing is left for the garbage collector to report."""

    async def run() -> Any:
        result = execute(_NESTED, parse(document), executor_class=Executor)
        assert isawaitable(result)
        return await result

    result = asyncio.run(run())
    gc.collect()
    assert result.data is None
    assert [str(e.message) for e in result.errors] == ["the field failed"]
    assert unraisable == []
