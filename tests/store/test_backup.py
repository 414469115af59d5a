"""Nightly backups: an organization's day backed up, restored into another database and
checked; one archive per night, 30 days kept; a damaged archive or a database in use is
refused without touching the target.

The checks (``tests.store.backup_checks``) do not reuse the backup's own code.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import tarfile
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from jts_store.backup import (
    BackupError,
    create_backup,
    read_manifest,
    restore_backup,
    verify_backup,
)
from jts_store.backup.programs import libpq_environment
from jts_store.engine import with_database
from tests.conftest import create_database, drop_database, migrate
from tests.store.backup_checks import (
    archive_members,
    dump_of,
    export_checksum,
    file_mode,
    fingerprints,
    folder_names,
    read_member,
    truncated_copy,
    write_file,
)
from tests.store.working_day import PASSWORD_HASH, connect, fill_working_day, plain_url

#: 23:30 in Asia/Kolkata on the world's Monday, when the nightly backup runs.
NIGHT = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def source(server_url: str) -> AsyncIterator[str]:
    """A migrated database holding one organization's working day."""
    url = await asyncio.to_thread(create_database, server_url, "jts_backup")
    await asyncio.to_thread(migrate, url)
    await fill_working_day(url)
    yield url
    await asyncio.to_thread(drop_database, server_url, url)


@pytest.fixture(scope="module")
async def archive(source: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source's nightly archive."""
    return await create_backup(source, tmp_path_factory.mktemp("backups"), NIGHT)


@pytest.fixture
def damaged(archive: Path, tmp_path: Path) -> Callable[[Callable[[str, bytes], bytes]], Path]:
    """A copy of the archive with its members changed by a function of (name, content)."""

    def copy(change: Callable[[str, bytes], bytes]) -> Path:
        target = tmp_path / archive.name
        with tarfile.open(archive, "r:gz") as tar:
            members = [(m, read_member(tar, m)) for m in tar if m.isfile()]
        with tarfile.open(target, "w:gz") as tar:
            for member, content in members:
                changed = change(member.name.partition("/")[2], content)
                member.size = len(changed)
                tar.addfile(member, io.BytesIO(changed))
        return target

    return copy


@pytest.fixture
def empty_target(server_url: str) -> Iterator[str]:
    """A new database with nothing in it."""
    url = create_database(server_url, prefix="jts_restore")
    yield url
    drop_database(server_url, url)


@pytest.fixture
def other_empty_target(server_url: str) -> Iterator[str]:
    """Another new database with nothing in it."""
    url = create_database(server_url, prefix="jts_restore")
    yield url
    drop_database(server_url, url)


async def _copy_of(server_url: str, source: str) -> str:
    """A new database copied from ``source`` (no one may be connected to it)."""
    name = f"jts_restore_{uuid4().hex[:12]}"
    conn = await asyncpg.connect(plain_url(server_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_name(source)}"')
    finally:
        await conn.close()
    return with_database(server_url, name)


def _name(url: str) -> str:
    return str(make_url(url).database)


@pytest.fixture
async def busy_target(server_url: str, source: str) -> AsyncIterator[str]:
    """A migrated database in use, unlike the source: a copy of it, then changed."""
    url = await _copy_of(server_url, source)
    conn = await connect(url)
    try:
        await conn.execute("UPDATE organizations SET name = 'Somewhere else'")
        await conn.execute("DELETE FROM alerts")
    finally:
        await conn.close()
    yield url
    await asyncio.to_thread(drop_database, server_url, url)


# --- the round trip -------------------------------------------------------------------


async def test_an_archive_holds_a_dump_exports_and_their_manifest(
    archive: Path, source: str
) -> None:
    assert archive.name == "jts-backup-2026-03-02.tar.gz"
    assert file_mode(archive) & 0o077 == 0, "archives hold password hashes"
    members = archive_members(archive)
    folder = "jts-backup-2026-03-02/"
    assert all(name.startswith(folder) for name in members)
    manifest = json.loads(members[folder + "manifest.json"])
    dump = members[folder + "database.dump"]
    assert dump.startswith(b"PGDMP"), "pg_dump's custom format"
    assert b"CREATE TABLE public.alerts" in dump
    assert manifest["dump"] == {
        "file": "database.dump",
        "size": len(dump),
        "sha256": hashlib.sha256(dump).hexdigest(),
    }
    conn = await connect(source)
    try:
        facts = await conn.fetchrow(
            "SELECT current_database(), current_setting('server_version'), "
            "(SELECT version_num FROM alembic_version)"
        )
    finally:
        await conn.close()
    assert (manifest["database"], manifest["server_version"], manifest["schema_revision"]) == (
        tuple(facts)
    )
    assert manifest["created_at"] == NIGHT.isoformat()
    assert manifest["format_version"] == 1
    counts = {t: c for t, (c, _) in (await fingerprints(source)).items()}
    for table, entry in manifest["tables"].items():
        export = members[folder + entry["file"]]
        rows = json.loads(export)
        assert len(rows) == entry["rows"] == counts[table], table
        assert hashlib.sha256(export).hexdigest() == entry["sha256"], table
    assert set(manifest["tables"]) == set(counts) - {"alembic_version"}
    assert {"timers", "timer_intervals", "alerts", "daily_scores", "outbox"} <= {
        t for t, e in manifest["tables"].items() if e["rows"] > 0
    }, "the day left a row in every kind of table"
    employees = json.loads(members[folder + "tables/employees.json"])
    assert all("password_hash" not in e and "email" in e for e in employees)
    assert manifest["excluded_columns"] == {
        "employees": ["password_hash"],
        "roster_sources": ["token"],
    }


async def test_a_restore_brings_back_every_row_and_checks_it(
    archive: Path, source: str, empty_target: str
) -> None:
    manifest = await restore_backup(archive, empty_target)
    assert manifest == read_manifest(archive)
    restored = await fingerprints(empty_target)
    assert restored == await fingerprints(source), "every table, password hashes included"
    conn = await connect(empty_target)
    try:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM employees WHERE password_hash = $1", PASSWORD_HASH
            )
            == 1
        )
        for table, entry in manifest.tables.items():
            excluded = manifest.excluded_columns.get(table, [])
            rows, sha256 = await export_checksum(conn, table, excluded)
            assert (rows, sha256) == (entry.rows, entry.sha256), table
    finally:
        await conn.close()


