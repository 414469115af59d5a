"""Prometheus metrics: request counts and latencies, and GraphQL errors by code.

Each app has its own registry, so several apps in one process (tests) do not collide.
:class:`jts_api.ops.request_context.RequestObserver` feeds the request metrics.
"""

from __future__ import annotations

import gc

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
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
        self.live_dropped = Counter(
            "jts_live_dropped_events",
            "Live events dropped for subscribers too far behind (their oldest waiting ones)",
            registry=self.registry,
        )
        self.live_sockets = Gauge(
            "jts_live_sockets",
            "Authenticated subscription websockets open in this process",
            registry=self.registry,
        )
        Gauge(
            "jts_gc_frozen_objects",
            "Objects in the garbage collector's permanent generation (JTS_GC_FREEZE)",
            registry=self.registry,
        ).set_function(gc.get_freeze_count)
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, method: str, path: str, status: int, seconds: float) -> None:
        """Count and time one answered HTTP request (of a route: routes are fixed paths,
        and requests that match none never reach the middleware, so labels are bounded).
        """
        key = (method, path, status)
        counted = self._request_children.get(key)
        if counted is None:
            counted = self._request_children[key] = (
                self.requests.labels(method, path, str(status)),
                self.latency.labels(method, path),
            )
        counter, histogram = counted
        counter.inc()
        histogram.observe(seconds)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)


@get("/metrics", sync_to_thread=False, include_in_schema=False)
def metrics_endpoint(state: State) -> Response[bytes]:
    """The Prometheus exposition of this process."""
    metrics: Metrics = state.runtime.metrics
    return Response(content=metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
