"""Archive files: their names, writing one atomically, and keeping 30 days of them."""

from __future__ import annotations

import os
import re
import tarfile
import tempfile
from datetime import date, timedelta
from pathlib import Path

from jts_store.backup.manifest import DUMP_FILE, MANIFEST_FILE

#: Archives whose date is more than this many days before today are removed.
RETENTION_DAYS = 30

_ARCHIVE_NAME = re.compile(r"^jts-backup-(\d{4}-\d{2}-\d{2})\.tar\.gz$")


def archive_name(day: date) -> str:
    """``jts-backup-YYYY-MM-DD.tar.gz``."""
    return f"jts-backup-{day.isoformat()}.tar.gz"


def archive_day(path: Path) -> date | None:
    """The date in an archive's name, or None when the name is not an archive's."""
    match = _ARCHIVE_NAME.match(path.name)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def write_archive(staging: Path, target: Path) -> None:
    """Pack a staged backup into ``target``: a temporary file in the same folder, renamed.

    A reader sees the previous archive or the new one, never a half-written file. The
    members sit in a folder named after the archive, manifest first, dump last.
    """
    folder = target.name.removesuffix(".tar.gz")
    members = [
        staging / MANIFEST_FILE,
        *sorted((staging / "tables").iterdir()),
        staging / DUMP_FILE,
    ]
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                for path in members:
                    arcname = f"{folder}/{path.relative_to(staging).as_posix()}"
                    tar.add(path, arcname=arcname, recursive=False)
            raw.flush()
            os.fsync(raw.fileno())
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def remove_expired(backups_dir: Path, today: date, keep_days: int = RETENTION_DAYS) -> list[Path]:
    """Delete the archives dated more than ``keep_days`` before ``today``; those deleted.

    Only files named like an archive are considered; anything else is left alone.
    """
    oldest_kept = today - timedelta(days=keep_days)
    removed = []
    for path in sorted(backups_dir.iterdir()):
        day = archive_day(path)
        if day is not None and day < oldest_kept and path.is_file():
            path.unlink()
            removed.append(path)
    return removed
