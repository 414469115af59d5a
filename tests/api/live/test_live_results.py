"""A shared event is executed once per document for all its subscribers (a small schema
of its own, streamed the way the websocket handler streams it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator

import strawberry
from strawberry.extensions import ParserCache

from jts_api.live_results import SharedEventExecutor, SharedPayload, encoded_data

RESOLVED: list[str] = []


@strawberry.type
class Shared(SharedPayload):
    number: int

    @strawberry.field
    def doubled(self) -> int:
        RESOLVED.append("shared")
        return self.number * 2


@strawberry.type
class Private:
    number: int

    @strawberry.field
    def doubled(self) -> int:
        RESOLVED.append("private")
        return self.number * 2


@strawberry.type
class Query:
    ok: bool = True


def _schema(events: dict[str, list[object]]) -> strawberry.Schema:
    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def shared(self) -> AsyncGenerator[Shared, None]:
            for event in events["shared"]:
                yield event  # type: ignore[misc]

        @strawberry.subscription
        async def private(self) -> AsyncGenerator[Private, None]:
            for event in events["private"]:
                yield event  # type: ignore[misc]

    return strawberry.Schema(
        query=Query,
        subscription=Subscription,
        extensions=[lambda: ParserCache(maxsize=10)],
        execution_context_class=SharedEventExecutor,
    )


async def _collect(schema: strawberry.Schema, query: str) -> list[object]:
    stream = await schema.stream(query)
    return [result.data async for result in stream]  # type: ignore[union-attr]


async def test_subscribers_of_a_shared_event_share_one_execution() -> None:
    RESOLVED.clear()
    first, second = Shared(number=1), Shared(number=2)
    schema = _schema({"shared": [first, second], "private": []})
    query = "subscription { shared { number doubled } }"
    answers = await asyncio.gather(*(_collect(schema, query) for _ in range(20)))
    assert (
        answers
        == [[{"shared": {"number": 1, "doubled": 2}}, {"shared": {"number": 2, "doubled": 4}}]] * 20
    )
    assert RESOLVED == ["shared", "shared"]  # once per event, not once per subscriber


async def test_another_document_is_executed_on_its_own() -> None:
    RESOLVED.clear()
    event = Shared(number=3)
    schema = _schema({"shared": [event], "private": []})
    one = await _collect(schema, "subscription { shared { doubled } }")
    other = await _collect(schema, "subscription { shared { number doubled } }")
    assert (one, other) == (
        [{"shared": {"doubled": 6}}],
        [{"shared": {"number": 3, "doubled": 6}}],
    )
    assert RESOLVED == ["shared", "shared"]


async def test_payloads_that_are_not_shared_are_executed_for_each_subscriber() -> None:
    RESOLVED.clear()
    event = Private(number=5)
    schema = _schema({"shared": [], "private": [event]})
    query = "subscription { private { doubled } }"
    answers = await asyncio.gather(*(_collect(schema, query) for _ in range(3)))
    assert answers == [[{"private": {"doubled": 10}}]] * 3
    assert RESOLVED == ["private"] * 3


def test_data_shared_by_subscribers_is_encoded_once_and_only_for_itself() -> None:
    shared = {"timerUpdated": {"activeSeconds": 42.0, "at": "2026-03-02T03:30:00+00:00"}}
    first = encoded_data(shared)
    assert encoded_data(shared) is first  # the same object: the same text, not a new one
    twin = {"timerUpdated": {"activeSeconds": 42.0, "at": "2026-03-02T03:30:00+00:00"}}
    assert encoded_data(twin) == first
    assert encoded_data(twin) is not first
    assert json.loads(first) == shared