async def test_verify_reads_every_checksum(archive: Path) -> None:
    manifest = verify_backup(archive)
    assert manifest.tables["tasks"].rows == 2
    assert manifest.tables["organizations"].rows == 1


# --- one archive a night, 30 nights ---------------------------------------------------


async def test_the_same_night_twice_leaves_one_archive_of_the_later_run(
    busy_target: str, tmp_path: Path
) -> None:
    first = await create_backup(busy_target, tmp_path, NIGHT)
    assert read_manifest(first).tables["tasks"].rows == 2
    conn = await connect(busy_target)
    try:
        await conn.execute("DELETE FROM timer_intervals")
    finally:
        await conn.close()
    later = NIGHT + timedelta(hours=5)
    second = await create_backup(busy_target, tmp_path, later)
    assert second == first
    assert folder_names(tmp_path) == {first.name}, "no temporary file left"
    manifest = verify_backup(second)
    assert manifest.created_at == later
    assert manifest.tables["timer_intervals"].rows == 0
    assert manifest.tables["tasks"].rows == 2


async def test_archives_older_than_30_days_are_removed(source: str, tmp_path: Path) -> None:
    today = NIGHT.date()
    names = {
        "kept": f"jts-backup-{today - timedelta(days=30)}.tar.gz",
        "removed": f"jts-backup-{today - timedelta(days=31)}.tar.gz",
        "much_older": "jts-backup-2025-01-01.tar.gz",
        "not_ours": "jts-backup-2020-01-01.tar.gz.keep",
        "notes": "README.txt",
        "killed_run": f".jts-backup-{today - timedelta(days=2)}.tar.gz.k1ll3d.tmp",
        "maybe_running": f".jts-backup-{today - timedelta(days=1)}.tar.gz.xyz123.tmp",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"dummy")
    killed_staging = tmp_path / f".jts-backup-{today - timedelta(days=3)}.tar.gz.abc.staging"
    (killed_staging / "tables").mkdir(parents=True)
    asyncpg_url = source.replace("postgresql://", "postgresql+asyncpg://", 1)
    made = await create_backup(asyncpg_url, tmp_path, NIGHT)
    assert folder_names(tmp_path) == {
        made.name,
        names["kept"],
        names["not_ours"],
        names["notes"],
        names["maybe_running"],
    }


