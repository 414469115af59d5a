"""``POST /delivery/receipts``: a provider says a message was delivered or read.

The request is signed with ``JTS_RECEIPTS_SECRET``: ``X-JTS-Timestamp`` (Unix seconds)
and ``X-JTS-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">``. A missing
or wrong signature, or a timestamp more than five minutes from the server's clock, is
401 and changes nothing. The body is ``{"messageId": "<the provider's id>", "status":
"delivered" | "read"}``; an unknown id is 404, a bad body 400.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import structlog
from litestar import Request, Response, post
from litestar.datastructures import State

from jts_domain.delivery.receipts import apply_receipt
from jts_domain.errors import DomainError, ErrorCode

TOLERANCE_SECONDS = 300
MAX_BODY = 16 * 1024
logger = structlog.get_logger("jts.receipts")


def receipt_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-JTS-Signature`` value of a receipt."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _signed(state: State, request: Request[Any, Any, Any], body: bytes) -> bool:
    runtime = state.runtime
    secret = runtime.settings.receipts_secret
    timestamp = request.headers.get("x-jts-timestamp", "")
    given = request.headers.get("x-jts-signature", "")
    if secret is None or not timestamp.isdigit() or not given:
        return False
    now = runtime.services.clock.now().timestamp()
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = receipt_signature(secret.get_secret_value(), timestamp, body)
    return hmac.compare_digest(expected, given)


def _error(status: int, message: str) -> Response[dict[str, str]]:
    return Response({"error": message}, status_code=status)


@post("/delivery/receipts", include_in_schema=False, status_code=200)
async def receipts_endpoint(
    state: State, request: Request[Any, Any, Any]
) -> Response[dict[str, Any]]:
    """Apply one signed receipt."""
    body = await request.body()
    if len(body) > MAX_BODY:
        return _error(413, "the receipt is too large")
    if not _signed(state, request, body):
        logger.warning("receipt refused: bad or missing signature")
        return _error(401, "the receipt's signature is missing or wrong")
    try:
        document = json.loads(body)
        message_id, status = str(document["messageId"]), str(document["status"])
    except (ValueError, KeyError, TypeError):
        return _error(400, "a receipt is {messageId, status}")
    try:
        outcome = await apply_receipt(state.runtime.services, message_id, status)
    except DomainError as error:
        code = 404 if error.code is ErrorCode.NOT_FOUND else 400
        return _error(code, error.message)
    return Response(
        {"jobId": str(outcome.job.id), "status": outcome.job.status, "moved": outcome.moved},
        status_code=200,
    )
