"""``jts export`` and ``jts import-roster``: an organization's data out as a file, and its
roster in from a CSV, for operators (run as the system, audited as such)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import click

from jts_cli.progress import ProgressReport

if TYPE_CHECKING:
    from jts_domain.exports.model import ExportScope
    from jts_domain.roster_sync.model import SyncReport
    from jts_domain.services import ServiceContext

DATA_DIR_OPTION = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    help="The embedded PostgreSQL's data when JTS_DATABASE_URL is unset (default .jts/).",
)
ORGANIZATION_OPTION = click.option(
    "--organization", required=True, type=click.UUID, help="The organization's id."
)
KINDS = ("timesheets", "attendance", "scores", "tasks")
T = TypeVar("T")


def _run(data_dir: Path | None, work: Callable[[ServiceContext], Awaitable[T]]) -> T:
    """Run ``work(ctx)`` on the configured database; a domain error becomes a message."""
    from jts_domain.clock import SystemClock
    from jts_domain.errors import DomainError
    from jts_domain.services import ServiceContext
    from jts_store.embedded import database_url
    from jts_store.engine import create_engine
    from jts_store.settings import StoreSettings
    from jts_store.unit_of_work import SqlUnitOfWorkFactory

    settings = StoreSettings() if data_dir is None else StoreSettings(data_dir=data_dir)

    async def main() -> T:
        engine = create_engine(database_url(settings.database_url, settings.data_dir), pool_size=2)
        try:
            return await work(ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=SystemClock()))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DomainError as error:
        raise click.ClickException(f"{error.code.value}: {error.message}") from None


async def _write(
    ctx: ServiceContext, scope: ExportScope, file_format: str, target: Path | None
) -> int:
    """Write the export to ``target`` (standard output when None); the rows written."""
    from jts_api.exports.files import csv_chunks, write_xlsx
    from jts_domain.exports.use_cases import export_rows

    rows = export_rows(ctx, scope)
    with ProgressReport(f"export {scope.kind.value}.{file_format}") as progress:
        if file_format == "xlsx" and target is not None:
            await write_xlsx(scope, rows, target, progress.advance)
            return progress.done
        chunks = csv_chunks(scope.columns, rows, progress.advance)
        with target.open("wb") if target is not None else os.fdopen(os.dup(1), "wb") as out:
            async for chunk in chunks:
                out.write(chunk)
        return progress.done


def _partial_file(target: Path) -> Path:
    """An empty file beside ``target``, to write into and then rename over it."""
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(descriptor)
    return Path(name)


@click.command("export")
@ORGANIZATION_OPTION
@click.option("--kind", required=True, type=click.Choice(KINDS))
@click.option(
    "--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option("--from", "date_from", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "date_to", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--department", type=click.UUID, help="Only this department's rows.")
@click.option(
    "--output",
    "-o",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The file to write (- for standard output, CSV only).",
)
@DATA_DIR_OPTION
def export_command(
    *,
    organization: UUID,
    kind: str,
    file_format: str,
    date_from: datetime,
    date_to: datetime,
    department: UUID | None,
    output: Path,
    data_dir: Path | None,
) -> None:
    """Export an organization's timesheets, attendance, scores or tasks for a range of
    business dates (both included, at most 366 days), as CSV or XLSX.

    The same files as GET /exports/<kind>.<format>, for the whole organization. Progress
    goes to standard error; a file is written whole or not at all.
    """
    from jts_domain.exports.model import ExportKind
    from jts_domain.exports.use_cases import prepare_export
    from jts_domain.services import Caller

    to_stdout = str(output) == "-"
    if file_format == "xlsx" and to_stdout:
        raise click.UsageError("an XLSX export needs --output FILE")
    target = None if to_stdout else output.resolve()
    partial = None if target is None else _partial_file(target)

    async def work(ctx: ServiceContext) -> int:
        scope = await prepare_export(
            ctx,
            Caller.system(organization, "jts export"),
            kind=ExportKind(kind),
            date_from=date_from.date(),
            date_to=date_to.date(),
            department_id=department,
            file_format=file_format,
        )
        return await _write(ctx, scope, file_format, partial)

    try:
        rows = _run(data_dir, work)
        if partial is not None and target is not None:
            partial.replace(target)
            click.echo(f"{rows} rows written to {target}")
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)


@click.command("import-roster")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ORGANIZATION_OPTION
@DATA_DIR_OPTION
def import_roster_command(csv_file: Path, organization: UUID, data_dir: Path | None) -> None:
    """Upsert an organization's employees and roster entries from CSV_FILE (the columns of
    importRoster; see the README), by external id.

    Prints a line per failed row and the counts; exits 1 when any row failed (the others
    are applied).
    """
    from jts_domain.roster_sync.csv_rows import source_rows
    from jts_domain.roster_sync.model import RowStatus
    from jts_domain.roster_sync.use_cases import import_roster
    from jts_domain.services import Caller

    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file} is not UTF-8 text") from None

    async def work(ctx: ServiceContext) -> SyncReport:
        rows, _ = source_rows(text)
        caller = Caller.system(organization, "jts import-roster")
        with ProgressReport("import-roster", total=len(rows)) as progress:
            return await import_roster(ctx, caller, text, on_batch=progress.advance)

    report = _run(data_dir, work)
    for row in report.failures:
        kind = row.kind.value.lower() if row.kind else "row"
        click.echo(f"line {row.line} ({kind} {row.external_id}): {row.reason}")
    click.echo(report.counts.describe())
    if any(r.status is RowStatus.FAILED for r in report.results):
        sys.exit(1)
