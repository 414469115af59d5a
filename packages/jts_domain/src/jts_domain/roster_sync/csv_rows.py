"""Reading a roster CSV upload into source rows.

The first line is the header. A ``kind`` column says what each row is (``employee`` or
``roster``, any case); the other columns are the fields of :mod:`jts_domain.roster_sync.
records`, by the same names (``externalId``, ``email``, ``name``, ``role``,
``department``, ``jobCategory``, ``store``, ``employeeExternalId``, ``date``, ``shift``).
An empty cell is an absent field. Blank lines are skipped. A file that cannot be read as
CSV, has an unknown column, or more than :data:`MAX_IMPORT_ROWS` rows is refused whole
(VALIDATION_ERROR); a row of an unknown kind fails alone.
"""

from __future__ import annotations

import csv
import io

from jts_domain.errors import invalid
from jts_domain.roster_sync.model import RowKind, RowResult, RowStatus, SourceRow

MAX_IMPORT_ROWS = 10_000
COLUMNS = frozenset(
    {
        "kind",
        "externalId",
        "email",
        "name",
        "role",
        "department",
        "jobCategory",
        "store",
        "employeeExternalId",
        "date",
        "shift",
    }
)

_KINDS = {"employee": RowKind.EMPLOYEE, "roster": RowKind.ROSTER}


def _header(reader: csv.DictReader[str]) -> list[str]:
    header = reader.fieldnames
    if not header:
        raise invalid("the CSV is empty: its first line must name the columns")
    unknown = sorted(set(header) - COLUMNS)
    if unknown or "kind" not in header:
        raise invalid(
            "the CSV header must have a kind column and only known columns",
            unknown=unknown,
            known=sorted(COLUMNS),
        )
    return list(header)


def source_rows(text: str) -> tuple[list[SourceRow], list[RowResult]]:
    """The data rows of a CSV, and the results of the rows refused for their kind (a
    row's line is the line it ends on)."""
    if "\x00" in text:
        raise invalid("the CSV holds NUL characters")
    reader = csv.DictReader(io.StringIO(text), strict=True)
    rows: list[SourceRow] = []
    refused: list[RowResult] = []
    try:
        _header(reader)
        for record in reader:
            if None in record:
                raise invalid(f"line {reader.line_num} has more cells than the header")
            cells = {k: v for k, v in record.items() if v not in (None, "")}
            if not cells:
                continue
            if len(rows) + len(refused) >= MAX_IMPORT_ROWS:
                raise invalid(f"the CSV has more than {MAX_IMPORT_ROWS} rows")
            kind = _KINDS.get(str(cells.pop("kind", "")).strip().lower())
            if kind is None:
                refused.append(_unknown_kind(reader.line_num, cells))
            else:
                rows.append(SourceRow(line=reader.line_num, kind=kind, fields=cells))
    except csv.Error as error:
        raise invalid(f"the CSV cannot be read: {error}", line=reader.line_num) from None
    return rows, refused


def _unknown_kind(line: int, cells: dict[str, str]) -> RowResult:
    return RowResult(
        line=line,
        kind=None,
        external_id=cells.get("externalId"),
        status=RowStatus.FAILED,
        reason="kind must be employee or roster",
    )