async def test_a_table_not_yet_migrated_is_left_out(busy_target: str, tmp_path: Path) -> None:
    """New code backing up before its migration ran: the backup still happens."""
    conn = await connect(busy_target)
    try:
        await conn.execute("DROP TABLE alerts")
    finally:
        await conn.close()
    made = await create_backup(busy_target, tmp_path, NIGHT)
    manifest = verify_backup(made)
    assert "alerts" not in manifest.tables
    assert manifest.tables["tasks"].rows == 2
    assert b"CREATE TABLE public.alerts" not in dump_of(made)


async def test_now_must_be_aware(source: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await create_backup(source, tmp_path, datetime(2026, 3, 2, 23, 30))  # noqa: DTZ001
    assert folder_names(tmp_path) == set()


async def test_writes_during_a_backup_fall_after_its_snapshot(
    busy_target: str, empty_target: str, tmp_path: Path
) -> None:
    """The dump and the exports read one snapshot: the restored database matches the
    exports although rows were added and changed all through the backup."""
    stop = asyncio.Event()

    async def keep_writing() -> int:
        conn = await connect(busy_target)
        writes = 0
        try:
            while not stop.is_set():
                writes += 1
                await conn.execute("UPDATE organizations SET name = $1", f"Org {writes}")
                await conn.execute(
                    "INSERT INTO outbox (organization_id, name, payload, occurred_at) "
                    "SELECT id, 'task.completed', '{}', now() FROM organizations"
                )
        finally:
            await conn.close()
        return writes

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    made = await create_backup(busy_target, tmp_path, NIGHT)
    stop.set()
    writes = await writer
    manifest = await restore_backup(made, empty_target)
    assert 1 < manifest.tables["outbox"].rows < (await fingerprints(busy_target))["outbox"][0]
    assert writes > 2


# --- refusals -------------------------------------------------------------------------


def _flip_a_dump_byte(name: str, content: bytes) -> bytes:
    if name != "database.dump":
        return content
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


async def test_a_corrupted_dump_is_refused_before_the_target_is_touched(
    damaged: Callable[[Callable[[str, bytes], bytes]], Path], source: str
) -> None:
    """Even told to replace a database in use (the source itself), nothing is touched."""
    corrupted = damaged(_flip_a_dump_byte)
    before = await fingerprints(source)
    with pytest.raises(BackupError, match="dump does not match"):
        verify_backup(corrupted)
    with pytest.raises(BackupError, match="dump does not match"):
        await restore_backup(corrupted, source, replace=True)
    assert await fingerprints(source) == before


async def test_a_truncated_archive_is_refused(
    archive: Path, tmp_path: Path, empty_target: str
) -> None:
    """The manifest comes first, so an operator can still see what the archive was."""
    truncated = truncated_copy(archive, tmp_path)
    assert read_manifest(truncated) == read_manifest(archive)
    with pytest.raises(BackupError, match="not a readable backup archive"):
        await restore_backup(truncated, empty_target)
    assert await fingerprints(empty_target) == {}
    with pytest.raises(BackupError, match="not a readable backup archive"):
        read_manifest(write_file(tmp_path / "notes.tar.gz", b"not an archive"))


async def test_a_database_in_use_is_refused_unless_replaced(
    archive: Path, source: str, busy_target: str
) -> None:
    before = await fingerprints(busy_target)
    with pytest.raises(BackupError, match="not empty"):
        await restore_backup(archive, busy_target)
    assert await fingerprints(busy_target) == before
    await restore_backup(archive, busy_target, replace=True)
    assert await fingerprints(busy_target) == await fingerprints(source)


async def test_a_replace_that_fails_half_way_leaves_the_database_as_it_was(
    other_empty_target: str, empty_target: str, tmp_path: Path
) -> None:
    """The archive creates a schema the target already has (holding only a type, so the
    target passes the emptiness check): the restore fails after the schema was dropped,
    and the drop is undone with it."""
    for url in (other_empty_target, empty_target):
        conn = await connect(url)
        try:
            await conn.execute("CREATE SCHEMA extra; CREATE TYPE extra.mood AS ENUM ('ok')")
        finally:
            await conn.close()
    made = await create_backup(other_empty_target, tmp_path, NIGHT)
    assert read_manifest(made).tables == {}, "no JTS table in that database"
    conn = await connect(empty_target)
    try:
        await conn.execute("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (7)")
    finally:
        await conn.close()
    before = await fingerprints(empty_target)
    with pytest.raises(BackupError, match=r'(?s)psql failed.*schema "extra" already exists'):
        await restore_backup(made, empty_target, replace=True)
    assert await fingerprints(empty_target) == before == {"notes": (1, before["notes"][1])}


async def test_objects_of_extensions_do_not_make_a_database_busy(
    archive: Path, source: str, empty_target: str
) -> None:
    conn = await connect(empty_target)
    try:
        await conn.execute("CREATE EXTENSION pg_stat_statements")
    finally:
        await conn.close()
    await restore_backup(archive, empty_target)
    assert await fingerprints(empty_target) == await fingerprints(source)


async def test_a_restored_database_unlike_its_manifest_is_reported(
    damaged: Callable[[Callable[[str, bytes], bytes]], Path], empty_target: str
) -> None:
    """An export and its manifest entry both changed: the archive is consistent, but the
    restored tasks do not match it."""
    folder_manifest: dict[str, Any] = {}

    def forge(name: str, content: bytes) -> bytes:
        if name == "manifest.json":
            folder_manifest.update(json.loads(content))
            entry = folder_manifest["tables"]["tasks"]
            entry["rows"] -= 1
            entry["sha256"] = hashlib.sha256(forged_tasks).hexdigest()
            return json.dumps(folder_manifest).encode()
        if name == "tables/tasks.json":
            return forged_tasks
        return content

    forged_tasks = b"[\n" + b"{}" + b"\n]\n"
    forged = damaged(forge)
    assert verify_backup(forged).tables["tasks"].rows == 1
    with pytest.raises(BackupError, match=r"does not match the archive.*tasks: 2 rows"):
        await restore_backup(forged, empty_target)


# --- connecting the programs ----------------------------------------------------------


def test_urls_become_libpq_variables_without_the_callers_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGSERVICE", "production")
    monkeypatch.setenv("PGPASSWORD", "someone-elses")
    socket_env = libpq_environment("postgresql+asyncpg://postgres:@/jts?host=/run/pg")
    assert {k: v for k, v in socket_env.items() if k.startswith("PG")} == {
        "PGHOST": "/run/pg",
        "PGUSER": "postgres",
        "PGDATABASE": "jts",
    }
    tcp = libpq_environment(
        "postgresql://jts:s3cr%40t@db.internal:6543/jts?sslmode=verify-full&prepared_statement_cache_size=0"
    )
    assert (tcp["PGHOST"], tcp["PGPORT"], tcp["PGPASSWORD"], tcp["PGSSLMODE"]) == (
        "db.internal",
        "6543",
        "s3cr@t",
        "verify-full",
    )
    assert not any("prepared" in k.lower() for k in tcp)


def test_the_embedded_wheel_provides_the_programs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from jts_store.backup.programs import PostgresPrograms

    monkeypatch.delenv("JTS_PG_BIN_DIR", raising=False)
    assert PostgresPrograms.locate().path("pg_dump").is_file()
    monkeypatch.setenv("JTS_PG_BIN_DIR", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump not found"):
        PostgresPrograms.locate()
