"""Addresses a client cannot choose, and guesses replicas cannot multiply.

* ``jts serve`` believes ``X-Forwarded-For`` only from the proxies ``JTS_TRUSTED_PROXIES``
  names (none by default), so rotating the header buys no fresh rate-limit bucket; from
  a trusted proxy, the client is the nearest untrusted address of the chain, so what a
  client writes in front of it changes nothing either.
* The per-account sign-in throttle is counted in the database: two API replicas
  alternating answer RATE_LIMITED after the allowance, as one would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from tests.api.harness import LOGIN, jts_serve, make_gql, register, serve

#: Three mutations in a burst per client, then about one a minute.
TIGHT_LIMIT = {"JTS_RATE_LIMIT_BURST": "3", "JTS_RATE_LIMIT_PER_MINUTE": "1"}


def _login_code(url: str, forwarded_for: str | None) -> str | None:
    """A wrong sign-in for an address nobody has (a new one each time, so the account
    throttle stays out of it); the error's code."""
    headers = {"Content-Type": "application/json"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    email = f"nobody-{uuid4().hex[:12]}@example.test"
    body = json.dumps({"query": LOGIN, "variables": {"email": email, "password": "guess it"}})
    answer: dict[str, Any] = httpx.post(f"{url}/graphql", content=body, headers=headers).json()
    return answer["errors"][0]["extensions"].get("code")


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(
    database_url: str, tmp_path: Path
) -> None:
    with jts_serve(database_url, tmp_path / "untrusted.log", **TIGHT_LIMIT) as url:
        rotating = [_login_code(url, f"198.51.100.{n}") for n in range(8)]
    assert rotating == ["UNAUTHENTICATED"] * 3 + ["RATE_LIMITED"] * 5


def test_behind_a_trusted_proxy_the_client_is_the_chains_nearest_untrusted_address(
    database_url: str, tmp_path: Path
) -> None:
    proxied = {**TIGHT_LIMIT, "JTS_TRUSTED_PROXIES": '["127.0.0.0/8"]'}
    with jts_serve(database_url, tmp_path / "trusted.log", **proxied) as url:
        distinct = [_login_code(url, f"198.51.100.{n}") for n in range(6)]
        # one client forging ever new addresses in front of what the proxy appended
        forged = [_login_code(url, f"10.9.8.{n}, 203.0.113.7") for n in range(5)]
        # a proxy of ours in the chain is skipped: the client is the address before it
        through_two = [_login_code(url, "192.0.2.44, 127.0.0.5") for _ in range(4)]
    assert distinct == ["UNAUTHENTICATED"] * 6
    assert forged == ["UNAUTHENTICATED"] * 3 + ["RATE_LIMITED"] * 2
    assert through_two == ["UNAUTHENTICATED"] * 3 + ["RATE_LIMITED"]


def test_replicas_share_the_sign_in_throttle(database_url: str) -> None:
    with (
        serve(database_url, system_clock=True, login_attempts_allowed=4) as first,
        serve(database_url, system_clock=True, login_attempts_allowed=4) as second,
        make_gql(first) as one,
        make_gql(second) as other,
    ):
        account = register(one)
        wrong = {"email": account.email, "password": "not the password"}
        codes = [(one if n % 2 else other)(LOGIN, wrong).codes[0] for n in range(6)]
        locked = other(LOGIN, {"email": account.email, "password": account.password})
    assert codes == ["UNAUTHENTICATED"] * 4 + ["RATE_LIMITED"] * 2
    assert locked.codes == ["RATE_LIMITED"]
    details = locked.errors[0]["extensions"]["details"]
    assert 0 < details["retryAfterSeconds"] <= 15 * 60
