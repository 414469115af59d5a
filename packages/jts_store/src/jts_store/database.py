"""One process's way to the database: one engine (one pool) and the unit-of-work factory
on it, opened once by the composition root and shared by the parts it runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Database:
    """An engine and its unit-of-work factory.

    ``jts dev`` opens one and hands it to the API and the worker of its process
    (``jts_api.app.create_app(database=...)``, ``jts_jobs.worker.run_worker(database=...)``);
    they run on it and leave closing it to whoever opened it, once both have stopped.
    """

    #: The plain ``postgresql://`` URL (saq's queue and the listeners connect by it).
    url: str = field(repr=False)  # it holds the password
    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory

    @classmethod
    def open(cls, url: str, *, pool_size: int = 10, echo: bool = False) -> Database:
        """An engine with a bounded pool on ``url`` (no connection is made yet)."""
        engine = create_engine(url, pool_size=pool_size, echo=echo)
        return cls(url, engine, SqlUnitOfWorkFactory(engine))

    async def close(self) -> None:
        """Close the engine's connections."""
        await self.engine.dispose()
