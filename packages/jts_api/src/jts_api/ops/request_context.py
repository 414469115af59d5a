"""Every HTTP request and websocket, observed by one pure-ASGI middleware.

:class:`RequestObserver` gives each request an id — from an incoming ``X-Request-ID``
header when it looks like one (so a gateway's id carries through), else a new one —
binds it for every log line of the request, returns it in the ``X-Request-ID`` header,
counts and times the request in the metrics, and logs one line per request (at INFO).
One plain ASGI callable instead of three framework middlewares: per request it costs
a header scan, a context variable and a couple of counter increments.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from jts_api.ops.metrics import Metrics

HEADER = b"x-request-id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")

request_id_var: ContextVar[str | None] = ContextVar("jts_request_id", default=None)
logger = structlog.get_logger("jts.http")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER or name.lower() == HEADER:
            candidate = value.decode("latin-1").strip()
            return candidate if _ACCEPTED.fullmatch(candidate) else None
    return None


def current_request_id() -> str:
    """The id of the request being served (a fresh one outside any request)."""
    return request_id_var.get() or uuid.uuid4().hex


class RequestObserver:
    """The ASGI middleware of the app (see the module docstring)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]  # Litestar routes only HTTP and websocket scopes here
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        id_header = (HEADER, request_id.encode())
        token = request_id_var.set(request_id)
        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            # a websocket's messages go straight through: it has no response headers
            await self.app(scope, receive, send_with_id if kind == ScopeType.HTTP else send)
        finally:
            elapsed = time.perf_counter() - started
            method, path = str(scope.get("method", "WS")), scope["path"]
            if kind == ScopeType.HTTP:
                self.metrics.observe_request(method, path, status or 500, elapsed)
            logger.info(
                "request",
                kind=kind,
                method=method,
                path=path,
                status=status or None,
                duration_ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.reset_contextvars(**bound)
            request_id_var.reset(token)
