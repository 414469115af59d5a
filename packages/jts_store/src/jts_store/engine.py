"""Engines for the asyncpg driver, from plain ``postgresql://`` URLs."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jts_store.text_guard import guard_engine, json_dumps_storable


def asyncpg_url(url: str) -> URL:
    """``postgresql://…`` (or ``postgres://``) as a ``postgresql+asyncpg://`` URL.

    A Unix-socket URL keeps its ``host=/dir`` query parameter, which asyncpg understands.
    """
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+asyncpg")


def with_database(url: str, database: str) -> str:
    """The same server URL, naming another database."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


#: How long a unit of work waits for a pooled connection before it fails.
POOL_WAIT_SECONDS = 10.0


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An async engine with a fixed pool: ``pool_size`` connections, kept open.

    A burst beyond the pool waits for a connection (up to :data:`POOL_WAIT_SECONDS`)
    rather than opening one more: a connection opened for a burst is closed when it is
    returned, so under steady load beyond the pool every request paid for a connect,
    the driver's type introspection and a cold statement cache (three to five round
    trips more, measured in ``bench/api_timer_cycle.py``).

    Connections are not pinged before use (a ping costs three round trips per checkout:
    BEGIN, a query, ROLLBACK); a unit of work whose first statement meets a connection
    the server dropped takes a new one and runs it again instead
    (:class:`jts_store.repositories.transaction.TransactionConnection`). Text PostgreSQL
    cannot hold is refused before the driver sees it (:mod:`jts_store.text_guard`), and
    statement parameters are left out of error messages (they can hold password hashes
    and other secrets, and errors get logged).
    """
    engine = create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=POOL_WAIT_SECONDS,
        pool_pre_ping=False,
        echo=echo,
        hide_parameters=True,
        json_serializer=json_dumps_storable,
    )
    return guard_engine(engine)
