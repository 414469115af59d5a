"""Prometheus metrics: request counts and latencies, and GraphQL errors by code.

Each app has its own registry, so several apps in one process (tests) do not collide.
"""

from __future__ import annotations

import time

from litestar import Response, get
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)


class Metrics:
    """The API's metrics in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "jts_http_requests",
            "HTTP requests served, by method, route and status",
            ["method", "path", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jts_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            ["method", "path"],
            registry=self.registry,
        )
        self.graphql_errors = Counter(
            "jts_graphql_errors",
            "GraphQL errors answered, by extensions.code (NONE for unexpected ones)",
            ["code"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)


class MetricsMiddleware(ASGIMiddleware):
    """Counts and times every HTTP request that reached a route."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        started = time.perf_counter()
        status = ["500"]

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = str(message["status"])
            await send(message)

        # Routes are fixed paths (unmatched ones never reach a middleware), so the path
        # is a bounded label.
        method, path = scope.get("method", ""), scope["path"]
        try:
            await next_app(scope, receive, send_observed)
        finally:
            self.metrics.requests.labels(method, path, status[0]).inc()
            self.metrics.latency.labels(method, path).observe(time.perf_counter() - started)


@get("/metrics", sync_to_thread=False, include_in_schema=False)
def metrics_endpoint(state: State) -> Response[bytes]:
    """The Prometheus exposition of this process."""
    metrics: Metrics = state.runtime.metrics
    return Response(content=metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
