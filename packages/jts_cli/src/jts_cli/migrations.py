"""Running the Alembic migrations (``alembic.ini`` and ``migrations/`` at the repository
root) programmatically."""

from __future__ import annotations

from pathlib import Path

import click

#: The repository root, when jts_cli runs from a checkout of the workspace.
_CHECKOUT_ROOT = Path(__file__).resolve().parents[4]


def project_root() -> Path:
    """The folder holding ``alembic.ini``: the checkout this package lives in, else the
    working directory or one of its parents."""
    for candidate in (_CHECKOUT_ROOT, Path.cwd(), *Path.cwd().parents):
        if (candidate / "alembic.ini").is_file() and (candidate / "migrations").is_dir():
            return candidate
    msg = "alembic.ini and migrations/ not found: run jts from the JTS repository"
    raise click.ClickException(msg)


def upgrade_to_head(url: str) -> None:
    """Bring the database at ``url`` to the newest migration (idempotent)."""
    from alembic import command
    from alembic.config import Config

    root = project_root()
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["url"] = url
    command.upgrade(config, "head")
