"""Alembic environment: async, on jts_store's metadata.

The URL is ``config.attributes["url"]`` when the caller passes one (tests, ``jts migrate``),
else the store's settings: ``JTS_DATABASE_URL``, or the embedded server in ``JTS_DATA_DIR``.
Tables Alembic does not own — saq's queue tables and partitions — are left alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from jts_store.tables import METADATA

config = context.config
target_metadata = METADATA

# Callers that pass a URL (tests, the CLI) own logging; the `alembic` command gets alembic.ini's.
if config.config_file_name is not None and "url" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

NameFilter = Callable[[str | None, str, MutableMapping[str, Any]], bool]


def database_url() -> str:
    """The URL given by the caller, else the one the store's settings name."""
    given = config.attributes.get("url")
    if given:
        return str(given)
    from jts_store.embedded import database_url as configured_url
    from jts_store.settings import StoreSettings

    settings = StoreSettings()
    return configured_url(settings.database_url, settings.data_dir)


def name_filter(partitions: set[str]) -> NameFilter:
    """Skip saq's tables (it migrates them itself) and partitions (made by raw SQL)."""

    def include_name(
        name: str | None,
        type_: str,
        parent_names: MutableMapping[str, Any],
    ) -> bool:
        if type_ == "table" and name is not None:
            return not name.startswith("saq_") and name not in partitions
        return True

    return include_name


def run_migrations(connection: Connection) -> None:
    partitions = set(
        connection.scalars(text("SELECT relname FROM pg_class WHERE relispartition")).all()
    )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=name_filter(partitions),
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    from jts_store.engine import create_engine

    engine = create_engine(database_url(), pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.attributes.get("url") or "postgresql://",
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
