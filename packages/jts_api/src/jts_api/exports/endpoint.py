"""``GET /exports/{timesheets|attendance|scores|tasks}.{csv|xlsx}?from=&to=&departmentId=``.

The bearer token of GraphQL authenticates; the export's checks (range, department,
reach) run before the first byte, so a refused export answers a status and a JSON body
``{"error": {"code", "message", "details"}}``: 400 VALIDATION_ERROR (bad or missing
parameters), 401 UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND (an unknown export, or a
department of no concern to the caller's organization). A CSV streams as its rows are
read; an XLSX is written to a temporary file first (constant memory), then streamed, and
the file is removed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import structlog
from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Stream

from jts_api.context import GraphQLContext
from jts_api.errors import domain_error_extensions
from jts_api.exports.files import FORMATS, csv_chunks, file_chunks, write_xlsx
from jts_api.ops.request_context import current_request_id
from jts_api.runtime import ApiRuntime
from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.exports.model import ExportKind, ExportScope
from jts_domain.exports.use_cases import export_rows, prepare_export
from jts_domain.services import Caller

logger = structlog.get_logger("jts.exports")

_STATUS = {
    ErrorCode.VALIDATION_ERROR: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
}
_KNOWN = ", ".join(f"{k.value}.{f}" for k in ExportKind for f in FORMATS)


def error_response(error: DomainError) -> Response[dict[str, Any]]:
    """The JSON answer of a refused export."""
    extensions = domain_error_extensions(error)
    body = {"code": extensions["code"], "message": error.message}
    if "details" in extensions:
        body["details"] = extensions["details"]
    return Response({"error": body}, status_code=_STATUS.get(error.code, 400))


def parse_name(name: str) -> tuple[ExportKind, str]:
    """``timesheets.csv`` → (TIMESHEETS, ``csv``); NOT_FOUND for any other name."""
    stem, _, file_format = name.partition(".")
    try:
        kind = ExportKind(stem)
    except ValueError:
        kind = None
    if kind is None or file_format not in FORMATS:
        raise DomainError(ErrorCode.NOT_FOUND, f"no such export: the exports are {_KNOWN}")
    return kind, file_format


def _date(query: Mapping[str, str], name: str) -> date:
    value = query.get(name)
    if value is None:
        raise invalid(f"the {name} parameter is required (YYYY-MM-DD)", parameter=name)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(f"{name} must be a date (YYYY-MM-DD)", parameter=name) from None


def _department(query: Mapping[str, str]) -> UUID | None:
    value = query.get("departmentId")
    if value is None or value == "":
        return None
    try:
        return UUID(value)
    except ValueError:
        raise invalid("departmentId must be a department id", parameter="departmentId") from None


async def _caller(runtime: ApiRuntime, request: Request[Any, Any, Any]) -> Caller:
    context = GraphQLContext(runtime=runtime, request_id=current_request_id())
    await context.authenticate(request.headers.get("authorization"))
    return context.require_caller()


async def _xlsx(runtime: ApiRuntime, scope: ExportScope) -> AsyncIterator[bytes]:
    folder = Path(tempfile.mkdtemp(prefix="jts-export-"))
    try:
        path = folder / f"{scope.file_stem()}.xlsx"
        await write_xlsx(scope, export_rows(runtime.services, scope), path)
        async for chunk in file_chunks(path):
            yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@get("/exports/{name:str}", include_in_schema=False)
async def export_endpoint(
    request: Request[Any, Any, Any], state: State, name: FromPath[str]
) -> Response[Any] | Stream:
    """Stream an export of the caller's organization, within the caller's reach."""
    runtime: ApiRuntime = state.runtime
    try:
        caller = await _caller(runtime, request)
        kind, file_format = parse_name(name)
        query = {key: request.query_params.get(key) for key in ("from", "to", "departmentId")}
        present = {k: v for k, v in query.items() if v is not None}
        scope = await prepare_export(
            runtime.services,
            caller,
            kind=kind,
            date_from=_date(present, "from"),
            date_to=_date(present, "to"),
            department_id=_department(present),
            file_format=file_format,
        )
    except DomainError as error:
        return error_response(error)
    logger.info(
        "export", kind=kind.value, format=file_format, organization_id=str(caller.organization_id)
    )
    filename = f"{scope.file_stem()}.{file_format}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }
    if file_format == "csv":
        content = csv_chunks(scope.columns, export_rows(runtime.services, scope))
    else:
        content = _xlsx(runtime, scope)
    return Stream(content, media_type=FORMATS[file_format], headers=headers)
