"""The worker's delivery loop: due jobs through the dispatcher, due webhooks through the
webhook dispatcher, and the outbox pruned now and then — until told to stop.

One shared httpx client (keep-alive, a bounded pool) serves the HTTP providers and the
webhooks; sends are bounded by ``JTS_DELIVERY_CONCURRENCY``. Several workers may run
it against one database: claims skip what another worker holds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.delivery.batch import DispatchRun
from jts_domain.delivery.dispatch import Dispatcher, dispatch_due
from jts_domain.delivery.ports import ChannelSender
from jts_domain.services import ServiceContext
from jts_domain.webhooks.dispatch import WebhookDispatcher, WebhookRun, send_due_webhooks
from jts_domain.webhooks.endpoints import TargetPolicy
from jts_jobs.delivery.email import SmtpSender
from jts_jobs.delivery.http_provider import HttpProviderSender
from jts_jobs.delivery.settings import DeliverySettings
from jts_jobs.delivery.webhook_sender import HttpWebhookSender
from jts_store.delivery.rendering import JinjaRenderer
from jts_store.delivery.resolver import SystemResolver
from jts_store.outbox_pruning import prune_outbox

log = structlog.get_logger("jts_jobs.delivery")

_PROVIDERS = {"sms": "MSG91", "whatsapp": "MSG91", "push": "Firebase"}


def http_client(settings: DeliverySettings, concurrency: int) -> httpx.AsyncClient:
    """The shared client: keep-alive connections, at most ``concurrency`` at once."""
    limits = httpx.Limits(
        max_connections=max(concurrency, 1), max_keepalive_connections=max(concurrency, 1)
    )
    timeout = httpx.Timeout(max(settings.provider_timeout_s, settings.webhook_timeout_s))
    return httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False)


def channel_senders(
    settings: DeliverySettings, client: httpx.AsyncClient
) -> dict[str, ChannelSender]:
    """A sender for every channel the settings configure (in-app needs none)."""
    senders: dict[str, ChannelSender] = {}
    if settings.smtp_url is not None:
        senders["email"] = SmtpSender(
            settings.smtp_url.get_secret_value(),
            settings.mail_from,
            timeout=settings.smtp_timeout_s,
        )
    token = None if settings.provider_token is None else settings.provider_token.get_secret_value()
    for channel, url in (
        ("sms", settings.sms_provider_url),
        ("whatsapp", settings.whatsapp_provider_url),
        ("push", settings.push_provider_url),
    ):
        if url:
            senders[channel] = HttpProviderSender(
                client, url, provider=_PROVIDERS[channel], token=token
            )
    return senders


@dataclass
class DeliveryLoop:
    """Everything the loop sends with."""

    ctx: ServiceContext
    engine: AsyncEngine
    settings: DeliverySettings
    dispatcher: Dispatcher
    webhooks: WebhookDispatcher
    client: httpx.AsyncClient
    consumers: Sequence[str]

    @classmethod
    def build(
        cls,
        ctx: ServiceContext,
        engine: AsyncEngine,
        settings: DeliverySettings,
        consumers: Sequence[str],
        *,
        tenants: frozenset[UUID] | None = None,
    ) -> DeliveryLoop:
        """The loop of a worker, from its settings (``tenants`` limits it to some)."""
        client = http_client(settings, settings.delivery_concurrency)
        scope = tenants
        dispatcher = Dispatcher(
            senders=channel_senders(settings, client),
            renderer=JinjaRenderer(),
            batch_size=settings.delivery_batch,
            concurrency=settings.delivery_concurrency,
            provider_limits=dict(settings.provider_rate_limits),
            channel_rates=dict(settings.channel_rate_limits),
            tenants=scope,
        )
        webhooks = WebhookDispatcher(
            sender=HttpWebhookSender(client),
            targets=TargetPolicy(
                resolver=SystemResolver(),
                production=settings.is_production,
                loopback_only=settings.webhook_loopback_only,
            ),
            batch_size=settings.delivery_batch,
            concurrency=settings.webhook_concurrency,
            tenants=scope,
        )
        return cls(ctx, engine, settings, dispatcher, webhooks, client, consumers)

    async def run_once(self) -> tuple[DispatchRun, WebhookRun]:
        """Send everything due now: jobs, then webhooks."""
        jobs = await dispatch_due(self.ctx, self.dispatcher)
        hooks = await send_due_webhooks(self.ctx, self.webhooks)
        if jobs.claimed or hooks.claimed:
            log.info("delivered", jobs=vars_of(jobs), webhooks=vars_of(hooks))
        return jobs, hooks

    async def prune(self) -> int:
        """Drop outbox events every consumer has read (older than the margin)."""
        before = self.ctx.clock.now() - timedelta(seconds=self.settings.outbox_keep_seconds)
        pruned = await prune_outbox(self.engine, self.consumers, before)
        if pruned:
            log.info("outbox pruned", events=pruned)
        return pruned

    async def loop(self, stop: asyncio.Event) -> None:
        """Send, then wait ``JTS_DELIVERY_POLL_SECONDS``, until ``stop`` is set; prune
        every ``JTS_OUTBOX_PRUNE_EVERY_S``."""
        loop = asyncio.get_running_loop()
        next_prune = loop.time()
        while not stop.is_set():
            try:
                await self.run_once()
                if loop.time() >= next_prune:
                    await self.prune()
                    next_prune = loop.time() + self.settings.outbox_prune_every_s
            except Exception:  # the loop outlives a failed batch (logged with its trace)
                log.exception("delivery failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.delivery_poll_seconds)

    async def close(self) -> None:
        """Close the shared HTTP client."""
        await self.client.aclose()


def vars_of(run: DispatchRun | WebhookRun) -> dict[str, int]:
    """A run's non-zero counts, for the log."""
    return {name: getattr(run, name) for name in run.__dataclass_fields__ if getattr(run, name)}
