"""Bringing a database back from an archive, checked before and after."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_store.backup.create import StepDone, no_progress
from jts_store.backup.errors import BackupError
from jts_store.backup.exports import export_table
from jts_store.backup.manifest import DUMP_FILE, Manifest
from jts_store.backup.programs import PostgresPrograms, conninfo_dbname, database_name
from jts_store.backup.verify import verify_backup
from jts_store.engine import create_engine

#: The one schema JTS keeps its tables in; ``replace=True`` drops and recreates it.
SCHEMA = "public"

_USER_RELATIONS = text(
    """
    SELECT n.nspname || '.' || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1
    """
)


async def restore_backup(
    archive: Path,
    database_url: str,
    *,
    replace: bool = False,
    pg_bin_dir: Path | None = None,
    on_step: StepDone = no_progress,
) -> Manifest:
    """Restore an archive into an empty database; the archive's manifest.

    First every file of the archive is checked against its manifest (nothing is touched
    when one does not match). A database holding any table, view or sequence (other
    than an extension's) is refused, unless ``replace`` is set: then its ``public``
    schema is dropped and recreated (relations outside ``public`` are refused even
    then). Dropping and restoring are one transaction (``pg_restore``'s script run by
    ``psql --single-transaction``): a failure leaves the database as it was. Objects
    are owned by the restoring user.
    Finally every table's row count and checksum is recomputed from the restored
    database and compared with the manifest: a difference is a :class:`BackupError`,
    and the restored data is left in place for inspection.

    The dump is copied to the system's temporary folder first (``TMPDIR``): it needs
    room for it. Stop the application while restoring. ``on_step`` is told each step:
    the archive verified, the restore script made and run, each table checked.
    """
    programs = PostgresPrograms.locate(pg_bin_dir)
    with tempfile.TemporaryDirectory(prefix="jts-restore-") as work:
        dump, script = Path(work) / DUMP_FILE, Path(work) / "restore.sql"
        manifest = await asyncio.to_thread(verify_backup, archive, dump)
        on_step("archive verified")
        engine = create_engine(database_url, pool_size=1)
        try:
            await _check_room(engine, replace=replace)
            await programs.run(
                "pg_restore",
                ["--no-owner", "--no-privileges", f"--file={script}", str(dump)],
                database_url,
            )
            on_step("restore script made")
            await programs.run("psql", _psql_arguments(database_url, script, replace), database_url)
            on_step("restored in one transaction")
            await _check_restored(engine, manifest, on_step)
        finally:
            await engine.dispose()
    return manifest


def _psql_arguments(database_url: str, script: Path, replace: bool) -> list[str]:
    """Run the restore script in one transaction, after emptying the schema if asked."""
    empty_schema = [
        f"--command=DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
        f"--command=CREATE SCHEMA {SCHEMA}",
    ]
    return [
        "--no-psqlrc",
        "--quiet",
        "--no-password",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        "--command=SET client_min_messages = warning",
        *(empty_schema if replace else []),
        f"--file={script}",
        f"--dbname={conninfo_dbname(database_name(database_url))}",
    ]


async def _check_room(engine: AsyncEngine, *, replace: bool) -> None:
    """Refuse a database that holds anything, unless ``replace`` and all is in the schema."""
    async with engine.begin() as connection:
        relations = list(await connection.scalars(_USER_RELATIONS))
        elsewhere = [r for r in relations if not r.startswith(f"{SCHEMA}.")]
        if relations and not replace:
            raise BackupError(
                f"the database is not empty ({len(relations)} relations, such as "
                f"{', '.join(relations[:3])}); restore into an empty database, or pass "
                "replace=True to drop and recreate its schema"
            )
        if elsewhere:
            raise BackupError(
                f"the database holds relations outside the {SCHEMA} schema "
                f"({', '.join(elsewhere[:3])}); restore into an empty database"
            )


async def _check_restored(engine: AsyncEngine, manifest: Manifest, on_step: StepDone) -> None:
    """Recompute every table's export and compare it with the manifest."""
    differences = []
    async with engine.connect() as plain:
        connection = await plain.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        async with connection.begin():
            for name, expected in manifest.tables.items():
                excluded = manifest.excluded_columns.get(name, [])
                found = await export_table(connection, name, excluded, None)
                on_step(f"{name} checked")
                if found != expected:
                    differences.append(
                        f"{name}: {found.rows} rows, SHA-256 {found.sha256} "
                        f"(archive: {expected.rows} rows, SHA-256 {expected.sha256})"
                    )
    if differences:
        raise BackupError(
            "the restored database does not match the archive; it holds the restored "
            "data for inspection: " + "; ".join(differences)
        )
