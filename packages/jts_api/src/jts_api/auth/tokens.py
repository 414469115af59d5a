"""Signed access tokens (JWT, HS256) naming an employee of an organization.

Expiry is checked against the injected clock, not the wall clock, so the server's one
clock decides (and tests can move it). A token carries the employee's access epoch
(``ae``) as it was when the token was issued: once the epoch moves on (the person was
deactivated, reactivated or changed role) the token names a session that has ended.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from jts_domain.model import Employee
from jts_domain.ports import Clock

ALGORITHM = "HS256"
ISSUER = "jts"
#: Verified tokens remembered (by their exact text), so a client's next request skips
#: the signature check and the decoding; expiry is still checked every time.
VERIFIED_CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """Who a verified token names."""

    organization_id: UUID
    employee_id: UUID
    #: The employee's access epoch when the token was issued (0 for tokens without one).
    access_epoch: int
    #: When the token stops being valid.
    expires_at: datetime


class InvalidTokenError(Exception):
    """The token is malformed, forged or expired (the message says which, for logs)."""


class TokenCodec:
    """Issues and verifies access tokens with one secret."""

    def __init__(self, secret: str, clock: Clock, expiry: timedelta) -> None:
        self._secret = secret
        self._clock = clock
        self._expiry = expiry
        self._verified: OrderedDict[str, TokenClaims] = OrderedDict()

    def issue(self, employee: Employee) -> str:
        """A token for the employee, valid for the configured expiry from now."""
        now = self._clock.now()
        claims = {
            "iss": ISSUER,
            "sub": str(employee.id),
            "org": str(employee.organization_id),
            "iat": int(now.timestamp()),
            "exp": int((now + self._expiry).timestamp()),
            "ae": employee.access_epoch,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """The claims of a genuine, unexpired token; :class:`InvalidTokenError` otherwise."""
        identity = self._verified.get(token)
        if identity is None:
            identity = self._decode(token)
            self._verified[token] = identity
            while len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        else:
            self._verified.move_to_end(token)
        if self._clock.now() >= identity.expires_at:
            msg = "the token has expired"
            raise InvalidTokenError(msg)
        return identity

    def _decode(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={
                    "require": ["exp", "iat", "sub", "org", "iss"],
                    # time is checked by verify, against the injected clock
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
            identity = TokenClaims(
                organization_id=UUID(str(claims["org"])),
                employee_id=UUID(str(claims["sub"])),
                access_epoch=int(claims.get("ae", 0)),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError, OSError) as error:
            raise InvalidTokenError(str(error)) from error
        return identity


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value; None when there is none."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
