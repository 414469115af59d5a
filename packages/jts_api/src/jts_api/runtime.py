"""What one running API holds: settings, the service context and the shared adapters.

One :class:`ApiRuntime` is made by :func:`build_runtime` (from
:func:`jts_api.app.create_app`) and kept in the app's state; every request reads it
through its GraphQL context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.activity_feed import ActivityFeed
from jts_api.auth.callers import CallerCache
from jts_api.auth.passwords import Argon2PasswordHasher
from jts_api.auth.tokens import TokenCodec
from jts_api.jtd_feed import JobToDoFeed
from jts_api.live_feed import LiveFeed
from jts_api.live_sessions import LiveSessions
from jts_api.ops.metrics import Metrics
from jts_api.rate_limit import RateLimiter
from jts_api.settings import ApiSettings
from jts_domain.model import DomainEvent, EventName
from jts_domain.ports import Clock, JobQueue, UnitOfWorkFactory
from jts_domain.services import Caller, ServiceContext
from jts_domain.services.accounts import identify


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
    #: Who a token names, remembered until their access changes.
    callers: CallerCache
    #: The authenticated websockets, closed when their token or access ends.
    sessions: LiveSessions
    #: Committed events for subscriptions and listeners (one outbox listener per process).
    live_feed: LiveFeed
    #: Where ``triggerJob`` enqueues a job run; None when this API has no queue.
    job_queue: JobQueue | None = None
    #: Live job-to-do changes, coalesced per job (one outbox listener per process).
    jtd_feed: JobToDoFeed | None = None
    #: Live presence and activity seconds, read for what the live feed's events announce.
    activity_feed: ActivityFeed | None = None

    def access_changed(self, event: DomainEvent) -> None:
        """An employee's access changed (here, or on another replica): forget who they
        were and close their sessions of earlier epochs."""
        employee_id = UUID(str(event.payload["employee_id"]))
        self.callers.forget(event.organization_id, employee_id)
        self.sessions.access_changed(event)

    async def start(self) -> None:
        """Start the background parts: the live feeds and the session sweep."""
        await self.live_feed.start()
        if self.jtd_feed is not None:
            await self.jtd_feed.start()
        if self.activity_feed is not None:
            await self.activity_feed.start()
        await self.sessions.start()

    async def stop(self) -> None:
        """Stop them."""
        await self.sessions.stop()
        if self.activity_feed is not None:
            await self.activity_feed.stop()
        if self.jtd_feed is not None:
            await self.jtd_feed.stop()
        await self.live_feed.stop()


def build_runtime(
    settings: ApiSettings,
    *,
    engine: AsyncEngine,
    uow: UnitOfWorkFactory,
    clock: Clock,
    job_queue: JobQueue | None,
) -> ApiRuntime:
    """The runtime of an API on ``engine`` and the unit-of-work factory ``uow`` on it,
    wired: access changes that reach the live feed drop cached callers and close
    sessions."""
    services = ServiceContext(uow=uow, clock=clock)

    async def identified(organization_id: UUID, employee_id: UUID, epoch: int) -> Caller:
        return await identify(services, organization_id, employee_id, epoch)

    metrics = Metrics()
    activity = ActivityFeed(services, queue_size=settings.live_queue_size)
    jobs_to_do = JobToDoFeed(clock)
    runtime = ApiRuntime(
        settings=settings,
        services=services,
        engine=engine,
        passwords=Argon2PasswordHasher.from_settings(settings),
        tokens=TokenCodec(
            settings.signing_key(), clock, timedelta(minutes=settings.token_expiry_minutes)
        ),
        rate_limiter=RateLimiter(
            clock, per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst
        ),
        metrics=metrics,
        callers=CallerCache(
            identified,
            clock,
            max_entries=settings.caller_cache_size,
            time_to_live=timedelta(seconds=settings.caller_cache_seconds),
        ),
        sessions=LiveSessions(clock, check_seconds=settings.live_check_seconds),
        live_feed=LiveFeed(
            engine.url.render_as_string(hide_password=False),
            queue_size=settings.live_queue_size,
            on_drop=metrics.live_dropped.inc,
        ),
        job_queue=job_queue,
        jtd_feed=jobs_to_do,
        activity_feed=activity,
    )
    activity.attach(runtime.live_feed)
    jobs_to_do.attach(runtime.live_feed)
    runtime.live_feed.listen(EventName.EMPLOYEE_ACCESS_CHANGED, runtime.access_changed)
    runtime.live_feed.on_ready(runtime.callers.forget_all)
    metrics.live_sockets.set_function(lambda: len(runtime.sessions))
    return runtime
