"""Export rows as files: CSV chunks, or an XLSX workbook written in constant memory.

Both read the rows a batch at a time, so memory holds one batch, never the export:

* **CSV** (RFC 4180, UTF-8, ``\\r\\n``): a header row of the column names, then the
  cells as the domain gives them (ISO 8601 instants with their offset, plain numbers).
  A cell of text people typed (names, titles, reasons) starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so a spreadsheet never
  runs it as a formula.
* **XLSX** (``xlsxwriter``'s constant-memory mode, which writes each row to a temporary
  file as it goes): a sheet named after the kind with typed cells — dates and instants
  as spreadsheet dates (instants in the organization's local time: a spreadsheet holds no
  offset), numbers, true/false — and a second sheet, ``export``, saying what the file
  holds (kind, range, timezone, when).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from jts_domain.exports.model import CellKind, ExportColumn, ExportRow, ExportScope, local_iso

CSV_MEDIA_TYPE = "text/csv"  # Litestar adds the charset (utf-8)
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
_FORMULA_STARTS = frozenset("=+-@\t\r")

Batches = AsyncIterator[Sequence[ExportRow]]
RowsDone = Callable[[int], None]


def _guarded(rows: Sequence[ExportRow], free_text: Sequence[int]) -> list[ExportRow]:
    """The rows, with any free-text cell that a spreadsheet would read as a formula
    prefixed with ``'`` (only the few such rows are copied)."""
    guarded: list[ExportRow] = []
    for row in rows:
        for index in free_text:
            cell = row[index]
            if cell and cell[0] in _FORMULA_STARTS:
                row = [*row[:index], "'" + cell, *row[index + 1 :]]  # noqa: PLW2901 -- the guarded copy
        guarded.append(row)
    return guarded


async def csv_chunks(
    columns: Sequence[ExportColumn], batches: Batches, on_rows: RowsDone | None = None
) -> AsyncIterator[bytes]:
    """The CSV: the header, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> bytes:
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate(0)
        return data

    writer.writerow([c.name for c in columns])
    yield take()
    free_text = [i for i, c in enumerate(columns) if c.kind is CellKind.FREE_TEXT]
    async for batch in batches:
        writer.writerows(_guarded(batch, free_text))
        yield take()
        if on_rows is not None:
            on_rows(len(batch))


class _Sheet:
    """One worksheet written row by row, each cell by its column's kind."""

    def __init__(
        self, workbook: Workbook, sheet: Worksheet, columns: Sequence[ExportColumn]
    ) -> None:
        self.sheet = sheet
        self.columns = columns
        self.row = 0
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.instant = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write_row(0, 0, [c.name for c in columns], workbook.add_format({"bold": True}))
        self.row = 1

    def write(self, rows: Sequence[ExportRow]) -> None:
        for cells in rows:
            for index, (column, cell) in enumerate(zip(self.columns, cells, strict=True)):
                if cell is not None:
                    self._cell(index, column.kind, cell)
            self.row += 1

    def _cell(self, index: int, kind: CellKind, cell: str) -> None:
        row, sheet = self.row, self.sheet
        if kind is CellKind.INSTANT:
            local = datetime.fromisoformat(cell).replace(tzinfo=None)
            sheet.write_datetime(row, index, local, self.instant)
        elif kind is CellKind.DATE:
            sheet.write_datetime(row, index, date.fromisoformat(cell), self.day)
        elif kind is CellKind.NUMBER:
            sheet.write_number(row, index, float(Decimal(cell)))
        elif kind is CellKind.FLAG:
            sheet.write_boolean(row, index, cell == "true")
        else:
            sheet.write_string(row, index, cell)


def _about(workbook: Workbook, scope: ExportScope) -> None:
    sheet = workbook.add_worksheet("export")
    facts: list[tuple[str, Any]] = [
        ("kind", scope.kind.value),
        ("from", scope.date_from.isoformat()),
        ("to", scope.date_to.isoformat()),
        ("timezone", scope.timezone),
        ("exported_at", local_iso(scope.at, scope.timezone)),
        ("note", f"dates and times are local to {scope.timezone}"),
    ]
    for row, (name, value) in enumerate(facts):
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, str(value))


async def write_xlsx(
    scope: ExportScope, batches: Batches, path: Path, on_rows: RowsDone | None = None
) -> int:
    """Write the workbook to ``path`` (its temporary files go beside it); the rows written.

    xlsxwriter is synchronous: each batch is written in a worker thread, so the event
    loop goes on serving while a large export is written.
    """
    options = {"constant_memory": True, "tmpdir": str(path.parent)}
    workbook = Workbook(str(path), options)
    try:
        sheet = _Sheet(workbook, workbook.add_worksheet(scope.kind.value), scope.columns)
        async for batch in batches:
            await asyncio.to_thread(sheet.write, batch)
            if on_rows is not None:
                on_rows(len(batch))
        _about(workbook, scope)
    finally:
        await asyncio.to_thread(workbook.close)
    return sheet.row - 1


async def file_chunks(path: Path, chunk_size: int = 256 * 1024) -> AsyncIterator[bytes]:
    """A file's bytes, a chunk at a time (read in a worker thread)."""
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, chunk_size):
            yield chunk
