"""Checks of backups that do not reuse the backup's own code.

Row fingerprints come from PostgreSQL's text form of whole rows; export checksums are
rebuilt from a database through asyncpg, following the canonical form documented in
``jts_store.backup.exports``; archive members are read with :mod:`tarfile`.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any

import asyncpg

from tests.store.working_day import connect


async def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its row count and the MD5 of its rows' text."""
    conn = await connect(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        result = {}
        for (table,) in tables:
            result[table] = tuple(
                await conn.fetchrow(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "  # noqa: S608 -- names from pg_tables
                    f"ORDER BY t::text), '')) FROM {table} t"
                )
            )
    finally:
        await conn.close()
    return result


def _json_value(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


async def export_checksum(
    conn: asyncpg.Connection, table: str, excluded: list[str]
) -> tuple[int, str]:
    """Row count and SHA-256 of a table's export, rebuilt from its rows: a JSON array,
    one row per line in primary-key order (all columns without one), keys sorted, no spaces."""
    key = await conn.fetch(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = $1::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        table,
    )
    order = ", ".join(row["attname"] for row in key)
    if not order:  # a table without a primary key is exported in the order of all columns
        columns = await conn.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0"
            " AND NOT attisdropped ORDER BY attnum",
            table,
        )
        order = ", ".join(row["attname"] for row in columns)
    rows = await conn.fetch(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608 -- our tables
    lines = [
        json.dumps(
            {k: v for k, v in row.items() if k not in excluded},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=_json_value,
        ).encode()
        for row in rows
    ]
    content = b"[" + b"".join((b"\n" if i == 0 else b",\n") + line for i, line in enumerate(lines))
    content += b"\n]\n"
    return len(rows), hashlib.sha256(content).hexdigest()


def read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    stream = tar.extractfile(member)
    assert stream is not None
    return stream.read()


def write_file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def folder_names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def file_mode(path: Path) -> int:
    return path.stat().st_mode


def truncated_copy(archive: Path, folder: Path) -> Path:
    content = archive.read_bytes()
    copy = folder / archive.name
    copy.write_bytes(content[: len(content) // 2])
    return copy


def dump_of(archive: Path) -> bytes:
    return next(v for k, v in archive_members(archive).items() if k.endswith("/database.dump"))


def archive_members(archive: Path) -> dict[str, bytes]:
    """The archive's files, by their name inside its folder."""
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: read_member(tar, m) for m in tar if m.isfile()}
