"""Set-based writes with one constant statement: ``INSERT … SELECT * FROM unnest(…)``
and ``UPDATE … FROM unnest(…)``, one array parameter per column.

A multi-row ``VALUES`` insert is a different statement for every row count, so
SQLAlchemy compiles it again each time (a bind parameter per value); these statements
are compiled once and take any number of rows.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY


def _binds(table: Table, columns: Sequence[str]) -> list[Any]:
    return [bindparam(f"u_{name}", type_=ARRAY(table.c[name].type)) for name in columns]


@functools.cache
def unnest_insert(table: Table, columns: tuple[str, ...], tail: str = "") -> TextClause:
    """``INSERT INTO table (columns) SELECT * FROM unnest(…) <tail>`` (``tail`` is a
    constant ``ON CONFLICT …`` / ``RETURNING …`` clause)."""
    names = ", ".join(f'"{c}"' for c in columns)
    arrays = ", ".join(f":u_{c}" for c in columns)
    statement = f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) {tail}"  # noqa: S608 -- constant names from the table
    return text(statement).bindparams(*_binds(table, columns))


@functools.cache
def unnest_update(table: Table, key: str, columns: tuple[str, ...]) -> TextClause:
    """``UPDATE table SET columns FROM unnest(…) WHERE table.key = u.key``."""
    every = (key, *columns)
    arrays = ", ".join(f":u_{c}" for c in every)
    aliases = ", ".join(f'"{c}"' for c in every)
    sets = ", ".join(f'"{c}" = u."{c}"' for c in columns)
    statement = (
        f"UPDATE {table.name} AS t SET {sets} FROM unnest({arrays}) AS u({aliases}) "  # noqa: S608 -- constant names from the table
        f'WHERE t."{key}" = u."{key}"'
    )
    return text(statement).bindparams(*_binds(table, every))


def column_arrays(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> dict[str, Any]:
    """The parameters of those statements: one list per column."""
    return {f"u_{name}": [row[name] for row in rows] for name in columns}
