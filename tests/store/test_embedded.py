"""Where the database comes from: the embedded server by default, a configured URL if set."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from jts_store.embedded import database_url, embedded_server_url
from jts_store.engine import asyncpg_url, with_database
from jts_store.settings import StoreSettings


async def test_settings_default_to_the_embedded_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JTS_DATABASE_URL", raising=False)
    monkeypatch.setenv("JTS_DATA_DIR", "/srv/jts-data")
    settings = StoreSettings()
    assert settings.database_url is None
    assert settings.data_dir == Path("/srv/jts-data")


async def test_a_configured_url_is_used_as_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server_url: str
) -> None:
    monkeypatch.setenv("JTS_DATABASE_URL", server_url)
    settings = StoreSettings(data_dir=tmp_path)
    assert database_url(settings.database_url, settings.data_dir) == server_url
    assert not (tmp_path / "pgdata").exists(), "no embedded server may start when a URL is set"
    conn = await asyncpg.connect(server_url)
    try:
        assert await conn.fetchval("SELECT 1") == 1
    finally:
        await conn.close()


async def test_the_embedded_server_starts_then_is_reused(tmp_path: Path) -> None:
    first = embedded_server_url(tmp_path / "data")
    second = database_url(None, tmp_path / "data")
    assert first == second
    assert (tmp_path / "data" / "pgdata" / "PG_VERSION").read_text().strip() == "18"
    conn = await asyncpg.connect(first)
    try:
        assert await conn.fetchval("SELECT current_setting('server_version_num')::int") >= 180000
    finally:
        await conn.close()


def test_urls_become_asyncpg_urls_and_keep_the_socket() -> None:
    socket_url = "postgresql://postgres:@/postgres?host=/run/pg"
    url = asyncpg_url(socket_url)
    assert url.drivername == "postgresql+asyncpg"
    assert url.query["host"] == "/run/pg"
    assert asyncpg_url("postgres://u:p@db:5432/jts").host == "db"
    other = make_url(with_database(socket_url, "jts"))
    assert (other.database, other.query["host"]) == ("jts", "/run/pg")


async def test_a_database_url_made_for_another_database_connects(server_url: str) -> None:
    conn = await asyncpg.connect(with_database(server_url, "template1"))
    try:
        assert await conn.fetchval("SELECT current_database()") == "template1"
    finally:
        await conn.close()
