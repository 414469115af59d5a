"""Per-user rate limiting of mutations: a token bucket per user (or client address).

The buckets live in this process: with N API replicas behind a load balancer the limit
is per replica (a user gets up to N times the rate overall). Time comes from the
injected clock, like everything else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from jts_domain.errors import ErrorCode
from jts_domain.ports import Clock

#: Buckets kept at most; the least recently used are forgotten (a full bucket again).
MAX_BUCKETS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``allow(key)`` spends one token of the key's bucket, refilled at ``per_minute``."""

    def __init__(self, clock: Clock, *, per_minute: float, burst: int) -> None:
        self._clock = clock
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Whether the key may act now; spends a token when it may."""
        now = self._clock.now().timestamp()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(self._burst, now)
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self._burst, bucket.tokens + elapsed * self._rate)
            bucket.updated = now
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            self._buckets[key] = bucket
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
        return allowed

    def retry_after_seconds(self, key: str) -> float:
        """How long until the key's bucket holds a whole token again."""
        with self._lock:
            bucket = self._buckets.get(key)
            missing = 1.0 - (bucket.tokens if bucket else self._burst)
        return max(0.0, missing / self._rate)


class MutationRateLimit(SchemaExtension):
    """Answers RATE_LIMITED, without executing, when a mutation exceeds its key's rate.

    The key is the signed-in employee, or the client address before signing in (so
    ``login`` and ``register`` are limited too). Queries are not limited.
    """

    def on_execute(self) -> Iterator[None]:
        refuse_if_limited(self.execution_context)
        yield


def refuse_if_limited(execution: ExecutionContext) -> None:
    """Set a RATE_LIMITED result, so nothing executes, when a mutation exceeds its key's
    rate (what :class:`MutationRateLimit` does, for a guard that does more)."""
    context = execution.context
    runtime = getattr(context, "runtime", None)
    if execution.result is not None or runtime is None or not _is_mutation(execution):
        return
    caller = getattr(context, "caller", None)
    key = (
        f"employee:{caller.actor.id}"
        if caller is not None
        else f"address:{getattr(context, 'client_address', None)}"
    )
    limiter: RateLimiter = runtime.rate_limiter
    if not limiter.allow(key):
        retry = round(limiter.retry_after_seconds(key), 1)
        error = GraphQLError(
            f"too many changes in a short time; retry in {retry} s",
            extensions={
                "code": ErrorCode.RATE_LIMITED.value,
                "details": {"retryAfterSeconds": retry},
            },
        )
        execution.result = ExecutionResult(data=None, errors=[error])


def _is_mutation(execution: ExecutionContext) -> bool:
    try:
        return execution.operation_type is OperationType.MUTATION
    except RuntimeError:
        return False
