"""An API on the process's database (``jts dev`` shares one with its worker) leaves
closing it to the composition root; an API on an engine of its own disposes it.

Disposing an engine replaces its pool, so whether the pool is the same object after the
app shut down tells which happened (no request is made: no connection is left open).
"""

from __future__ import annotations

import pytest

from jts_api.app import create_app
from jts_store.database import Database
from jts_store.engine import create_engine
from tests.api.harness import api_settings, serve


def test_an_app_on_the_process_database_leaves_it_to_its_owner(database_url: str) -> None:
    database = Database.open(database_url, pool_size=2)
    pool = database.engine.pool
    with serve(database_url, database=database):
        pass
    assert database.engine.pool is pool


def test_an_app_on_an_engine_of_its_own_disposes_it(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=2)
    pool = engine.pool
    with serve(database_url, engine=engine):
        pass
    assert engine.pool is not pool


def test_an_app_takes_an_engine_or_a_database_not_both(database_url: str) -> None:
    database = Database.open(database_url, pool_size=2)
    with pytest.raises(ValueError, match="not both"):
        create_app(api_settings(database_url), engine=database.engine, database=database)
