"""An organization for the insight tests, with a bearer token for each of its people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from jts_api.auth.tokens import TokenCodec
from jts_domain.model import Employee
from jts_domain.services import ServiceContext
from tests.services.builders import World, build_world

KOLKATA = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True)
class InsightWorld:
    """The services' world (admin, manager of Sales, Alice and Bob rostered 09:00–17:00
    today with a 30 min break at the store) and a token per person."""

    base: World
    tokens: dict[str, str]

    @property
    def today(self) -> date:
        return self.base.today

    def token(self, who: str) -> str:
        """The bearer token of ``admin``, ``manager``, ``alice`` or ``bob``."""
        return self.tokens[who]

    def person(self, who: str) -> Employee:
        """The employee called ``who``."""
        return getattr(self.base, who)  # type: ignore[no-any-return]

    def id(self, who: str) -> str:
        """The GraphQL id of ``admin``, ``manager``, ``alice`` or ``bob``."""
        return str(self.person(who).id)

    def at(self, hour: int, minute: int = 0, *, day: date | None = None) -> datetime:
        """An instant of the world's day (or ``day``), local time in Kolkata, as UTC."""
        local = datetime.combine(day or self.today, time(hour, minute), tzinfo=KOLKATA)
        return local.astimezone(UTC)

    def vars(self, **values: Any) -> dict[str, Any]:
        """GraphQL variables, dates as ISO strings."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


async def build_insight_world(ctx: ServiceContext, codec: TokenCodec) -> InsightWorld:
    """A new organization (see :class:`InsightWorld`), now, on ``ctx``'s clock."""
    base = await build_world(ctx)
    people = ("admin", "manager", "alice", "bob")
    return InsightWorld(base, {who: codec.issue(getattr(base, who)) for who in people})
