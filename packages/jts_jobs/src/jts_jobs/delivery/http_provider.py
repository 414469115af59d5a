"""SMS, WhatsApp and push through one HTTP provider interface: a JSON POST per message
to the channel's URL, with the attempt key as the ``Idempotency-Key``.

The provider answers 2xx with ``{"id": "<its message id>"}`` (receipts name that id);
4xx other than 408 and 429 is a refusal no retry fixes; anything else, or no answer,
is retried.
"""

from __future__ import annotations

import httpx

from jts_domain.delivery.model import OutgoingMessage, SendResult

_RETRYABLE_4XX = {408, 409, 425, 429}


class HttpProviderSender:
    """The ``ChannelSender`` of one channel on an HTTP provider (a shared client)."""

    def __init__(
        self, client: httpx.AsyncClient, url: str, *, provider: str, token: str | None = None
    ) -> None:
        self._client = client
        self._url = url
        self.provider = provider
        self._token = token

    async def send(self, message: OutgoingMessage) -> SendResult:
        headers = {"Idempotency-Key": message.attempt_key}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        document = {
            "channel": message.channel,
            "to": message.to_address,
            "employee_id": None if message.to_employee_id is None else str(message.to_employee_id),
            "name": message.to_name,
            "subject": message.subject,
            "body": message.body,
            "priority": message.priority,
            "idempotency_key": message.attempt_key,
        }
        try:
            response = await self._client.post(self._url, json=document, headers=headers)
        except httpx.HTTPError as error:
            return SendResult(ok=False, error=f"{type(error).__name__}: {error}")
        if response.is_success:
            try:
                found = response.json().get("id")
            except (ValueError, AttributeError):
                found = None
            return SendResult(ok=True, provider_message_id=None if found is None else str(found))
        permanent = 400 <= response.status_code < 500 and response.status_code not in _RETRYABLE_4XX
        return SendResult(
            ok=False,
            error=f"the provider answered {response.status_code}: {response.text[:200]}",
            permanent=permanent,
        )
