"""Statements made of parts: data-modifying CTEs and the values a final SELECT answers.

A repository that writes at the end of a transaction (the task-and-timer save) hands its
statement to the unit of work as a :class:`Fragment` instead of sending it; the unit of
work sends it with the commit's own appends (audit entries, outbox events) as ONE
statement, so the write costs no round trip of its own. Any other statement sent before
the commit sends a staged fragment first, so nothing ever reads around a staged write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, TextClause, text
from sqlalchemy.sql.elements import BindParameter

#: Checks the row the combined statement answered (raises when the write was lost).
Check = Callable[[Row[Any]], None]


@dataclass(frozen=True, slots=True)
class Fragment:
    """CTEs (``name AS (…)``), the SELECT's columns (``expr AS name``), their parameters
    (names unique across fragments), typed binds where the driver needs them, and the
    check of the answered row."""

    ctes: tuple[str, ...]
    selects: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    binds: tuple[BindParameter[Any], ...] = ()
    check: Check | None = None


def combine(fragments: Sequence[Fragment]) -> tuple[TextClause, dict[str, Any]]:
    """The one statement of the fragments, in order, and its parameters."""
    ctes = tuple(c for f in fragments for c in f.ctes)
    selects = tuple(s for f in fragments for s in f.selects) or ("1 AS done",)
    binds = tuple(b for f in fragments for b in f.binds)
    params: dict[str, Any] = {}
    for fragment in fragments:
        params.update(fragment.params)
    return _statement(ctes, selects, binds), params


def checked(fragments: Sequence[Fragment], row: Row[Any]) -> None:
    """Run each fragment's check on the answered row."""
    for fragment in fragments:
        if fragment.check is not None:
            fragment.check(row)


@lru_cache(maxsize=512)
def _statement(
    ctes: tuple[str, ...], selects: tuple[str, ...], binds: tuple[BindParameter[Any], ...]
) -> TextClause:
    head = "WITH " + ",\n".join(ctes) + "\n" if ctes else ""
    statement = text(head + "SELECT " + ", ".join(selects))
    return statement.bindparams(*binds) if binds else statement
