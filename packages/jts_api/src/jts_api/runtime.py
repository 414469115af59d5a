"""What one running API holds: settings, the service context and the shared adapters.

One :class:`ApiRuntime` is made by :func:`jts_api.app.create_app` and kept in the app's
state; every request reads it through its GraphQL context.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.auth.passwords import Argon2PasswordHasher
from jts_api.auth.tokens import TokenCodec
from jts_api.jtd_feed import JobToDoFeed
from jts_api.ops.metrics import Metrics
from jts_api.rate_limit import RateLimiter
from jts_api.settings import ApiSettings
from jts_api.timer_feed import TimerFeed
from jts_domain.ports import JobQueue
from jts_domain.services import ServiceContext


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiRuntime:
    """The long-lived parts of the API, shared by every request of one process."""

    settings: ApiSettings
    services: ServiceContext
    engine: AsyncEngine
    passwords: Argon2PasswordHasher
    tokens: TokenCodec
    rate_limiter: RateLimiter
    metrics: Metrics
    #: Where ``triggerJob`` enqueues a job run; None when this API has no queue.
    job_queue: JobQueue | None = None
    #: Live timer changes for subscriptions (one outbox listener per process).
    timer_feed: TimerFeed | None = None
    #: Live job-to-do changes, coalesced per job (one outbox listener per process).
    jtd_feed: JobToDoFeed | None = None
