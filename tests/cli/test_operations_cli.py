"""``jts export``, ``jts import-roster`` and the progress of ``jts seed-demo``, run for
real as subprocesses: plain progress lines on a pipe, a bar on a terminal."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import pty
import select
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import openpyxl
import pytest

from tests.cli.test_cli import JTS, _env, _jts
from tests.conftest import create_database, drop_database

READ_TIMEOUT_SECONDS = 120.0


@pytest.fixture(scope="module")
def demo_database(server_url: str) -> Iterator[tuple[str, str, str]]:
    """A migrated database with the demo organization; (its URL, the organization id,
    what seeding it wrote on standard error)."""
    url = create_database(server_url, "jts_cli_ops")
    migrated = _jts("migrate", JTS_DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    seeded = _jts("seed-demo", JTS_DATABASE_URL=url)
    assert seeded.returncode == 0, seeded.stderr
    organization_id = asyncio.run(_organization(url))
    yield url, organization_id, seeded.stderr
    drop_database(server_url, url)


async def _organization(url: str) -> str:
    connection = await asyncpg.connect(url)
    try:
        return str(await connection.fetchval("SELECT id FROM organizations"))
    finally:
        await connection.close()


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Kolkata")).date().isoformat()


def test_seed_demo_reports_its_steps_in_plain_lines(demo_database: tuple[str, str, str]) -> None:
    *_, progress = demo_database
    lines = [line for line in progress.splitlines() if line.startswith("seed-demo:")]
    assert lines == [
        "seed-demo: 1/8 organization and admin",
        "seed-demo: 2/8 stores",
        "seed-demo: 3/8 shifts",
        "seed-demo: 4/8 managers and departments",
        "seed-demo: 5/8 employees",
        "seed-demo: 6/8 roster",
        "seed-demo: 7/8 task templates",
        "seed-demo: 8/8 tasks",
        "seed-demo: done, 8 steps",
    ]


def test_export_writes_csv_and_xlsx_with_progress(
    demo_database: tuple[str, str, str], tmp_path: Path
) -> None:
    url, organization, _ = demo_database
    day = _today()
    common = ["--organization", organization, "--kind", "tasks", "--from", day, "--to", day]
    target = tmp_path / "tasks.csv"
    written = _jts("export", *common, "-o", str(target), JTS_DATABASE_URL=url)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == f"4 rows written to {target}"
    assert "export tasks.csv: done, 4 rows" in written.stderr.splitlines()
    with target.open(newline="") as handle:
        [header, *rows] = list(csv.reader(handle))
    assert header[:3] == ["task_id", "plan_date", "title"]
    assert sorted(r[2] for r in rows) == [
        "Audit the returns shelf",
        "Call back yesterday's customers",
        "Label the new pallets",
        "Set up the festive display",
    ]
    piped = _jts("export", *common, JTS_DATABASE_URL=url)
    assert list(csv.reader(io.StringIO(piped.stdout))) == [header, *rows]

    book = tmp_path / "tasks.xlsx"
    workbook = _jts("export", *common, "--format", "xlsx", "-o", str(book), JTS_DATABASE_URL=url)
    assert workbook.returncode == 0, workbook.stderr
    opened = openpyxl.load_workbook(book, read_only=True)
    ids = [r[0] for r in opened["tasks"].iter_rows(values_only=True)]
    opened.close()
    assert ids == [r[0] for r in [header, *rows]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.csv", "tasks.xlsx"]


def test_export_refuses_bad_requests_and_leaves_no_file(
    demo_database: tuple[str, str, str], tmp_path: Path
) -> None:
    url, organization, _ = demo_database
    day = _today()
    later = (datetime.fromisoformat(day) + timedelta(days=3)).date().isoformat()
    target = tmp_path / "out.csv"
    backwards = _jts(
        "export", "--organization", organization, "--kind", "scores", "--from", later,
        "--to", day, "-o", str(target), JTS_DATABASE_URL=url,
    )  # fmt: skip
    assert backwards.returncode == 1
    assert "VALIDATION_ERROR" in backwards.stderr
    assert "Traceback" not in backwards.stderr
    nobody = _jts(
        "export", "--organization", "00000000-0000-4000-8000-000000000000", "--kind", "scores",
        "--from", day, "--to", day, "-o", str(target), JTS_DATABASE_URL=url,
    )  # fmt: skip
    assert (nobody.returncode, "NOT_FOUND" in nobody.stderr) == (1, True)
    stdout_xlsx = _jts(
        "export", "--organization", organization, "--kind", "scores", "--format", "xlsx",
        "--from", day, "--to", day, JTS_DATABASE_URL=url,
    )  # fmt: skip
    assert stdout_xlsx.returncode == 2
    assert list(tmp_path.iterdir()) == []


ROSTER_CSV = """kind,externalId,email,name,department
employee,CLI-1,cli-person-{run}@hr.example.test,Cli Person,Sales
employee,CLI-2,,No Email,Sales
"""


def test_import_roster_reports_each_failed_row_and_exits_1(
    demo_database: tuple[str, str, str], tmp_path: Path
) -> None:
    url, organization, _ = demo_database
    source = tmp_path / "roster.csv"
    source.write_text(ROSTER_CSV.format(run=tmp_path.name))
    result = _jts(
        "import-roster", str(source), "--organization", organization, JTS_DATABASE_URL=url
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "line 3 (employee CLI-2): email is required",
        "1 created, 0 updated, 0 unchanged, 0 duplicates, 1 failed",
    ]
    assert "import-roster: done, 2 rows" in result.stderr.splitlines()


def _on_a_terminal(*args: str, **env: str) -> tuple[int, str]:
    """Run ``jts`` with its standard error on a pseudo-terminal; (exit code, what it drew)."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(  # noqa: S603 -- our own command, fixed arguments
        [JTS, *args], stdout=subprocess.DEVNULL, stderr=secondary, env=_env(**env)
    )
    os.close(secondary)
    drawn = b""
    while True:
        ready, _, _ = select.select([main], [], [], READ_TIMEOUT_SECONDS)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    return process.wait(timeout=READ_TIMEOUT_SECONDS), drawn.decode(errors="replace")


