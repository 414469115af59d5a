"""The worker's settings, read once per process from ``JTS_`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    """Where the database is, and how the worker runs jobs.

    ``JTS_DATABASE_URL`` unset means the embedded PostgreSQL kept in ``JTS_DATA_DIR``.
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
    #: sync_roster: how long the HR source may take to answer, and the pause between batches.
    roster_sync_timeout_s: float = 30.0
    roster_sync_pause_s: float = 1.0

    def backups_path(self) -> Path:
        """Where nightly backups go: ``JTS_BACKUPS_DIR``, else ``backups/`` in the data dir."""
        return self.backups_dir or self.data_dir / "backups"
