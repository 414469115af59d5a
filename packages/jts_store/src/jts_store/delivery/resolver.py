"""The ``HostResolver`` port on the system resolver (``getaddrinfo``)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket


class SystemResolver:
    """Resolves names as the HTTP client will (IP literals resolve to themselves)."""

    async def resolve(self, host: str) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        return sorted({str(info[4][0]) for info in infos})
