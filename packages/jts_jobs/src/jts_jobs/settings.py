"""The worker's settings, read once per process from ``JTS_`` environment variables."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import available_timezones

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    """Where the database is, and how the worker runs jobs.

    ``JTS_DATABASE_URL`` unset means the embedded PostgreSQL kept in ``JTS_DATA_DIR``.
    The operator's own jobs (the nightly backup) follow ``JTS_OPERATOR_TIMEZONE``.
    A failed run is retried ``JTS_JOB_RETRIES - 1`` times, after ``JTS_JOB_RETRY_DELAY_S``
    seconds, then twice that, four times… (with jitter), never more than
    ``JTS_JOB_RETRY_BACKOFF_MAX_S``.
    """

    model_config = SettingsConfigDict(env_prefix="JTS_", extra="ignore")

    database_url: str | None = None
    data_dir: Path = Path(".jts")
    backups_dir: Path | None = None
    queue_name: str = "jts"
    concurrency: int = 4
    pool_size: int = 10
    tick_seconds: float = 60.0
    job_timeout_s: int = 1800
    job_retries: int = 5
    job_retry_delay_s: float = 5.0
    job_retry_backoff_max_s: float = 300.0
    shutdown_grace_period_s: int = 10
    #: How often the outbox consumers (jobs to do from JTS's events) look for new events.
    outbox_poll_seconds: float = 1.0
    #: A running job not touched for this long counts as crashed (its worker died); the
    #: sweep, every ``sweep_interval_s``, queues it again for another worker.
    job_heartbeat_s: int = Field(default=30, ge=1)
    sweep_interval_s: int = Field(default=15, ge=1)
    #: The IANA timezone system-wide jobs (the nightly backup at 23:30) are scheduled in.
    operator_timezone: str = "UTC"

    @field_validator("operator_timezone")
    @classmethod
    def _a_real_zone(cls, value: str) -> str:
        if value not in available_timezones():
            msg = f"JTS_OPERATOR_TIMEZONE: {value!r} is not an IANA timezone"
            raise ValueError(msg)
        return value

    #: sync_roster: how long the HR source may take to answer, and the pause between batches.
    roster_sync_timeout_s: float = 30.0
    roster_sync_pause_s: float = 1.0

    def backups_path(self) -> Path:
        """Where nightly backups go: ``JTS_BACKUPS_DIR``, else ``backups/`` in the data dir."""
        return self.backups_dir or self.data_dir / "backups"
