"""The ``jts`` command line."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """JTS, the Jobs Tracking System for shift-based teams."""
