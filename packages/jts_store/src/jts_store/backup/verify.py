"""Reading an archive back: its manifest, and whether its files match the manifest."""

from __future__ import annotations

import contextlib
import hashlib
import tarfile
import zlib
from pathlib import Path
from typing import IO

from jts_store.backup.errors import BackupError
from jts_store.backup.manifest import DUMP_FILE, MANIFEST_FILE, DumpEntry, Manifest, TableEntry

_CHUNK = 1 << 20
_READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError)


def _inner_name(member: tarfile.TarInfo) -> str:
    """A member's name inside the archive's top folder."""
    return member.name.partition("/")[2] or member.name


def read_manifest(archive: Path) -> Manifest:
    """The manifest of an archive, without checking the rest of it."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.isfile() and _inner_name(member) == MANIFEST_FILE:
                    return Manifest.from_json(_open(tar, member).read())
    except _READ_ERRORS as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    raise BackupError(f"{archive} holds no {MANIFEST_FILE}")


def verify_backup(archive: Path, dump_to: Path | None = None) -> Manifest:
    """Check every file of an archive against its manifest; the manifest.

    The dump's size and SHA-256, and each table export's row count and SHA-256, must be
    the manifest's, and no table may be missing. With ``dump_to``, the dump is also
    copied there (the copy that was checked, so a restore can use it). Raises
    :class:`BackupError` on the first archive that does not hold up.
    """
    manifest: Manifest | None = None
    dump: DumpEntry | None = None
    exports: dict[str, TableEntry] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                name = _inner_name(member)
                if name == MANIFEST_FILE:
                    manifest = Manifest.from_json(_open(tar, member).read())
                elif name == DUMP_FILE:
                    dump = _dump_digest(_open(tar, member), dump_to)
                elif name.startswith("tables/") and name.endswith(".json"):
                    table = name.removeprefix("tables/").removesuffix(".json")
                    exports[table] = _export_digest(_open(tar, member))
    except _READ_ERRORS as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    if manifest is None:
        raise BackupError(f"{archive} holds no {MANIFEST_FILE}")
    _compare(archive, manifest, dump, exports)
    return manifest


def _open(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    stream = tar.extractfile(member)
    if stream is None:
        raise BackupError(f"{member.name} cannot be read")
    return stream


def _dump_digest(stream: IO[bytes], copy_to: Path | None) -> DumpEntry:
    digest, size = hashlib.sha256(), 0
    with contextlib.ExitStack() as stack:
        copy = stack.enter_context(copy_to.open("wb")) if copy_to is not None else None
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if copy is not None:
                copy.write(chunk)
    return DumpEntry(size=size, sha256=digest.hexdigest())


def _export_digest(stream: IO[bytes]) -> TableEntry:
    digest, rows = hashlib.sha256(), 0
    for line in stream:
        digest.update(line)
        rows += line.startswith(b"{")
    return TableEntry(rows=rows, sha256=digest.hexdigest())


def _compare(
    archive: Path, manifest: Manifest, dump: DumpEntry | None, exports: dict[str, TableEntry]
) -> None:
    if dump is None:
        raise BackupError(f"{archive} holds no {DUMP_FILE}")
    if dump != manifest.dump:
        raise BackupError(
            f"{archive}: the dump does not match its manifest (SHA-256 {dump.sha256}, "
            f"{dump.size} bytes; expected {manifest.dump.sha256}, {manifest.dump.size} bytes)"
        )
    for table, expected in manifest.tables.items():
        found = exports.get(table)
        if found != expected:
            raise BackupError(
                f"{archive}: the export of {table} does not match its manifest "
                f"(found {found}, expected {expected})"
            )