def test_a_terminal_gets_a_bar_instead_of_lines(
    demo_database: tuple[str, str, str], tmp_path: Path
) -> None:
    url, organization, _ = demo_database
    source = tmp_path / "roster.csv"
    source.write_text(ROSTER_CSV.format(run=f"tty-{tmp_path.name}").replace("CLI-", "TTY-"))
    code, drawn = _on_a_terminal(
        "import-roster", str(source), "--organization", organization, JTS_DATABASE_URL=url
    )
    assert code == 1
    assert "━" in drawn  # the bar
    assert "import-roster: 2 rows" not in drawn  # no plain progress line


@pytest.fixture
def empty_database(server_url: str) -> Iterator[str]:
    """An empty database, to restore into."""
    url = create_database(server_url, "jts_cli_ops_restore")
    yield url
    drop_database(server_url, url)


def _progress(stderr: str, label: str) -> list[str]:
    return [
        line.removeprefix(f"{label}: ")
        for line in stderr.splitlines()
        if line.startswith(f"{label}: ")
    ]


def test_backup_and_restore_report_their_steps(
    demo_database: tuple[str, str, str], empty_database: str, tmp_path: Path
) -> None:
    url, _, _ = demo_database
    backed_up = _jts("backup", JTS_DATABASE_URL=url, JTS_BACKUPS_DIR=str(tmp_path))
    assert backed_up.returncode == 0, backed_up.stderr
    steps = _progress(backed_up.stderr, "backup")
    assert steps[0] == "1 database dumped"
    assert "organizations exported" in {s.partition(" ")[2] for s in steps}
    assert steps[-2:] == [f"{len(steps) - 1} archive written", f"done, {len(steps) - 1} steps"]

    [archive] = tmp_path.glob("jts-backup-*.tar.gz")
    restored = _jts("restore", str(archive), JTS_DATABASE_URL=empty_database)
    assert restored.returncode == 0, restored.stderr
    steps = _progress(restored.stderr, "restore")
    assert steps[:3] == [
        "1 archive verified",
        "2 restore script made",
        "3 restored in one transaction",
    ]
    assert "organizations checked" in {s.partition(" ")[2] for s in steps}
    assert steps[-1] == f"done, {len(steps) - 1} steps"
