"""Delivery's settings, read once per process from ``JTS_`` environment variables."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeliverySettings(BaseSettings):
    """Where messages go out, and how fast the worker sends.

    ``JTS_SMTP_URL`` is ``smtp://[user:password@]host[:port]`` (``?starttls=true`` to
    upgrade) or ``smtps://…`` (TLS from the start); unset, e-mail jobs wait for a worker
    that has it. ``JTS_SMS_PROVIDER_URL``, ``JTS_WHATSAPP_PROVIDER_URL`` and
    ``JTS_PUSH_PROVIDER_URL`` name the HTTP provider of each channel (same for all three
    is fine); ``JTS_PROVIDER_TOKEN`` is sent to them as a bearer token.
    ``JTS_PROVIDER_RATE_LIMITS`` caps providers across tenants, per minute (JSON, e.g.
    ``{"MSG91": 600}``).
    """

    model_config = SettingsConfigDict(env_prefix="JTS_", extra="ignore")

    env: str = "development"
    smtp_url: SecretStr | None = None
    mail_from: str = "JTS <jts@localhost>"
    smtp_timeout_s: float = 30.0
    sms_provider_url: str | None = None
    whatsapp_provider_url: str | None = None
    push_provider_url: str | None = None
    provider_token: SecretStr | None = None
    provider_timeout_s: float = 15.0
    provider_rate_limits: dict[str, int] = {}
    #: per-minute rates replacing the catalog's, by channel (JSON, e.g. ``{"inapp": 60000}``)
    channel_rate_limits: dict[str, int] = {}
    webhook_timeout_s: float = 10.0
    #: a sandbox: webhooks to loopback addresses only (the test suite sets it)
    webhook_loopback_only: bool = False
    delivery_poll_seconds: float = 1.0
    delivery_batch: int = 500
    #: sends out at once per worker (httpx's pool slows down past a few dozen requests
    #: in flight: measured here, 8 webhook POSTs at once beat 24 by two times)
    delivery_concurrency: int = 16
    webhook_concurrency: int = 8
    #: events stay in the outbox at least this long after every consumer has read them
    outbox_keep_seconds: float = 3_600.0
    outbox_prune_every_s: float = 300.0

    @property
    def is_production(self) -> bool:
        """Whether private and loopback webhook targets are refused."""
        return self.env == "production"
