"""graphql-transport-ws from the client's side: open, subscribe, read, see it closed."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests.api.harness import ApiServer

#: How long a test waits for something that should come at once before failing.
PATIENCE_SECONDS = 10.0

TIMER_UPDATED = """
subscription($e: ID) { timerUpdated(employeeId: $e) { timer { id state } activeSeconds at } }
"""


async def open_socket(server: ApiServer, token: str) -> ClientConnection:
    """A socket whose ``connection_init`` carried the token and was acknowledged."""
    protocols: Any = ["graphql-transport-ws"]
    socket = await websockets.connect(server.ws_url, subprotocols=protocols)
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await socket.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert ack["type"] == "connection_ack", ack
    return socket


async def subscribe(
    socket: ClientConnection,
    following: Callable[[], int],
    variables: dict[str, Any],
    *,
    query: str = TIMER_UPDATED,
    op: str = "1",
) -> None:
    """Subscribe and wait until the server follows it (``following()`` counts them)."""
    before = following()
    payload = {"query": query, "variables": variables}
    await socket.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
    await until(lambda: following() > before, "the subscription never started")


async def next_data(socket: ClientConnection, field: str = "timerUpdated") -> dict[str, Any]:
    """The data of the next ``next`` message."""
    message = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    data: dict[str, Any] = message["payload"]["data"][field]
    return data


async def close_code(socket: ClientConnection) -> tuple[int, str]:
    """Read until the server closes the socket; its close code and reason."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    closed: websockets.ConnectionClosed | None = None
    while closed is None:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the server never closed the socket"
        try:
            message = await asyncio.wait_for(socket.recv(), remaining)
        except websockets.ConnectionClosed as error:
            closed = error
        else:
            assert json.loads(message)["type"] != "next", f"pushed after it should end: {message}"
    assert closed.rcvd is not None, "closed without a close frame from the server"
    return closed.rcvd.code, closed.rcvd.reason


async def until(condition: Callable[[], bool], failure: str) -> None:
    """Poll ``condition`` until it holds, failing after :data:`PATIENCE_SECONDS`."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, failure
        await asyncio.sleep(0.01)
