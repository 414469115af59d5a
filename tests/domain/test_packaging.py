"""`jts_domain` is a package of its own: it installs and works where only `transitions` is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import asyncio, sys
from jts_domain.memory import InMemoryDatabase
from jts_domain.geo import haversine_meters
from jts_domain.lifecycle import allowed_task_triggers
from jts_domain.model import TaskStatus

async def organizations() -> int:
    async with InMemoryDatabase().unit_of_work() as uow:
        return len(await uow.organizations.list_all())

assert asyncio.run(organizations()) == 0
assert haversine_meters(0.0, 0.0, 0.0, 0.0) == 0.0
assert "accept" in allowed_task_triggers(TaskStatus.ASSIGNED)
heavy = {"sqlalchemy", "asyncpg", "litestar", "strawberry", "saq", "pydantic", "jts_store"}
assert not heavy & set(sys.modules), heavy & set(sys.modules)
print("ok")
"""


def _run(*command: str | Path) -> str:
    result = subprocess.run(  # noqa: S603 -- our own build tools, fixed arguments
        [str(part) for part in command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_domain_wheel_installs_with_only_transitions(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed to build the wheel (the README's setup installs it)")
    _run(uv, "build", "--package", "jts-domain", "--wheel", "--out-dir", tmp_path / "dist")
    wheel = next((tmp_path / "dist").glob("jts_domain-*.whl"))
    venv = tmp_path / "venv"
    _run(uv, "venv", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(uv, "pip", "install", "--python", python, wheel)
    installed = {
        line.split()[0].split("==")[0].lower()
        for line in _run(uv, "pip", "freeze", "--python", python).splitlines()
    }
    assert installed - {"six"} == {"jts-domain", "transitions"}
    assert _run(python, "-c", PROBE).strip() == "ok"
