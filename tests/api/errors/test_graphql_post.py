"""``jts_api.graphql_post.GraphQLPost``: the plain ``POST /graphql`` answered in one step,
everything else handed to Strawberry's view with its body intact.

The middleware is driven in process (httpx's ASGI transport) in front of a recording
view, so each test can say which of the two answered; the suites over real HTTP check
that the answers themselves are the product's.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar.types import Receive, Scope, Send

from jts_api.app import GRAPHQL_PATH, MAX_REQUEST_BYTES
from jts_api.graphql_post import GraphQLPost
from jts_api.runtime import build_runtime
from jts_api.schema import build_schema
from jts_domain.clock import ManualClock
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.api.harness import API_START, api_settings

TYPENAME = json.dumps({"query": "{ __typename }"}).encode()


class RecordingView:
    """Stands where Strawberry's view is: records the body it was given, answers 299."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            assert message["type"] == "http.request"
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"view", "more_body": False})


@pytest.fixture
async def view() -> RecordingView:
    return RecordingView()


@pytest.fixture
async def client(database_url: str, view: RecordingView) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(database_url)
    engine = create_engine(database_url, pool_size=1)
    runtime = build_runtime(
        settings,
        engine=engine,
        uow=SqlUnitOfWorkFactory(engine),
        clock=ManualClock(API_START),
        job_queue=None,
    )
    app = GraphQLPost(
        view,
        path=GRAPHQL_PATH,
        schema=build_schema(settings),
        runtime=runtime,
        max_bytes=MAX_REQUEST_BYTES,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://jts") as http:
        yield http
    await engine.dispose()


async def test_a_plain_operation_is_answered_without_the_view(
    client: httpx.AsyncClient, view: RecordingView
) -> None:
    response = await client.post(
        GRAPHQL_PATH, content=TYPENAME, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"data": {"__typename": "Query"}}
    assert view.bodies == []


async def test_errors_are_shaped_as_the_view_shapes_them(
    client: httpx.AsyncClient, view: RecordingView
) -> None:
    body = {"query": "{ me { id } }"}  # anonymous: refused before anything runs
    response = await client.post(GRAPHQL_PATH, json=body)
    [error] = response.json()["errors"]
    assert (response.status_code, view.bodies) == (200, [])
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.json()["data"] is None


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param(b"[" + TYPENAME + b"]", {}, id="a batch"),
        pytest.param(b"{not json", {}, id="not JSON"),
        pytest.param(b"null", {}, id="not an object"),
        pytest.param(b'{"query": 1}', {}, id="a query that is not a string"),
        pytest.param(b'{"query": "{ __typename }", "variables": []}', {}, id="list variables"),
        pytest.param(b'{"query": "{ __typename }", "extensions": {}}', {}, id="extensions"),
        pytest.param(b'{"query": "{ __typename }", "operationName": 3}', {}, id="bad name"),
        pytest.param(b'{"variables": {}}', {}, id="no query"),
        pytest.param(TYPENAME, {"content-type": "text/plain"}, id="another content type"),
        pytest.param(TYPENAME, {"accept": "text/event-stream"}, id="a stream asked for"),
        pytest.param(TYPENAME, {"accept": "multipart/mixed"}, id="multipart asked for"),
        pytest.param(b'{"query": "subscription { timerUpdated { id } }"}', {}, id="a subscription"),
        pytest.param(
            b'{"query": "query A { __typename }", "operationName": "B"}', {}, id="no such op"
        ),
    ],
)
async def test_anything_else_reaches_the_view_with_its_body(
    client: httpx.AsyncClient, view: RecordingView, body: bytes, headers: dict[str, str]
) -> None:
    sent = {"content-type": "application/json", **headers}
    response = await client.post(GRAPHQL_PATH, content=body, headers=sent)
    assert (response.status_code, response.content) == (299, b"view")
    assert view.bodies == [body]


async def test_other_paths_and_methods_are_not_touched(
    client: httpx.AsyncClient, view: RecordingView
) -> None:
    headers = {"content-type": "application/json"}
    other = await client.post("/graphql/other", content=TYPENAME, headers=headers)
    get = await client.get(GRAPHQL_PATH, params={"query": "{ __typename }"})
    assert (other.status_code, get.status_code) == (299, 299)
    assert view.bodies == [TYPENAME, b""]


async def test_a_body_over_the_limit_goes_to_the_view_whole(
    client: httpx.AsyncClient, view: RecordingView
) -> None:
    """Litestar answers 413 for it; streamed in chunks with no length given, every byte
    read here reaches the view, then the rest."""
    chunk = b" " * 65_536

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }"'
        for _ in range(MAX_REQUEST_BYTES // len(chunk) + 2):
            yield chunk
        yield b"}"

    headers: dict[str, Any] = {"content-type": "application/json"}
    response = await client.post(GRAPHQL_PATH, content=chunks(), headers=headers)
    assert response.status_code == 299
    [received] = view.bodies
    assert received.startswith(b'{"query"')
    assert received.endswith(b"}")
    assert len(received) > MAX_REQUEST_BYTES
    assert json.loads(received) == {"query": "{ __typename }"}
