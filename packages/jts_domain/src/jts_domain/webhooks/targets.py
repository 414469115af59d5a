"""Which URLs may be webhook targets.

Any http(s) URL without credentials in it. In production, a host that resolves to a
private, loopback, link-local, reserved, multicast or unspecified address is refused
(VALIDATION_ERROR): JTS must not be made to call into its own network. The check is
made when an endpoint is saved and again before every attempt (a name may resolve
elsewhere later). Development allows every address, so local receivers work; a sandbox
(``loopback_only``, what the test suite runs with) allows loopback addresses only, so
nothing it sends can leave the machine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from jts_domain.errors import invalid

MAX_URL_LENGTH = 2_000


def check_url(url: str) -> str:
    """The URL's host; VALIDATION_ERROR for anything but a plain http(s) URL."""
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or any(c in text for c in "\x00\r\n\t "):
        raise invalid("the url is not a valid http(s) URL", field="url")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid("the url must be an http or https URL with a host", field="url")
    if parts.username or parts.password:
        raise invalid("the url must not carry credentials", field="url")
    try:
        _ = parts.port
    except ValueError:
        raise invalid("the url's port is not a number", field="url") from None
    return parts.hostname


def is_public(address: str) -> bool:
    """Whether an IP address is a public, unicast one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def is_loopback(address: str) -> bool:
    """Whether an IP address is a loopback one (127.0.0.0/8, ::1)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def check_addresses(
    host: str, addresses: Sequence[str], *, production: bool, loopback_only: bool = False
) -> None:
    """VALIDATION_ERROR when the host resolves to nothing, (in production) to any address
    that is not public, or (in a sandbox) to any that is not loopback."""
    if not addresses:
        raise invalid(f"the host {host!r} does not resolve", field="url")
    if loopback_only and not all(is_loopback(a) for a in addresses):
        raise invalid(
            f"the host {host!r} is not a loopback address; this JTS sends webhooks to "
            "loopback targets only (JTS_WEBHOOK_LOOPBACK_ONLY)",
            field="url",
        )
    if not production:
        return
    refused = sorted(a for a in addresses if not is_public(a))
    if refused:
        raise invalid(
            f"the host {host!r} resolves to private or loopback addresses, which are "
            "refused as webhook targets",
            field="url",
            addresses=refused,
        )
