"""The one error of backups and restores."""

from __future__ import annotations


class BackupError(Exception):
    """A backup could not be made, read, verified or restored; the message says why."""
