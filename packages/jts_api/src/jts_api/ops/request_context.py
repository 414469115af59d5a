"""A request id for every HTTP request and websocket, logged, bound and returned.

The id comes from an incoming ``X-Request-ID`` header when it looks like one (so a
gateway's id carries through), else a new one; it is bound to structlog's context vars
for every log line of the request, and returned in the ``X-Request-ID`` header.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")

request_id_var: ContextVar[str | None] = ContextVar("jts_request_id", default=None)
logger = structlog.get_logger("jts.http")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == HEADER.encode():
            candidate = value.decode("latin-1").strip()
            return candidate if _ACCEPTED.fullmatch(candidate) else None
    return None


def current_request_id() -> str:
    """The id of the request being served (a fresh one outside any request)."""
    return request_id_var.get() or uuid.uuid4().hex


class RequestContextMiddleware(ASGIMiddleware):
    """Binds the request id, returns it as a header, and logs one line per request."""

    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status: list[int] = []

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                headers = list(message.get("headers", []))
                headers.append((HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await next_app(scope, receive, send_with_id)
            finally:
                request_id_var.reset(token)
                logger.info(
                    "request",
                    kind=scope["type"],
                    method=scope.get("method", "WS"),
                    path=scope["path"],
                    status=status[0] if status else None,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
