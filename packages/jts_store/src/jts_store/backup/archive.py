"""Archive files: their names, writing one atomically, and keeping 30 days of them."""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import tempfile
from datetime import date, timedelta
from pathlib import Path

from jts_store.backup.manifest import DUMP_FILE, MANIFEST_FILE

#: Archives whose date is more than this many days before today are removed.
RETENTION_DAYS = 30

#: A run killed half-way leaves its temporary files; they are removed this many days on.
LEFTOVER_DAYS = 2

_ARCHIVE_NAME = re.compile(r"^jts-backup-(\d{4}-\d{2}-\d{2})\.tar\.gz$")
_LEFTOVER_NAME = re.compile(r"^\.jts-backup-(\d{4}-\d{2}-\d{2})\.tar\.gz\..+\.(tmp|staging)$")


def archive_name(day: date) -> str:
    """``jts-backup-YYYY-MM-DD.tar.gz``."""
    return f"jts-backup-{day.isoformat()}.tar.gz"


def staging_folder(target: Path) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder beside ``target`` to stage its files in, deleted on exit."""
    return tempfile.TemporaryDirectory(
        prefix=f".{target.name}.", suffix=".staging", dir=target.parent
    )


def archive_day(path: Path, pattern: re.Pattern[str] = _ARCHIVE_NAME) -> date | None:
    """The date in an archive's name, or None when the name is not an archive's."""
    match = pattern.match(path.name)
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

    Also deleted: what runs killed half-way left behind (temporary archives and staging
    folders) dated :data:`LEFTOVER_DAYS` or more before today, when no run can still be
    writing them. Anything not named like an archive or a leftover is left alone.
    """
    oldest_kept = today - timedelta(days=keep_days)
    newest_leftover = today - timedelta(days=LEFTOVER_DAYS)
    removed = []
    for path in sorted(backups_dir.iterdir()):
        day = archive_day(path)
        leftover_day = archive_day(path, _LEFTOVER_NAME)
        if day is not None and day < oldest_kept and path.is_file():
            path.unlink()
        elif leftover_day is not None and leftover_day <= newest_leftover:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        else:
            continue
        removed.append(path)
    return removed
