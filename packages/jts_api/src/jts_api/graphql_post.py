"""``POST /graphql`` with a plain JSON operation, answered in one step.

Strawberry's Litestar view serves every shape of GraphQL over HTTP: batches, multipart
uploads and subscriptions, streamed results, the IDE, and the HTTP 400s for anything
malformed. Nearly every request is the one plain shape — a JSON object with a query,
variables and maybe an operation name — and for it the view's machinery (Litestar's
request and response objects, the handler's signature model, content negotiation, the
sub-response) cost about as much CPU as running a small mutation's use case.

:class:`GraphQLPost` is a pure-ASGI middleware in front of that view: a request of the
plain shape is parsed, run through the schema and answered here, with the context the
view would make (:func:`~jts_api.context.context_getter`), the same result shaping and
error metrics, and the same JSON. Anything else — another content type, an ``Accept``
asking for a stream, a body too large, not JSON, not an object, fields of the wrong
type, extensions, a browser's cross-origin request when CORS is on, a request for an
operation type POST does not run — goes to the view untouched (its body replayed), which
answers it as before; nothing has run by then. A fault while the operation is made or
run is answered as the app's handler answers one (logged, HTTP 500 with the request id).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from jts_api.context import request_context
from jts_api.errors import http_answer, unexpected_fault

if TYPE_CHECKING:
    from litestar.types import (
        ASGIApp,
        HTTPRequestEvent,
        HTTPResponseBodyEvent,
        HTTPResponseStartEvent,
        Receive,
        ReceiveMessage,
        Scope,
        Send,
    )
    from strawberry import Schema

    from jts_api.runtime import ApiRuntime

#: What is run here; a subscription over POST goes to the view, which streams it.
_POST_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
_JSON = b"application/json"
_FIELDS = frozenset({"query", "variables", "operationName"})
_HEADERS = [(b"content-type", _JSON)]


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", ())}


def _plain_operation(body: bytes) -> dict[str, Any] | None:
    """The request's query, variables and operation name when the body is the plain
    shape; None for anything the view must answer."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if type(data) is not dict or not data.keys() <= _FIELDS:
        return None
    query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
    if type(query) is not str or not (variables is None or type(variables) is dict):
        return None
    if not (name is None or type(name) is str):
        return None
    return data


class GraphQLPost:
    """The plain ``POST /graphql`` answered without the view (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, *, path: str, schema: Schema, runtime: ApiRuntime, max_bytes: int
    ) -> None:
        self.app = app
        self.path = path
        self.schema = schema
        self.runtime = runtime
        self.max_bytes = max_bytes
        self.cors = bool(runtime.settings.allowed_origins)

    def _candidate(self, scope: Scope) -> bool:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "POST":
            return False
        if scope["path"] != self.path:
            return False
        headers = _headers(scope)
        media_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
        if media_type != _JSON:
            return False
        accept = headers.get(b"accept", b"").lower()
        if b"multipart" in accept or b"event-stream" in accept:
            return False
        if self.cors and b"origin" in headers:
            return False
        length = headers.get(b"content-length")
        return length is None or (length.isdigit() and int(length) <= self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._candidate(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more and size <= self.max_bytes:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        data = None if more else _plain_operation(body)
        try:
            answer = None if data is None else await self._answer(scope, data)
        except Exception as error:  # noqa: BLE001 -- answered as the app answers any fault
            await _send(send, 500, unexpected_fault(scope["path"], error))
            return
        if answer is None:
            await self.app(scope, _replay(body, more, receive), send)
        else:
            await _send(send, 200, answer)

    async def _answer(self, scope: Scope, data: dict[str, Any]) -> GraphQLHTTPResponse | None:
        """Run the operation; its answer, or None when the view must answer (the
        operation was refused before anything ran)."""
        context = await request_context(scope, self.runtime)
        try:
            result = await self.schema.execute(
                data["query"],
                variable_values=data.get("variables"),
                context_value=context,
                operation_name=data.get("operationName"),
                allowed_operation_types=_POST_OPERATIONS,
            )
        except (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError):
            return None
        production = self.runtime.settings.is_production
        return http_answer(result, production=production, metrics=self.runtime.metrics)


async def _send(send: Send, status: int, answer: object) -> None:
    """A JSON response, encoded as Strawberry's view encodes its answers."""
    body = json.dumps(answer, separators=(",", ":")).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [*_HEADERS, (b"content-length", str(len(body)).encode())],
    }
    sent: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(sent)


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """``receive`` with the body read so far given back first."""
    replayed = False

    async def replaying() -> ReceiveMessage:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        given: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": more}
        return given

    return replaying
