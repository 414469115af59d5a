"""The ``jts`` command line: the composition root of JTS."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from jts_cli.demo import (
    DEMO_PASSWORD,
    DEMO_STEPS,
    DemoLogin,
    database_is_empty,
    demo_logins,
    seed_demo,
)
from jts_cli.dev import dev_secret_key
from jts_cli.migrations import upgrade_to_head
from jts_cli.operations import export_command, import_roster_command
from jts_cli.progress import ProgressReport
from jts_cli.serving import api_server, run_until_stopped, serve_with_worker
from jts_cli.worker_command import worker

if TYPE_CHECKING:
    from jts_api.settings import ApiSettings
    from jts_domain.ports import JobQueue
    from jts_jobs.settings import WorkerSettings
    from jts_store.database import Database

DATA_DIR_HELP = (
    "Where the embedded PostgreSQL keeps its data when JTS_DATABASE_URL is unset "
    "(default: JTS_DATA_DIR, else .jts/)."
)


def _settings(data_dir: Path | None, **overrides: object) -> ApiSettings:
    """The settings from the environment, with the command line's values on top."""
    from pydantic import ValidationError

    from jts_api.settings import ApiSettings

    values: dict[str, object] = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    try:
        return ApiSettings(**values)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(str(e["msg"]) for e in error.errors())
        raise click.ClickException(f"invalid settings: {problems}") from None


def _database_url(settings: ApiSettings) -> str:
    from jts_store.embedded import database_url

    return database_url(settings.database_url, settings.data_dir)


def _print_logins(logins: list[DemoLogin]) -> None:
    if not logins:
        return
    click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.role.value:<9} {login.email:<34} {login.name}")


def _open_database(url: str, *, pool_size: int, echo: bool = False) -> Database:
    """The one place a ``jts`` process builds its engine and unit-of-work factory when
    it hands them to several parts (``jts dev``: the API and the worker)."""
    from jts_store.database import Database

    return Database.open(url, pool_size=pool_size, echo=echo)


async def _closing(database: Database, running: Coroutine[Any, Any, None]) -> None:
    """Run, then close the database the parts shared (once all of them have stopped)."""
    try:
        await running
    finally:
        import structlog

        structlog.get_logger("jts.cli").info("shutting down: closing database connections")
        await database.close()


async def _seed(settings: ApiSettings, url: str) -> tuple[bool, list[DemoLogin]]:
    """Seed when empty; (whether it seeded, the demo logins that exist)."""
    from jts_api.auth.passwords import Argon2PasswordHasher
    from jts_domain.clock import SystemClock
    from jts_domain.services import ServiceContext

    # its own event loop, so its own engine (an engine's connections belong to one loop)
    database = _open_database(url, pool_size=2)
    try:
        ctx = ServiceContext(uow=database.uow, clock=SystemClock())
        if await database_is_empty(ctx):
            hasher = Argon2PasswordHasher.from_settings(settings)
            with ProgressReport("seed-demo", total=DEMO_STEPS, unit="steps") as progress:
                return True, await seed_demo(ctx, hasher, progress.step)
        return False, await demo_logins(ctx)
    finally:
        await database.close()


def _worker_settings(settings: ApiSettings, database_url: str) -> WorkerSettings:
    """The worker's settings from the environment, on the API's database and data dir."""
    from jts_jobs.settings import WorkerSettings

    return WorkerSettings(database_url=database_url, data_dir=settings.data_dir)


def _job_queue(settings: ApiSettings, database_url: str) -> JobQueue:
    """Where the API's ``triggerJob`` queues a run for the workers (saq on the database)."""
    from jts_jobs.queue import SaqJobQueue

    worker_settings = _worker_settings(settings, database_url)
    return SaqJobQueue.from_settings(worker_settings, database_url=database_url)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """JTS, the Jobs Tracking System for shift-based teams.

    Settings come from JTS_ environment variables (JTS_DATABASE_URL, JTS_SECRET_KEY,
    JTS_ENV, ...); see the README.
    """


@cli.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help=DATA_DIR_HELP)
def migrate(data_dir: Path | None) -> None:
    """Bring the database to the newest schema (alembic upgrade head).

    Safe to run again: an up-to-date database is left as it is.
    """
    upgrade_to_head(_database_url(_settings(data_dir)))
    click.echo("Database schema is up to date.")


@cli.command("seed-demo")
@click.option("--data-dir", type=click.Path(path_type=Path), help=DATA_DIR_HELP)
def seed_demo_command(data_dir: Path | None) -> None:
    """Add a demo organization when the database is empty, and print its logins.

    Two stores, two departments, day and night shifts, a week of roster, task templates,
    a manager per department, employees and a few tasks. A database that already holds
    an organization is left untouched. Run `jts migrate` first.
    """
    settings = _settings(data_dir)
    seeded, logins = asyncio.run(_seed(settings, _database_url(settings)))
    click.echo("Demo data added." if seeded else "The database is not empty: nothing added.")
    _print_logins(logins)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--data-dir", type=click.Path(path_type=Path), help=DATA_DIR_HELP)
