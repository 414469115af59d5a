"""The live feed's fan-out: topics, bounded queues, one view per event (no database:
events are handed to :meth:`LiveFeed.publish` as the outbox bus hands them)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from uuid import UUID

from jts_api.live_feed import LiveFeed, TopicKind
from jts_domain.ids import new_id
from jts_domain.model import DomainEvent, EventName

AT = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)

BY_EMPLOYEE = TopicKind(
    name="test-timer",
    events=frozenset({EventName.TIMER_STATE_CHANGED}),
    keys=lambda event: (UUID(event.payload["employee_id"]),),
)


def _event(organization_id: UUID, employee_id: UUID, n: int = 0) -> DomainEvent:
    return DomainEvent(
        name=EventName.TIMER_STATE_CHANGED,
        organization_id=organization_id,
        occurred_at=AT,
        payload={"employee_id": str(employee_id), "n": n},
    )


def _feed(queue_size: int = 8) -> LiveFeed:
    return LiveFeed("postgresql://unused.invalid/jts", queue_size=queue_size)


async def test_each_subscriber_gets_its_topics_events_only() -> None:
    feed = _feed()
    org, other_org, alice, bob = new_id(), new_id(), new_id(), new_id()
    async with (
        feed.subscribe(BY_EMPLOYEE, org, alice) as hers,
        feed.subscribe(BY_EMPLOYEE, org, bob) as his,
    ):
        feed.publish(_event(other_org, alice, 1))  # another tenant's employee id
        feed.publish(_event(org, bob, 2))
        feed.publish(_event(org, alice, 3))
        assert (await hers.next()).event.payload["n"] == 3
        assert (await his.next()).event.payload["n"] == 2
        assert feed.subscribers(BY_EMPLOYEE, org, alice) == 1
    assert feed.subscribers(BY_EMPLOYEE, org, alice) == 0


async def test_a_subscriber_that_falls_behind_keeps_the_newest_and_delays_nobody() -> None:
    drops: list[int] = []
    feed = LiveFeed(
        "postgresql://unused.invalid/jts", queue_size=4, on_drop=lambda: drops.append(1)
    )
    org, alice = new_id(), new_id()
    async with (
        feed.subscribe(BY_EMPLOYEE, org, alice) as slow,
        feed.subscribe(BY_EMPLOYEE, org, alice) as reader,
    ):
        received = []
        for n in range(10):
            feed.publish(_event(org, alice, n))
            received.append((await reader.next()).event.payload["n"])
        assert received == list(range(10))
        kept = [(await slow.next()).event.payload["n"] for _ in range(4)]
    assert kept == [6, 7, 8, 9]
    assert (slow.dropped, reader.dropped, feed.dropped, len(drops)) == (6, 0, 6, 6)


async def test_a_view_is_made_once_per_event_for_all_its_subscribers() -> None:
    feed = _feed()
    org, alice = new_id(), new_id()
    made: list[DomainEvent] = []

    def view(event: DomainEvent) -> str:
        made.append(event)
        return f"view of {event.payload['n']}"

    async with contextlib.AsyncExitStack() as exits:
        subscriptions = [
            await exits.enter_async_context(feed.subscribe(BY_EMPLOYEE, org, alice))
            for _ in range(50)
        ]
        feed.publish(_event(org, alice, 7))
        views = [(await s.next()).view("test", view) for s in subscriptions]
    assert views == ["view of 7"] * 50
    assert len(made) == 1


async def test_listeners_hear_their_events_and_a_bad_one_harms_nothing() -> None:
    feed = _feed()
    heard: list[DomainEvent] = []

    def strict(event: DomainEvent) -> None:
        UUID(event.payload["employee_id"])
        heard.append(event)

    feed.listen(EventName.TIMER_STATE_CHANGED, strict)
    org, alice = new_id(), new_id()
    bad = DomainEvent(
        name=EventName.TIMER_STATE_CHANGED,
        organization_id=org,
        occurred_at=AT,
        payload={"employee_id": "not a uuid"},
    )
    async with feed.subscribe(BY_EMPLOYEE, org, alice) as hers:
        feed.publish(bad)
        feed.publish(_event(org, alice, 1))
        assert (await hers.next()).event.payload["n"] == 1
    assert [e.payload["n"] for e in heard] == [1]
