"""The store's guard against text PostgreSQL cannot hold (NUL, lone surrogates).

The API refuses such input before any use case runs, naming the field
(:mod:`jts_api.storable_text`); this guard stops what comes in any other way before the
driver sees it, as a VALIDATION_ERROR rather than a driver crash: every statement's
string parameters are checked, and JSON documents are checked as they are serialized.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.text import UNSTORABLE_TEXT_MESSAGE, first_unstorable

_REFUSED = f"text {UNSTORABLE_TEXT_MESSAGE}"


def _refuse(where: tuple[str, ...]) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, _REFUSED, {"parameter": ".".join(where)})


def refuse_unstorable(parameters: Any) -> None:
    """VALIDATION_ERROR when a statement parameter holds unstorable text."""
    where = first_unstorable(parameters)
    if where is not None:
        raise _refuse(where)


def refuse_unstorable_parameters(  # noqa: PLR0917 -- SQLAlchemy's event signature
    conn: Connection,
    cursor: object,
    statement: str,
    parameters: Any,
    context: object,
    executemany: bool,
) -> None:
    """``before_cursor_execute``: VALIDATION_ERROR when a parameter holds unstorable text."""
    del conn, cursor, statement, context, executemany
    refuse_unstorable(parameters)


def json_dumps_storable(value: Any) -> str:
    """``json.dumps`` of a value whose strings can all be stored (VALIDATION_ERROR
    otherwise: PostgreSQL's jsonb refuses ``\\u0000`` and lone surrogate escapes)."""
    where = first_unstorable(value)
    if where is not None:
        raise _refuse(where)
    return json.dumps(value)


def guard_engine(engine: AsyncEngine) -> AsyncEngine:
    """Check every statement of the engine's connections (see the module docstring)."""
    event.listen(engine.sync_engine, "before_cursor_execute", refuse_unstorable_parameters)
    return engine
