"""What ``jts dev`` keeps in its data directory besides the database."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 -- a file name, not a secret


def dev_secret_key(data_dir: Path) -> str:
    """The data directory's token-signing key, made (readable by its owner only) on the
    first run and kept, so tokens stay valid across restarts."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key
