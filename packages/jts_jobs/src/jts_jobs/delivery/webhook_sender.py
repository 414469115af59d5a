"""Webhook POSTs on a shared httpx client (keep-alive, bounded pool), redirects not
followed (a redirect could lead to a target the checks refused)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from jts_domain.webhooks.model import PostResult

EXCERPT = 500


class HttpWebhookSender:
    """The ``WebhookSender`` port."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def post(self, url: str, headers: Mapping[str, str], body: str) -> PostResult:
        try:
            response = await self._client.post(
                url, content=body.encode(), headers=dict(headers), follow_redirects=False
            )
        except httpx.HTTPError as error:
            return PostResult(status_code=None, error=f"{type(error).__name__}: {error}")
        return PostResult(status_code=response.status_code, excerpt=response.text[:EXCERPT])
