"""What a heartbeat must be to be stored: the checks made before the store sees it.

An item is INVALID when its client id, length or texts are unusable; TOO_OLD when its
``at`` is older than the late-data window; IN_FUTURE when it is more than
:data:`FUTURE_TOLERANCE` ahead of the server clock. Whether a timer ran at ``at``
(NO_TIMER) is for the store to say, from the timer's intervals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from jts_domain.activity.model import ActivityItem, RejectionReason
from jts_domain.text import is_storable

MAX_CLIENT_ID_LENGTH = 255
MIN_SECONDS = 1
MAX_SECONDS = 600
MAX_APP_LENGTH = 200
MAX_TITLE_LENGTH = 1_000
MAX_URL_LENGTH = 2_048
#: How far ahead of the server clock a heartbeat may be (client clocks drift).
FUTURE_TOLERANCE = timedelta(minutes=2)
#: The most items one upload may carry (the API may configure less).
MAX_BATCH = 1_000

_TEXT_LIMITS = (("app", MAX_APP_LENGTH), ("url", MAX_URL_LENGTH), ("title", MAX_TITLE_LENGTH))


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an item is refused before it reaches the store."""

    reason: RejectionReason
    message: str


def client_id_problem(client_id: str | None) -> str | None:
    """What is wrong with a client id, or None when it can key an item."""
    if client_id is None:
        return "clientId is required"
    if not 1 <= len(client_id) <= MAX_CLIENT_ID_LENGTH:
        return f"clientId must be 1 to {MAX_CLIENT_ID_LENGTH} characters"
    if not is_storable(client_id):
        return "clientId contains characters that cannot be stored"
    return None


def item_problem(item: ActivityItem) -> str | None:
    """What makes an item INVALID (its client id aside), or None."""
    if item.at.tzinfo is None or item.at.utcoffset() is None:
        return "at must carry a timezone"
    if not MIN_SECONDS <= item.seconds <= MAX_SECONDS:
        return f"seconds must be between {MIN_SECONDS} and {MAX_SECONDS}"
    for field, limit in _TEXT_LIMITS:
        value = getattr(item, field)
        if value is None:
            continue
        if len(value) > limit:
            return f"{field} is longer than {limit} characters"
        if not is_storable(value):
            return f"{field} contains characters that cannot be stored"
    return None


def refusal(
    item: ActivityItem, now: datetime, late_window: timedelta, *, keyed: bool = False
) -> Refusal | None:
    """Why the item is refused before the store (INVALID, TOO_OLD, IN_FUTURE), or None.

    >>> from datetime import UTC
    >>> from jts_domain.activity.model import ActivityKind
    >>> now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> def beat(**kw):
    ...     return ActivityItem(**{"client_id": "a", "at": now, "kind": ActivityKind.ACTIVE,
    ...                            "seconds": 30, **kw})
    >>> refusal(beat(), now, timedelta(days=7)) is None
    True
    >>> refusal(beat(at=now - timedelta(days=8)), now, timedelta(days=7)).reason.value
    'TOO_OLD'
    >>> refusal(beat(seconds=0), now, timedelta(days=7)).message
    'seconds must be between 1 and 600'

    ``keyed`` says that the client id is usable, when the caller knows already.
    """
    problem = (None if keyed else client_id_problem(item.client_id)) or item_problem(item)
    if problem is not None:
        return Refusal(RejectionReason.INVALID, problem)
    if item.at < now - late_window:
        days = late_window.total_seconds() / 86_400
        return Refusal(RejectionReason.TOO_OLD, f"at is older than the {days:g}-day late window")
    if item.at > now + FUTURE_TOLERANCE:
        return Refusal(RejectionReason.IN_FUTURE, "at is more than 2 minutes ahead of the server")
    return None


def check_batch_size(items: Sequence[ActivityItem], max_items: int) -> str | None:
    """What is wrong with the size of an upload, or None."""
    if len(items) > max_items:
        return f"an upload carries at most {max_items} items"
    return None


def first_occurrences(
    items: Iterable[ActivityItem], keyed: Sequence[bool] | None = None
) -> tuple[list[int], set[int]]:
    """Positions of the items to process, and of those repeating an earlier client id of
    the same batch (DUPLICATE: the first one sent wins). Items without a usable client id
    are all processed (each is refused on its own); ``keyed`` says which have one, when
    the caller knows already."""
    seen: set[str] = set()
    keep: list[int] = []
    repeats: set[int] = set()
    for position, item in enumerate(items):
        key = item.client_id
        usable = keyed[position] if keyed is not None else client_id_problem(key) is None
        if key is not None and usable:
            if key in seen:
                repeats.add(position)
                continue
            seen.add(key)
        keep.append(position)
    return keep, repeats
