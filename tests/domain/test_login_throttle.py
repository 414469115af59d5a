"""The per-account sign-in throttle: properties over any policy and any attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.errors import DomainError
from jts_domain.login_throttle import LoginAttempts, LoginThrottle, email_key
from tests.domain.strategies import attempt_times, login_throttles

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _simulate(
    throttle: LoginThrottle, times: list[datetime]
) -> tuple[list[datetime], LoginAttempts]:
    """Failed attempts at ``times``: the ones the throttle let through, and the end state."""
    attempts, allowed = LoginAttempts("a@example.test"), []
    for now in times:
        if throttle.retry_after(attempts, now) is None:
            attempts = throttle.counted(attempts, now)
            allowed.append(now)
    return allowed, attempts


@given(login_throttles(), attempt_times(START))
def test_guesses_are_bounded_by_the_lockouts(
    throttle: LoginThrottle, times: list[datetime]
) -> None:
    """An attacker gets at most ``failures_allowed`` guesses per period of the shorter
    of window and lockout, plus one more batch."""
    allowed, _ = _simulate(throttle, times)
    if allowed:
        span = allowed[-1] - allowed[0]
        period = min(throttle.window, throttle.lockout)
        assert len(allowed) <= throttle.failures_allowed * (1 + span // period + 1)


@given(login_throttles(), attempt_times(START))
def test_a_count_never_exceeds_the_allowance(
    throttle: LoginThrottle, times: list[datetime]
) -> None:
    attempts = LoginAttempts("a@example.test")
    for now in times:
        if throttle.retry_after(attempts, now) is None:
            attempts = throttle.counted(attempts, now)
        assert 0 <= attempts.failures <= throttle.failures_allowed


@given(login_throttles(), attempt_times(START))
def test_a_lockout_answers_the_seconds_left_and_then_lets_in(
    throttle: LoginThrottle, times: list[datetime]
) -> None:
    _, attempts = _simulate(throttle, times)
    if attempts.locked_until is None:
        return
    assert attempts.failures == throttle.failures_allowed
    last = times[-1]
    for now in (last, attempts.locked_until - timedelta(microseconds=1)):
        if now < attempts.locked_until:
            wait = throttle.retry_after(attempts, now)
            assert wait is not None
            assert 0 < wait <= throttle.lockout.total_seconds()
            assert now + timedelta(seconds=wait) >= attempts.locked_until
    assert throttle.retry_after(attempts, attempts.locked_until) is None
    after = throttle.counted(attempts, attempts.locked_until)  # a new window opens
    assert (after.failures, after.window_started_at) == (1, attempts.locked_until)


@given(login_throttles(), st.integers(0, 24 * 60))
def test_exactly_the_allowance_is_let_through_in_a_burst(
    throttle: LoginThrottle, extra: int
) -> None:
    allowed, attempts = _simulate(throttle, [START] * (throttle.failures_allowed + 1 + extra))
    assert len(allowed) == throttle.failures_allowed
    assert attempts.locked_until == START + throttle.lockout


def test_a_window_that_passes_starts_the_count_again() -> None:
    throttle = LoginThrottle(failures_allowed=3, window=timedelta(minutes=10))
    allowed, attempts = _simulate(throttle, [START, START, START + timedelta(minutes=10)])
    assert len(allowed) == 3
    assert (attempts.failures, attempts.locked_until) == (1, None)


@pytest.mark.parametrize(
    "policy",
    [
        {"failures_allowed": 0},
        {"window": timedelta(0)},
        {"lockout": timedelta(seconds=-1)},
    ],
)
def test_a_policy_that_cannot_work_is_refused(policy: dict[str, object]) -> None:
    with pytest.raises(DomainError):
        LoginThrottle(**policy)  # type: ignore[arg-type]


def test_addresses_are_keyed_case_and_space_blind_and_bounded() -> None:
    assert email_key(" Asha@Example.test\t") == "asha@example.test"
    assert len(email_key("a" * 10_000)) == 320
