"""The ``jts`` command line."""

from __future__ import annotations

import click

from jts_cli.worker_command import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """JTS, the Jobs Tracking System for shift-based teams."""


cli.add_command(worker)
