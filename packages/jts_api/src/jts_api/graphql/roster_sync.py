"""Roster sync: ``rosterSource``, ``setRosterSource``, ``removeRosterSource`` and
``importRoster(csv)``. The daily sync itself is the ``sync_roster`` job (``triggerJob``
runs it now); the token is never answered back, only its hint."""

from __future__ import annotations

from datetime import datetime

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import RowKind, RowStatus
from jts_domain.roster_sync import model
from jts_domain.roster_sync.use_cases import (
    get_roster_source,
    import_roster,
    remove_roster_source,
    set_roster_source,
)


@strawberry.type(name="RosterSyncCounts")
class RosterSyncCountsType:
    """How many rows of a sync or an import ended in each status."""

    created: int
    updated: int
    unchanged: int
    duplicates: int
    failed: int

    @classmethod
    def of(cls, counts: model.SyncCounts) -> RosterSyncCountsType:
        """The GraphQL shape of the counts."""
        return cls(**counts.as_dict())


@strawberry.type(name="RosterSource")
class RosterSourceType:
    """The organization's HR source of employees and roster entries."""

    url: str
    token_hint: str = strawberry.field(description="The token's last four characters.")
    updated_at: datetime
    last_synced_at: datetime | None = strawberry.field(
        description="When a sync last read the source to its end."
    )
    last_sync: RosterSyncCountsType | None

    @classmethod
    def of(cls, source: model.RosterSource) -> RosterSourceType:
        """The GraphQL shape of a source (never its token)."""
        return cls(
            url=source.url,
            token_hint=source.token.hint(),
            updated_at=source.updated_at,
            last_synced_at=source.last_synced_at,
            last_sync=None
            if source.last_counts is None
            else RosterSyncCountsType.of(source.last_counts),
        )


@strawberry.type(name="RosterRowResult")
class RosterRowResultType:
    """What became of one row (``line``: the CSV line)."""

    line: int
    kind: RowKind | None
    external_id: str | None
    status: RowStatus
    reason: str | None


@strawberry.type(name="RosterImportResult")
class RosterImportResultType:
    """The counts of an import and a result per row."""

    created: int
    updated: int
    unchanged: int
    duplicates: int
    failed: int
    results: list[RosterRowResultType]

    @classmethod
    def of(cls, report: model.SyncReport) -> RosterImportResultType:
        """The GraphQL shape of an import's report."""
        return cls(
            **report.counts.as_dict(),
            results=[
                RosterRowResultType(
                    line=r.line,
                    kind=r.kind,
                    external_id=r.external_id,
                    status=r.status,
                    reason=r.reason,
                )
                for r in report.results
            ],
        )


@strawberry.type
class Query:
    @typed.field(description="The organization's roster source, if any (org.manage).")
    async def roster_source(self, info: Info) -> RosterSourceType | None:
        ctx = info.context
        source = await get_roster_source(ctx.services, ctx.require_caller())
        return None if source is None else RosterSourceType.of(source)


@strawberry.type
class Mutation:
    @typed.mutation(
        description="Set the HR source the daily sync_roster job pulls (org.manage): an "
        "http(s) URL and a bearer token, which is never answered back."
    )
    async def set_roster_source(self, info: Info, url: str, token: str) -> RosterSourceType:
        ctx = info.context
        source = await set_roster_source(ctx.services, ctx.require_caller(), url=url, token=token)
        return RosterSourceType.of(source)

    @typed.mutation(description="Forget the roster source; whether there was one.")
    async def remove_roster_source(self, info: Info) -> bool:
        ctx = info.context
        return await remove_roster_source(ctx.services, ctx.require_caller())

    @typed.mutation(
        description="Upsert employees and roster entries from a CSV (see the README): a "
        "result per row; a bad row fails alone."
    )
    async def import_roster(self, info: Info, csv: str) -> RosterImportResultType:
        ctx = info.context
        report = await import_roster(ctx.services, ctx.require_caller(), csv)
        return RosterImportResultType.of(report)
