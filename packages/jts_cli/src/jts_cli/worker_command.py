"""``jts worker``: run the scheduled jobs (saq on the JTS database) until stopped."""

from __future__ import annotations

import asyncio

import click


@click.command("worker")
@click.option("--concurrency", type=int, default=None, help="Runs at once (JTS_CONCURRENCY).")
def worker(concurrency: int | None) -> None:
    """Run the job worker: the scheduler tick and the queued runs, until SIGINT/SIGTERM.

    Settings come from JTS_ variables (JTS_DATABASE_URL unset: the embedded PostgreSQL in
    JTS_DATA_DIR). Any number of workers may run against one database.
    """
    from jts_api.ops.logging import configure_logging, configure_process_logging
    from jts_jobs.settings import WorkerSettings
    from jts_jobs.worker import run_worker

    settings = WorkerSettings()
    if concurrency is not None:
        settings = settings.model_copy(update={"concurrency": concurrency})
    # JSON lines without frame locals or secrets, as the API's (jts_api.ops.logging)
    configure_logging()
    configure_process_logging()
    asyncio.run(run_worker(settings))
