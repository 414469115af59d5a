"""The migrations build the schema the tables describe, and undo it completely."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from jts_store.engine import create_engine
from jts_store.tables import METADATA
from tests.conftest import ROOT, create_database, drop_database, migrate

EXPECTED_TABLES = {
    "organizations",
    "employees",
    "departments",
    "stores",
    "shift_templates",
    "roster_entries",
    "attendance",
    "tasks",
    "task_status_history",
    "task_templates",
    "timers",
    "timer_intervals",
    "daily_scores",
    "alerts",
    "audit_log",
    "outbox",
    "job_executions",
    "job_controls",
    "heartbeats",
    "activity_keys",
    "activity_rejections",
    "activity_daily",
    "projects",
    # jobs to do
    "system_actors",
    "jtd_event_types",
    "jtd_channels",
    "jtd_statuses",
    "jtd_status_flows",
    "jtd_source_types",
    "jtd_settings",
    "jtd_source_settings",
    "jobs_to_do",
    "job_to_do_history",
    "outbox_consumers",
    # delivery and webhooks
    "job_deliveries",
    "delivery_attempts",
    "delivery_counters",
    "cost_ledger",
    "inbox_messages",
    "message_templates",
    "delivery_settings",
    "webhook_endpoints",
    "webhook_deliveries",
    "webhook_attempts",
    "login_attempts",
    "system_job_runs",
    # running an organization
    "pending_summaries",
    # operations
    "roster_sources",
}


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables t JOIN pg_class c ON c.relname = t.tablename "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
            "AND NOT c.relispartition"
        )
    finally:
        await conn.close()
    return {row["tablename"] for row in rows}


@pytest.fixture
def scratch_url(server_url: str):
    url = create_database(server_url, prefix="jts_migrations")
    yield url
    drop_database(server_url, url)


async def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    await asyncio.to_thread(migrate, scratch_url)
    assert await _tables(scratch_url) == EXPECTED_TABLES
    await asyncio.to_thread(migrate, scratch_url, "base", down=True)
    assert await _tables(scratch_url) == set()
    await asyncio.to_thread(migrate, scratch_url)
    assert await _tables(scratch_url) == EXPECTED_TABLES


def _drift(connection: Connection) -> list[object]:
    """Autogenerate's differences, skipping what env.py skips: saq's queue tables (made by
    the job tests' worker) and the month partitions of heartbeats (made by raw SQL)."""
    partitions = set(
        connection.scalars(text("SELECT relname FROM pg_class WHERE relispartition")).all()
    )

    def include_name(name: str | None, type_: str, parent_names: object) -> bool:
        if type_ == "table" and name is not None:
            return not name.startswith("saq_") and name not in partitions
        return True

    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": True, "include_name": include_name},
    )
    return list(compare_metadata(context, METADATA))


async def test_the_migrated_schema_matches_the_tables(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(_drift)
    finally:
        await engine.dispose()
    assert diff == []


def _alembic_check(url: str) -> None:
    """``alembic check`` through migrations/env.py: raises when autogenerate finds changes."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    command.check(config)


async def test_the_environment_ignores_saq_tables(scratch_url: str) -> None:
    """saq creates and migrates its own tables; autogenerate must not want to drop them."""
    await asyncio.to_thread(migrate, scratch_url)
    engine = create_engine(scratch_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE saq_jobs (key text PRIMARY KEY)"))
    finally:
        await engine.dispose()
    await asyncio.to_thread(_alembic_check, scratch_url)


async def test_the_environment_ignores_month_partitions(scratch_url: str) -> None:
    """Partitions of heartbeats are made by raw SQL; autogenerate must not want to drop
    them, nor their indexes, nor see them as drift after a downgrade and upgrade."""
    from jts_store.activity.partitions import create_months

    await asyncio.to_thread(migrate, scratch_url)
    engine = create_engine(scratch_url, pool_size=1)
    try:
        await create_months(engine, [date(2026, 3, 1), date(2026, 4, 1)])
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'heartbeats'::regclass")
            )
    finally:
        await engine.dispose()
    assert found == 2
    await asyncio.to_thread(_alembic_check, scratch_url)
