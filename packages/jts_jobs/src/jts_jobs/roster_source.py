"""The roster source over HTTP: ``GET <url>?limit=N[&cursor=C]`` with the bearer token.

The answer is a JSON object ``{"employees": [...], "roster": [...], "next": "<cursor>"}``
(see the README); ``next`` null or absent ends the sync. Redirects are not followed and
an answer over :data:`MAX_ANSWER_BYTES` is refused.

Failures say what happened without the token or the URL's query (either may be secret):
a timeout is ``TimeoutError`` and an unreachable source or a 5xx/429 answer is
``ConnectionError`` — transient, so the job framework retries the run — while a refused
token or an answer that is not a roster page is ``DomainError(VALIDATION_ERROR)``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from jts_domain.errors import invalid
from jts_domain.roster_sync.model import RosterPage, Secret
from jts_domain.roster_sync.records import NOT_AN_OBJECT

MAX_ANSWER_BYTES = 10 * 1024 * 1024
_RETRIED_STATUSES = frozenset({429})


def _rows(body: dict[str, Any], name: str, where: str) -> tuple[dict[str, Any], ...]:
    rows = body.get(name) or []
    if not isinstance(rows, list):
        raise invalid(f"the roster source at {where} answered {name} that is not a list")
    return tuple(row if isinstance(row, dict) else {NOT_AN_OBJECT: True} for row in rows)


def roster_page(body: object, where: str) -> RosterPage:
    """The page a decoded JSON answer holds, or VALIDATION_ERROR."""
    if not isinstance(body, dict):
        raise invalid(f"the roster source at {where} did not answer a JSON object")
    cursor = body.get("next")
    if cursor is not None and not isinstance(cursor, str | int):
        raise invalid(f"the roster source at {where} answered a next cursor that is not text")
    return RosterPage(
        employees=_rows(body, "employees", where),
        roster=_rows(body, "roster", where),
        next_cursor=None if cursor is None or cursor == "" else str(cursor),
    )


class HttpRosterSource:
    """A ``RosterSourceClient`` for one configured URL and token."""

    def __init__(
        self,
        url: str,
        token: Secret,
        *,
        timeout_s: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url
        self._token = token
        self._timeout = timeout_s
        self._transport = transport
        parts = urlsplit(url)
        self.where = f"{parts.hostname}{parts.path}"

    async def fetch(self, cursor: str | None, limit: int) -> RosterPage:
        """One page of the source (see the module docstring)."""
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        url = httpx.URL(self._url).copy_merge_params(params)
        headers = {"Authorization": f"Bearer {self._token.reveal()}", "Accept": "application/json"}
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, follow_redirects=False, transport=self._transport
            ) as client:
                status, body = await self._get(client, url, headers)
        except httpx.TimeoutException:
            msg = f"the roster source at {self.where} did not answer within {self._timeout} s"
            raise TimeoutError(msg) from None
        except httpx.TransportError:
            msg = f"the roster source at {self.where} cannot be reached"
            raise ConnectionError(msg) from None
        self._check_status(status)
        try:
            decoded = json.loads(body)
        except ValueError:
            raise invalid(f"the roster source at {self.where} did not answer JSON") from None
        return roster_page(decoded, self.where)

    async def _get(
        self, client: httpx.AsyncClient, url: httpx.URL, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        async with client.stream("GET", url, headers=headers) as response:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    msg = f"the roster source at {self.where} answered more than 10 MiB"
                    raise invalid(msg)
                chunks.append(chunk)
            return response.status_code, b"".join(chunks)

    def _check_status(self, status: int) -> None:
        if status >= 500 or status in _RETRIED_STATUSES:
            msg = f"the roster source at {self.where} answered {status}"
            raise ConnectionError(msg)
        if status in (401, 403):
            raise invalid(f"the roster source at {self.where} refused the token ({status})")
        if not 200 <= status < 300:
            raise invalid(f"the roster source at {self.where} answered {status}")
