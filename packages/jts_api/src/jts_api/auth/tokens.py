"""Signed access tokens (JWT, HS256) naming an employee of an organization.

Expiry is checked against the injected clock, not the wall clock, so the server's one
clock decides (and tests can move it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import jwt

from jts_domain.model import Employee
from jts_domain.ports import Clock

ALGORITHM = "HS256"
ISSUER = "jts"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """Who a verified token names."""

    organization_id: UUID
    employee_id: UUID


class InvalidTokenError(Exception):
    """The token is malformed, forged or expired (the message says which, for logs)."""


class TokenCodec:
    """Issues and verifies access tokens with one secret."""

    def __init__(self, secret: str, clock: Clock, expiry: timedelta) -> None:
        self._secret = secret
        self._clock = clock
        self._expiry = expiry

    def issue(self, employee: Employee) -> str:
        """A token for the employee, valid for the configured expiry from now."""
        now = self._clock.now()
        claims = {
            "iss": ISSUER,
            "sub": str(employee.id),
            "org": str(employee.organization_id),
            "iat": int(now.timestamp()),
            "exp": int((now + self._expiry).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """The claims of a genuine, unexpired token; :class:`InvalidTokenError` otherwise."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={
                    "require": ["exp", "iat", "sub", "org", "iss"],
                    # time is checked below, against the injected clock
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
            expires = int(claims["exp"])
            identity = TokenClaims(
                organization_id=UUID(str(claims["org"])), employee_id=UUID(str(claims["sub"]))
            )
        except (jwt.InvalidTokenError, ValueError, TypeError) as error:
            raise InvalidTokenError(str(error)) from error
        if self._clock.now().timestamp() >= expires:
            msg = "the token has expired"
            raise InvalidTokenError(msg)
        return identity


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value; None when there is none."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