def serve(host: str, port: int, data_dir: Path | None) -> None:
    """Serve the GraphQL API (HTTP and websockets) until SIGTERM or Ctrl-C.

    Run one per replica behind a load balancer; the schema must be migrated already.
    GET /health checks the database, GET /metrics is for Prometheus.
    """
    from jts_api.app import create_app

    settings = _settings(data_dir)
    queue = _job_queue(settings, _database_url(settings))
    app = create_app(settings, job_queue=queue)
    run_until_stopped(api_server(app, host, port, trusted_proxies=settings.trusted_proxies).serve())


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--data-dir", type=click.Path(path_type=Path), help=DATA_DIR_HELP)
def dev(host: str, port: int, data_dir: Path | None) -> None:
    """Everything on one machine: embedded PostgreSQL, migrations, demo data, the API and
    the job worker.

    The database lives in the data directory (unless JTS_DATABASE_URL is set), and so
    does a secret key made on the first run, so tokens survive restarts. Demo data is
    added when the database is empty. An embedded database that stops is started again
    (and logged). Stop with Ctrl-C or SIGTERM.
    """
    from jts_api.app import create_app

    settings = _settings(data_dir)
    embedded = settings.database_url is None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    click.echo(f"Data directory: {settings.data_dir.resolve()}")
    url = _database_url(settings)
    upgrade_to_head(url)
    seeded, logins = asyncio.run(_seed(settings, url))
    if seeded:
        click.echo("Demo data added.")
    settings = _settings(
        data_dir,
        database_url=url,
        secret_key=settings.secret_key or dev_secret_key(settings.data_dir),
    )
    from jts_jobs.worker import run_worker

    worker_settings = _worker_settings(settings, url)
    # One process: the API and the worker share one engine (a pool as large as their
    # two were) and one unit-of-work factory, closed once both have stopped.
    database = _open_database(
        url, pool_size=settings.pool_size + worker_settings.pool_size, echo=settings.echo_sql
    )
    app = create_app(settings, database=database, job_queue=_job_queue(settings, url))
    click.echo(f"GraphiQL: http://{host}:{port}/graphql")
    _print_logins(logins)
    api = api_server(app, host, port, trusted_proxies=settings.trusted_proxies)
    watch = []
    if embedded:  # a database of its own: bring it back when it dies
        from jts_store.embedded import keep_embedded_server_running

        watch.append(lambda stop: keep_embedded_server_running(settings.data_dir, stop))
    run_until_stopped(
        _closing(
            database,
            serve_with_worker(
                api,
                lambda stop: run_worker(worker_settings, stop=stop, database=database),
                companions=watch,
            ),
        )
    )


cli.add_command(worker)
# operations: exports and roster imports for operators
cli.add_command(export_command)
cli.add_command(import_roster_command)


@cli.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help=DATA_DIR_HELP)
def backup(data_dir: Path | None) -> None:
    """Back the whole database up now: the nightly backup's archive (a pg_dump, JSON
    exports and a manifest of checksums) in JTS_BACKUPS_DIR, archives older than 30 days
    removed.

    The workers run the same backup every night at 23:30 in JTS_OPERATOR_TIMEZONE; both
    are recorded in the operator's execution log, which no organization can read.
    """
    from jts_domain.schedule import SystemJobName
    from jts_jobs.runs import JobBusyError
    from jts_jobs.system_runs import run_system_job_now

    settings = _settings(data_dir)
    url = _database_url(settings)
    job = SystemJobName.NIGHTLY_BACKUP
    try:
        with ProgressReport("backup", unit="steps") as progress:
            worker_settings = _worker_settings(settings, url)
            run = asyncio.run(run_system_job_now(job, worker_settings, url, progress.step))
    except JobBusyError:
        raise click.ClickException("a backup is running already; try again later") from None
    if not run.success:
        raise click.ClickException(f"the backup failed: {run.message}")
    click.echo(f"Backup written to {run.result['archive']}")


@cli.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Drop what the database holds and restore in its place (in one transaction).",
)
@click.option("--data-dir", type=click.Path(path_type=Path), help=DATA_DIR_HELP)
def restore(archive: Path, replace: bool, data_dir: Path | None) -> None:
    """Bring a database back from a nightly backup ARCHIVE (jts-backup-YYYY-MM-DD.tar.gz).

    Every checksum is verified first; the target must be empty unless --replace is given;
    after restoring, each table's row count and checksum is checked against the manifest.
    """
    from jts_store.backup import BackupError, restore_backup

    url = _database_url(_settings(data_dir))
    try:
        with ProgressReport("restore", unit="steps") as progress:
            restoring = restore_backup(archive, url, replace=replace, on_step=progress.step)
            manifest = asyncio.run(restoring)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(table.rows for table in manifest.tables.values())
    click.echo(
        f"Restored {archive.name} (taken {manifest.created_at}): "
        f"{len(manifest.tables)} tables, {rows} rows, checksums verified."
    )
