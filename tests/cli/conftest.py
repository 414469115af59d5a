"""Fixtures of the ``jts`` command's tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data directory outside pytest's temporary folder, whose permissions other pytest
    runs on the machine reset (the database server runs as another user)."""
    folder = Path(tempfile.mkdtemp(prefix="jts-cli-dev-"))
    yield folder / "data"
    shutil.rmtree(folder, ignore_errors=True)
