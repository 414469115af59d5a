"""``GET /health``: 200 when the database answers ``SELECT 1``, 503 otherwise."""

from __future__ import annotations

import anyio
import structlog
from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

HEALTH_TIMEOUT_SECONDS = 3.0
logger = structlog.get_logger("jts.health")


@get("/health", include_in_schema=False)
async def health_endpoint(state: State) -> Response[dict[str, str]]:
    """Whether this replica can serve: the database answers within a few seconds."""
    engine = state.runtime.engine
    try:
        with anyio.fail_after(HEALTH_TIMEOUT_SECONDS):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 -- any failure means "not healthy", and is logged
        logger.warning("health check failed", error=repr(error))
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"}, status_code=200)
