"""The API's settings, read once per process from ``JTS_`` environment variables."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta
from enum import StrEnum

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from jts_domain.login_throttle import LoginThrottle
from jts_store.settings import StoreSettings

MIN_SECRET_KEY_LENGTH = 32


class Environment(StrEnum):
    """Development serves GraphiQL and introspection; production serves neither."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ApiSettings(StoreSettings):
    """Where the database is (``JTS_DATABASE_URL``/``JTS_DATA_DIR``, from the store) and
    how the API behaves.

    ``JTS_SECRET_KEY`` signs the tokens; production refuses to start without one of at
    least 32 characters. Development without one makes a random key per process (tokens
    then die with the process; ``jts dev`` keeps one in the data directory instead).
    """

    model_config = SettingsConfigDict(env_prefix="JTS_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    secret_key: SecretStr | None = None
    token_expiry_minutes: int = Field(default=12 * 60, gt=0)
    #: Argon2id cost of new password hashes (a stored hash keeps the cost it was made
    #: with, so lowering these never locks anybody out).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=64 * 1024, ge=8 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1)
    #: Mutations each user (or, before signing in, each client address) may make per
    #: minute on average, and how many in a burst.
    rate_limit_per_minute: float = Field(default=120, gt=0)
    rate_limit_burst: int = Field(default=30, gt=0)
    #: Limits on a GraphQL document.
    max_query_depth: int = Field(default=12, gt=0)
    max_aliases: int = Field(default=30, gt=0)
    max_tokens: int = Field(default=5_000, gt=0)
    #: Origins allowed to open the subscription websocket from a browser.
    allowed_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    #: Once the app has started, move what the process holds then (modules, the schema,
    #: the pools) into the garbage collector's permanent generation, so that the
    #: collections a request's allocations set off no longer walk it each time. Off only
    #: where many apps share one long-lived process (the test suite's in-process apps).
    gc_freeze: bool = True
    #: Signs provider receipts (``POST /delivery/receipts``); unset, receipts are refused.
    receipts_secret: SecretStr | None = None
    #: A sandbox: webhook endpoints on loopback addresses only (the test suite sets it).
    webhook_loopback_only: bool = False
    #: Callers remembered per process (least recently used forgotten first), and for how
    #: long at most; an access change drops an entry on every replica at once.
    caller_cache_size: int = Field(default=10_000, gt=0)
    caller_cache_seconds: float = Field(default=300.0, gt=0)
    #: How often open websockets are checked for expired tokens, and how many live
    #: events a subscriber may have waiting before the oldest are dropped.
    live_check_seconds: float = Field(default=5.0, gt=0)
    live_queue_size: int = Field(default=64, gt=0)
    #: Sign-in attempts an address gets before it is locked out, and for how long (the
    #: window the attempts are counted in lasts as long); counted in the database, so
    #: for every replica together.
    login_attempts_allowed: int = Field(default=5, gt=0)
    login_lockout_minutes: float = Field(default=15, gt=0)
    #: Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For and
    #: X-Forwarded-Proto are believed, a JSON list; none by default (the peer's address
    #: is the client's).
    trusted_proxies: list[str] = Field(default_factory=list)
    #: The most heartbeats one ``uploadActivity`` may carry.
    activity_max_batch: int = Field(default=1_000, gt=0, le=10_000)

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> ApiSettings:
        key = None if self.secret_key is None else self.secret_key.get_secret_value()
        if self.env is Environment.PRODUCTION and (key is None or len(key) < MIN_SECRET_KEY_LENGTH):
            msg = f"JTS_SECRET_KEY of at least {MIN_SECRET_KEY_LENGTH} characters is required"
            raise ValueError(msg)
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, proxies: list[str]) -> list[str]:
        """Each entry as an address or a network (``10.0.0.7/8`` becomes ``10.0.0.0/8``)."""
        normal = []
        for proxy in proxies:
            try:
                network = ipaddress.ip_network(proxy.strip(), strict=False)
            except ValueError:
                msg = f"JTS_TRUSTED_PROXIES: {proxy!r} is not an IP address or network"
                raise ValueError(msg) from None
            single = network.num_addresses == 1 and "/" not in proxy
            normal.append(str(network.network_address) if single else str(network))
        return normal

    def login_throttle(self) -> LoginThrottle:
        """The per-account sign-in throttle these settings describe."""
        period = timedelta(minutes=self.login_lockout_minutes)
        return LoginThrottle(
            failures_allowed=self.login_attempts_allowed, window=period, lockout=period
        )

    @property
    def is_production(self) -> bool:
        """Whether introspection and GraphiQL are off."""
        return self.env is Environment.PRODUCTION

    def signing_key(self) -> str:
        """The configured secret, or a random one for this development process."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return secrets.token_urlsafe(48)
