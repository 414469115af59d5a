"""Making tonight's archive: one snapshot, dumped and exported, packed and renamed."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from jts_store.backup.archive import archive_name, remove_expired, staging_folder, write_archive
from jts_store.backup.exports import EXCLUDED_COLUMNS, export_table, exported_tables
from jts_store.backup.manifest import (
    DUMP_FILE,
    MANIFEST_FILE,
    DumpEntry,
    Manifest,
    TableEntry,
    table_file,
)
from jts_store.backup.programs import PostgresPrograms, conninfo_dbname, database_name
from jts_store.engine import create_engine

_SERVER_FACTS = text(
    "SELECT current_database(), current_setting('server_version'), "
    "to_regclass('alembic_version') IS NOT NULL"
)
_SCHEMA_REVISION = text(
    "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version"
)


#: Told each step of a backup or restore as it is done (progress for people).
StepDone = Callable[[str], None]


def no_progress(step: str) -> None:
    """No progress to show (the default ``on_step``)."""


async def create_backup(
    database_url: str,
    backups_dir: Path,
    now: datetime,
    *,
    pg_bin_dir: Path | None = None,
    on_step: StepDone = no_progress,
) -> Path:
    """Back the database up into ``backups_dir/jts-backup-<now's date>.tar.gz``; its path.

    The date is ``now``'s in its own timezone: pass a local time to name archives after
    the local night.

    The dump and the JSON exports are read from one snapshot, so they agree even while
    the application writes. The same date twice replaces the archive atomically. Then
    archives dated more than 30 days before ``now`` are removed (only after a success,
    so a failing night never costs an old backup). ``on_step`` is told each step: the
    dump, each table exported, the archive written.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    programs = PostgresPrograms.locate(pg_bin_dir)
    await asyncio.to_thread(backups_dir.mkdir, parents=True, exist_ok=True)
    target = backups_dir / archive_name(now.date())
    with staging_folder(target) as staging_dir:
        staging = Path(staging_dir)
        (staging / "tables").mkdir()
        manifest = await _dump_and_export(database_url, staging, now, programs, on_step)
        (staging / MANIFEST_FILE).write_bytes(manifest.to_json())
        await asyncio.to_thread(write_archive, staging, target)
        on_step("archive written")
    await asyncio.to_thread(remove_expired, backups_dir, now.date())
    return target


async def _dump_and_export(
    database_url: str, staging: Path, now: datetime, programs: PostgresPrograms, on_step: StepDone
) -> Manifest:
    """Export a snapshot from a read-only transaction, ``pg_dump`` it, then export its tables."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as plain:
            connection = await plain.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            async with connection.begin():
                snapshot = str(await connection.scalar(text("SELECT pg_export_snapshot()")))
                database, version, migrated = (await connection.execute(_SERVER_FACTS)).one()
                revision = await connection.scalar(_SCHEMA_REVISION) if migrated else None
                dump = await _dump(programs, database_url, snapshot, staging / DUMP_FILE)
                on_step("database dumped")
                tables = await _export_tables(connection, staging, on_step)
    finally:
        await engine.dispose()
    return Manifest(
        created_at=now,
        database=database,
        server_version=version,
        schema_revision=revision,
        dump=dump,
        tables=tables,
        excluded_columns=EXCLUDED_COLUMNS,
    )


async def _dump(
    programs: PostgresPrograms, database_url: str, snapshot: str, path: Path
) -> DumpEntry:
    """A custom-format dump of the snapshot, uncompressed (the archive compresses it).

    A table locked by a schema change for over five minutes fails the dump, not hangs it.
    """
    await programs.run(
        "pg_dump",
        [
            "--format=custom",
            "--compress=0",
            f"--snapshot={snapshot}",
            "--no-password",
            "--lock-wait-timeout=5min",
            f"--file={path}",
            f"--dbname={conninfo_dbname(database_name(database_url))}",
        ],
        database_url,
    )
    return await asyncio.to_thread(_file_digest, path)


def _file_digest(path: Path) -> DumpEntry:
    with path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256")
    return DumpEntry(size=path.stat().st_size, sha256=digest.hexdigest())


async def _export_tables(
    connection: AsyncConnection, staging: Path, on_step: StepDone
) -> dict[str, TableEntry]:
    tables = {}
    for name in await exported_tables(connection):
        with (staging / table_file(name)).open("wb") as out:
            tables[name] = await export_table(
                connection, name, EXCLUDED_COLUMNS.get(name, []), out.write
            )
        on_step(f"{name} exported")
    return tables
