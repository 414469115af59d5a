"""An export of 200,000 timers streams in bounded memory and round-trips.

The API runs in a process of its own (``tests/api/export_server.py``), so its memory is
its own: the peak of its resident set while it serves the export (``VmHWM`` in
``/proc/<pid>/status``, reset just before through ``clear_refs``) is compared with its
resident set before. The whole CSV is about 70 MB and its rows as Python objects several
times that, so a server that held the export would grow by far more than the bound; one
that streams holds a batch. The file is then parsed and compared, row by row, with the
rows the data was made from (CSV cells exactly; XLSX cells typed).
"""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import httpx
import openpyxl
import pytest

from jts_domain.exports.model import EXPORT_COLUMNS, ExportKind
from tests.api.export_data import DAYS, FIRST_DAY, ExpectedTimer, export_order, insert_timers
from tests.api.harness import REGISTER, unique_email
from tests.conftest import ROOT

TIMERS = 200_000
#: Growth of the server's resident set allowed while it serves the export.
MAX_GROWTH_BYTES = 48 * 1024 * 1024
SECRET = "export-memory-test-secret-" + "k" * 32
START_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The API in its own process; (the process, its base URL)."""
    process = subprocess.Popen(  # noqa: S603 -- our own module, with our own arguments
        [sys.executable, "-m", "tests.api.export_server", database_url, SECRET],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "JTS_ENV": "development"},
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), "the export server did not start"
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=START_TIMEOUT_SECONDS) as client:
            for _ in range(START_TIMEOUT_SECONDS * 10):
                try:
                    if client.get(f"{url}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)  # the server is still starting
        yield process, url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024
    return values


def _download(client: httpx.Client, url: str, token: str, target: Path, **params: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with client.stream("GET", url, params=params, headers=headers) as response:
        assert response.status_code == 200, response.read()
        with target.open("wb") as out:
            for chunk in response.iter_bytes():
                out.write(chunk)


def _served_growth(pid: int, client: httpx.Client, url: str, token: str, target: Path) -> int:
    """Bytes the server's resident set grew by, at its peak, while serving ``url``."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak starts again from now
    before = _status(pid)["VmRSS"]
    last = FIRST_DAY + timedelta(days=DAYS - 1)
    _download(client, url, token, target, **{"from": FIRST_DAY.isoformat(), "to": last.isoformat()})
    return _status(pid)["VmHWM"] - before


@dataclass(frozen=True)
class Exported:
    """What the module's one export run gave: the organization, the files, the growth of
    the server's resident set per format, the XLSX's rows as openpyxl reads them (read in
    the background while the server serves the CSV; the XLSX test takes them), and the
    rows the data was made from (as CSV cells, and as the XLSX cells they type to), built
    once for both formats' tests."""

    organization_id: UUID
    folder: Path
    growth: dict[str, int]
    sheet: Future[list[tuple[object, ...]]]
    expected: list[list[str | None]]
    typed: list[list[object]]


def _expected_rows(organization_id: UUID) -> tuple[list[list[str | None]], list[list[object]]]:
    rows = [ExpectedTimer(index, organization_id).cells() for index in export_order(TIMERS)]
    return rows, [_typed(row) for row in rows]


def _sheet_rows(path: Path) -> list[tuple[object, ...]]:
    """Every row of the workbook's ``timesheets`` sheet, header first, as openpyxl reads it."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(workbook["timesheets"].iter_rows(values_only=True))
    finally:
        workbook.close()


@pytest.fixture(scope="module")
def exported(
    server: tuple[subprocess.Popen[str], str],
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Exported:
    process, url = server
    folder = tmp_path_factory.mktemp("exports")
    with httpx.Client(timeout=600) as client, ThreadPoolExecutor(max_workers=1) as builder:
        variables = {
            "input": {
                "organizationName": "Export load",
                "timezone": "Asia/Kolkata",
                "email": unique_email("export"),
                "password": "export memory password",
                "name": "Exporter",
            }
        }
        answer = client.post(f"{url}/graphql", json={"query": REGISTER, "variables": variables})
        registered = answer.json()["data"]["register"]
        token, org = registered["token"], UUID(registered["user"]["organizationId"])
        # The expected rows are built here, while the database and the server work (this
        # process mostly waits on them), rather than once per test afterwards.
        expected = builder.submit(_expected_rows, org)
        asyncio.run(insert_timers(database_url, org, TIMERS))
        day = {"from": FIRST_DAY.isoformat(), "to": FIRST_DAY.isoformat()}
        for file_format in ("csv", "xlsx"):  # warm: every module loaded, every path taken once
            _download(
                client, f"{url}/exports/timesheets.{file_format}", token, folder / "warm", **day
            )
        growth: dict[str, int] = {}
        sheet = None
        for file_format in ("xlsx", "csv"):
            target = folder / f"timesheets.{file_format}"
            export = f"{url}/exports/timesheets.{file_format}"
            growth[file_format] = _served_growth(process.pid, client, export, token, target)
            if file_format == "xlsx":  # read back here while the server serves the CSV
                sheet = builder.submit(_sheet_rows, target)
        assert sheet is not None
        rows, typed = expected.result()
        return Exported(org, folder, growth, sheet, rows, typed)


def test_the_measure_sees_memory_that_is_held() -> None:
    """The same measure, on this process holding 64 MiB more: it sees them."""
    pid = os.getpid()
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    before = _status(pid)["VmRSS"]
    held = bytearray(64 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])  # touch every page, so it is resident
    grown = _status(pid)["VmHWM"] - before
    del held
    assert grown >= 60 * 1024 * 1024


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_server_streams_in_bounded_memory(exported: Exported, file_format: str) -> None:
    growth = exported.growth[file_format]
    assert growth < MAX_GROWTH_BYTES, f"{file_format}: grew by {growth / 2**20:.1f} MiB"


def test_the_csv_gives_the_rows_of_the_database(exported: Exported) -> None:
    path = exported.folder / "timesheets.csv"
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == [c.name for c in EXPORT_COLUMNS[ExportKind.TIMESHEETS]]
        count = 0
        for got, expected in zip(reader, exported.expected, strict=True):
            assert [cell or None for cell in got] == expected
            count += 1
    assert count == TIMERS


def _typed(expected: list[str | None]) -> list[object]:
    kinds = [c.kind.value for c in EXPORT_COLUMNS[ExportKind.TIMESHEETS]]
    typed: list[object] = []
    for kind, cell in zip(kinds, expected, strict=True):
        if cell is None:
            typed.append(None)
        elif kind == "INSTANT":
            typed.append(datetime.fromisoformat(cell).replace(tzinfo=None))
        elif kind == "DATE":
            typed.append(datetime.fromisoformat(cell))
        elif kind == "NUMBER":
            typed.append(float(Decimal(cell)))
        elif kind == "FLAG":
            typed.append(cell == "true")
        else:
            typed.append(cell)
    return typed


def test_the_xlsx_gives_the_rows_of_the_database(exported: Exported) -> None:
    rows = iter(exported.sheet.result())
    assert list(next(rows)) == [c.name for c in EXPORT_COLUMNS[ExportKind.TIMESHEETS]]
    count = 0
    for got, expected in zip(rows, exported.typed, strict=True):
        assert list(got) == expected
        count += 1
    assert count == TIMERS
