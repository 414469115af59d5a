"""Delivery's rules: Hypothesis properties of quiet hours (any zone, windows crossing
midnight, DST), counter windows, backoff and the 80 % crossing; and the dispatcher as a
state machine over any sequence of send outcomes (on the in-memory adapter)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from jts_domain.clock import ManualClock
from jts_domain.delivery.dispatch import Dispatcher, dispatch_due
from jts_domain.delivery.model import DeliveryState, OutgoingMessage, SendResult
from jts_domain.delivery.rules import (
    MAX_ATTEMPTS,
    crossed_warning,
    quiet_until,
    retry_delay,
    window_start,
)
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings
from jts_domain.memory import InMemoryDatabase
from jts_domain.services import ServiceContext
from jts_store.delivery.rendering import JinjaRenderer
from tests.domain.strategies import instants, send_outcomes, timezones, wall_times
from tests.services.builders import build_world


def _wall(instant: datetime, timezone: str) -> time:
    return instant.astimezone(ZoneInfo(timezone)).time().replace(tzinfo=None)


def _inside(wall: time, start: time, end: time) -> bool:
    return start <= wall < end if start < end else (wall >= start or wall < end)


@given(instants, timezones, wall_times, wall_times)
def test_quiet_hours_end_at_the_first_instant_outside_the_window(
    now: datetime, timezone: str, start: time, end: time
) -> None:
    until = quiet_until(now, timezone, start, end)
    if start == end or not _inside(_wall(now, timezone), start, end):
        assert until is None
        return
    assert until is not None
    assert now < until <= now + timedelta(hours=26)
    assert not _inside(_wall(until, timezone), start, end)
    assert quiet_until(until, timezone, start, end) is None
    just_before = until - timedelta(seconds=1)
    if just_before > now:  # a second before the end is still quiet: the end is the first way out
        assert quiet_until(just_before, timezone, start, end) is not None


@given(st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe"]),
       st.integers(0, 365 * 24 * 4))  # fmt: skip
def test_quiet_hours_ending_in_a_dst_gap_end_when_the_clock_jumps(
    timezone: str, quarter_hours: int
) -> None:
    """A window ending at 02:15 local on a spring-forward night ends at the jump."""
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=15 * quarter_hours)
    until = quiet_until(now, timezone, time(22, 0), time(2, 15))
    if until is None:
        return
    local = until.astimezone(ZoneInfo(timezone))
    assert local.time() >= time(2, 15) or local.time() < time(22, 0)
    before = (until - timedelta(seconds=1)).astimezone(ZoneInfo(timezone)).time()
    assert before < time(2, 15) or before >= time(22, 0)


def test_quiet_hours_in_kolkata_end_at_eight() -> None:
    eleven_pm = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    assert quiet_until(eleven_pm, "Asia/Kolkata", time(22), time(8)) == datetime(
        2026, 3, 3, 2, 30, tzinfo=UTC
    )
    seven_am = datetime(2026, 3, 3, 1, 30, tzinfo=UTC)
    assert quiet_until(seven_am, "Asia/Kolkata", time(22), time(8)) == datetime(
        2026, 3, 3, 2, 30, tzinfo=UTC
    )


@given(instants)
def test_a_counter_window_holds_its_instant(now: datetime) -> None:
    start = window_start(now)
    assert start <= now < start + timedelta(minutes=1)
    assert window_start(start) == start
    assert start.second == 0
    assert start.microsecond == 0


@given(st.integers(1, 30))
def test_backoff_grows_and_is_capped(attempt: int) -> None:
    assert retry_delay(attempt) <= retry_delay(attempt + 1) <= timedelta(hours=1)
    assert retry_delay(1) == timedelta(seconds=30)


@given(st.integers(1, 5_000), st.lists(st.integers(0, 400), max_size=40))
def test_a_limit_crosses_its_warning_mark_once(limit: int, takes: list[int]) -> None:
    used, crossings = 0, 0
    for wanted in takes:
        after = min(limit, used + wanted)
        crossings += crossed_warning(used, after, limit)
        used = after
    assert crossings == (1 if used >= limit * 0.8 else 0)


class ScriptedSender:
    """Answers each send with the next outcome of its script (then ``ok``)."""

    provider = "Scripted"

    def __init__(self, outcomes: Sequence[str]) -> None:
        self.outcomes = list(outcomes)
        self.keys: list[str] = []

    async def send(self, message: OutgoingMessage) -> SendResult:
        self.keys.append(message.attempt_key)
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if outcome == "ok":
            return SendResult(ok=True, provider_message_id=f"p-{message.attempt_key}")
        return SendResult(ok=False, error=outcome, permanent=outcome == "refuse")


async def _deliver(outcomes: list[str]) -> tuple[str, int, list[str], DeliveryState]:
    db = InMemoryDatabase()
    clock = ManualClock(datetime(2026, 3, 2, 4, 30, tzinfo=UTC))
    ctx = ServiceContext(uow=db.unit_of_work, clock=clock)
    world = await build_world(ctx)
    admin = world.caller(world.admin)
    await jtd_settings.update_jtd_settings(ctx, admin, channels_enabled={"sms": True})
    job = await jtd.create_job_to_do(
        ctx, admin, subject="Gate code", source_type="system", recipient_address="+910000",
        channel="sms",
    )  # fmt: skip
    sender = ScriptedSender(outcomes)
    dispatcher = Dispatcher(senders={"sms": sender}, renderer=JinjaRenderer())
    for _ in range(MAX_ATTEMPTS + 2):
        await dispatch_due(ctx, dispatcher)
        clock.advance(hours=2)
    async with ctx.uow() as uow:
        stored = await uow.jtd.get(world.org.id, job.id)
        state = (await uow.delivery.deliveries(world.org.id, [job.id]))[job.id].state
    return stored.status, stored.attempts, sender.keys, state


@given(send_outcomes)
def test_the_dispatcher_ends_every_job_sent_or_failed_with_one_send_per_key(
    outcomes: list[str],
) -> None:
    status, attempts, keys, state = asyncio.run(_deliver(outcomes))
    script = (outcomes + ["ok"] * MAX_ATTEMPTS)[:MAX_ATTEMPTS]
    ends = next(i for i, o in enumerate([*script, "end"]) if o != "fail")
    if ends < MAX_ATTEMPTS and script[ends] == "ok":
        expected = ("sent", ends + 1, DeliveryState.SENT)
    else:
        expected = ("failed", min(ends + 1, MAX_ATTEMPTS), DeliveryState.FAILED)
    assert (status, attempts, state) == expected
    assert len(keys) == len(set(keys)) == attempts
