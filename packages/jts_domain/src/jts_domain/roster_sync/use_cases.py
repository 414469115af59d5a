"""Roster sync use cases: configure the source, sync from it, import a CSV.

Decisions where PRODUCT.md is silent:

* The source is an organization setting of its own (``org.manage``): an ``http`` or
  ``https`` URL without credentials in it, and a bearer token (8–4096 visible ASCII
  characters) that is never answered back (only its last four characters, as a hint)
  nor written to a log or the audit log.
* A sync asks the source for pages of :data:`SYNC_BATCH_SIZE` rows and applies them in
  batches of that size, one transaction each, pausing ``pause_seconds`` between
  batches so neither the HR system nor the database is rushed. An employee row is
  applied before the roster rows of its page; a roster row names an employee of its own
  or an earlier page, or one JTS already has. At most :data:`MAX_SYNC_ROWS` rows a run.
* The last sync time and its counts are kept when a sync reads the source to its end,
  whatever its rows' results; a sync that fails half-way (the source times out) keeps the
  batches it applied, and its retry finds them UNCHANGED.
* ``import_roster`` needs ``employee.manage`` for employee rows and ``roster.manage`` for
  roster rows; a manager's roster rows must name employees of the departments they
  manage. It does not pause and does not count as a sync.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.model import Permission
from jts_domain.roster_sync.apply import BatchApplier, SyncRun
from jts_domain.roster_sync.csv_rows import source_rows
from jts_domain.roster_sync.model import (
    RosterPage,
    RosterSource,
    RowKind,
    RowResult,
    Secret,
    SourceRow,
    SyncReport,
)
from jts_domain.roster_sync.ports import RosterClientFactory
from jts_domain.roster_sync.references import References
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext

SYNC_BATCH_SIZE = 100
SYNC_PAUSE_SECONDS = 1.0
MAX_SYNC_ROWS = 100_000
BATCH_ATTEMPTS = 5
MAX_URL_LENGTH = 2048
MIN_TOKEN_LENGTH, MAX_TOKEN_LENGTH = 8, 4096

Pause = Callable[[float], Awaitable[None]]
BatchDone = Callable[[int], None]


def clean_source_url(url: str) -> str:
    """The URL, or VALIDATION_ERROR unless it is http(s), has a host and no credentials."""
    cleaned = url.strip()
    try:
        parts = urlsplit(cleaned)
        has_credentials = parts.username is not None or parts.password is not None
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise invalid("url is not a valid URL", field="url") from None
    if len(cleaned) > MAX_URL_LENGTH or parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid(
            f"url must be an http(s) URL of at most {MAX_URL_LENGTH} characters", field="url"
        )
    if has_credentials or not port_ok:
        raise invalid("url must not hold credentials: give the token separately", field="url")
    return cleaned


def clean_token(token: str) -> Secret:
    """The token, or VALIDATION_ERROR unless it is 8–4096 visible ASCII characters."""
    visible = all("!" <= c <= "~" for c in token)
    if not visible or not MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH:
        raise invalid(
            f"token must be {MIN_TOKEN_LENGTH} to {MAX_TOKEN_LENGTH} visible ASCII characters",
            field="token",
        )
    return Secret(token)


def shown_url(url: str) -> str:
    """What the audit log shows of a URL: scheme, host and path (a query may hold secrets)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


async def set_roster_source(
    ctx: ServiceContext, caller: Caller, *, url: str, token: str
) -> RosterSource:
    """Configure (or replace) the organization's roster source; its last sync is kept."""
    caller.require(Permission.ORG_MANAGE)
    source = RosterSource(
        organization_id=caller.organization_id,
        url=clean_source_url(url),
        token=clean_token(token),
        updated_at=ctx.clock.now(),
        updated_by=caller.employee_id,
    )
    async with ctx.uow() as uow:
        previous = await uow.roster_sources.find(caller.organization_id)
        if previous is not None:
            source.last_synced_at, source.last_counts = (
                previous.last_synced_at,
                previous.last_counts,
            )
        await uow.roster_sources.save(source)
        summary = f"{shown_url(source.url)}, token {source.token.hint()}"
        await _audit(uow, ctx, caller, "roster_source.set", summary)
        await uow.commit()
    return source


async def get_roster_source(ctx: ServiceContext, caller: Caller) -> RosterSource | None:
    """The organization's roster source, None when none is configured (``org.manage``)."""
    caller.require(Permission.ORG_MANAGE)
    async with ctx.uow() as uow:
        return await uow.roster_sources.find(caller.organization_id)


async def remove_roster_source(ctx: ServiceContext, caller: Caller) -> bool:
    """Forget the organization's roster source; whether there was one."""
    caller.require(Permission.ORG_MANAGE)
    async with ctx.uow() as uow:
        removed = await uow.roster_sources.remove(caller.organization_id)
        if removed:
            await _audit(uow, ctx, caller, "roster_source.remove", "roster source removed")
        await uow.commit()
    return removed


async def _audit(
    uow: object, ctx: ServiceContext, caller: Caller, action: str, summary: str
) -> None:
    await record_change(
        uow,  # type: ignore[arg-type]
        caller.organization_id,
        caller.actor,
        ctx.clock.now(),
        action=action,
        entity_type="roster_source",
        entity_id=caller.organization_id,
        summary=summary,
    )


async def _apply(ctx: ServiceContext, run: SyncRun, rows: Sequence[SourceRow]) -> list[RowResult]:
    """One batch, one transaction, tried again (from a fresh read) when a concurrent sync
    or import wrote the same people or entries first.

    Every row is checked against what the batch read before anything is written, so a
    write the database refuses can only be another transaction's doing: CONFLICT, after
    :data:`BATCH_ATTEMPTS` tries.
    """
    for attempt in range(1, BATCH_ATTEMPTS + 1):
        seen = dict(run.seen)
        try:
            async with ctx.uow() as uow:
                references = await References.read(uow, run.caller.organization_id)
                applier = BatchApplier(uow, run, ctx.clock.now(), references)
                results = await applier.apply(list(rows))
                await uow.commit()
        except DomainError as error:
            run.seen = seen
            if attempt == BATCH_ATTEMPTS:
                raise DomainError(
                    ErrorCode.CONFLICT,
                    "concurrent changes to the same people or roster entries won; run it again",
                    {"refused": error.code.value},
                ) from error
        else:
            return results
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _page_rows(page: RosterPage, employees_before: int, roster_before: int) -> list[SourceRow]:
    employees = [
        SourceRow(line=employees_before + n, kind=RowKind.EMPLOYEE, fields=dict(fields))
        for n, fields in enumerate(page.employees, start=1)
    ]
    roster = [
        SourceRow(line=roster_before + n, kind=RowKind.ROSTER, fields=dict(fields))
        for n, fields in enumerate(page.roster, start=1)
    ]
    return employees + roster


def _batches(rows: Sequence[SourceRow], size: int) -> list[Sequence[SourceRow]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


class _Pull:
    """One sync's walk through the source's pages: positions, cursors, pauses."""

    def __init__(
        self, ctx: ServiceContext, run: SyncRun, batch_size: int, pause: Pause, seconds: float
    ) -> None:
        self.ctx, self.run, self.batch_size = ctx, run, batch_size
        self.pause, self.seconds = pause, seconds
        self.results: list[RowResult] = []
        self.read = {RowKind.EMPLOYEE: 0, RowKind.ROSTER: 0}
        self.cursors: set[str] = set()

    async def page(self, page: RosterPage) -> str | None:
        """Apply a page's rows; the cursor of the next page (None after the last)."""
        rows = _page_rows(page, self.read[RowKind.EMPLOYEE], self.read[RowKind.ROSTER])
        self.read[RowKind.EMPLOYEE] += len(page.employees)
        self.read[RowKind.ROSTER] += len(page.roster)
        if sum(self.read.values()) > MAX_SYNC_ROWS:
            raise invalid(f"the roster source holds more than {MAX_SYNC_ROWS} rows")
        for batch in _batches(rows, self.batch_size):
            if self.results:
                await self.pause(self.seconds)
            self.results += await _apply(self.ctx, self.run, batch)
        cursor = page.next_cursor
        if cursor is not None and cursor in self.cursors:
            raise invalid("the roster source sent the same next cursor twice")
        if cursor is not None:
            self.cursors.add(cursor)
        return cursor


async def sync_roster(
    ctx: ServiceContext,
    caller: Caller,
    client_for: RosterClientFactory,
    *,
    batch_size: int = SYNC_BATCH_SIZE,
    pause_seconds: float = SYNC_PAUSE_SECONDS,
    pause: Pause = asyncio.sleep,
) -> SyncReport:
    """Pull the organization's roster source and upsert what it holds (see the module
    docstring); a report with ``configured=False`` when no source is set."""
    caller.require(Permission.EMPLOYEE_MANAGE)
    caller.require(Permission.ROSTER_MANAGE)
    if batch_size < 1:
        raise invalid("batch_size must be at least 1", batch_size=batch_size)
    async with ctx.uow() as uow:
        source = await uow.roster_sources.find(caller.organization_id)
    if source is None:
        return SyncReport(configured=False)
    client = client_for(source.url, source.token)
    pull = _Pull(ctx, SyncRun(caller), batch_size, pause, pause_seconds)
    cursor = await pull.page(await client.fetch(None, batch_size))
    while cursor is not None:
        cursor = await pull.page(await client.fetch(cursor, batch_size))
    report = SyncReport(results=tuple(pull.results))
    async with ctx.uow() as uow:
        await uow.roster_sources.record_sync(caller.organization_id, ctx.clock.now(), report.counts)
        await uow.commit()
    return report


async def _import_reach(ctx: ServiceContext, caller: Caller) -> frozenset[UUID] | None:
    if caller.can(Permission.ORG_MANAGE) or caller.employee_id is None:
        return None
    async with ctx.uow() as uow:
        departments = await uow.departments.list_all(caller.organization_id)
    return frozenset(d.id for d in departments if d.manager_id == caller.employee_id)


async def import_roster(
    ctx: ServiceContext,
    caller: Caller,
    csv_text: str,
    *,
    batch_size: int = SYNC_BATCH_SIZE,
    on_batch: BatchDone | None = None,
) -> SyncReport:
    """Upsert the employees and roster entries of a CSV (see
    :mod:`jts_domain.roster_sync.csv_rows`); a result per row, by line.

    ``on_batch(rows)`` is told after each batch is committed (progress for people)."""
    rows, refused = source_rows(csv_text)
    kinds = {row.kind for row in rows}
    if RowKind.EMPLOYEE in kinds:
        caller.require(Permission.EMPLOYEE_MANAGE)
    if RowKind.ROSTER in kinds or not kinds:
        caller.require(Permission.ROSTER_MANAGE)
    run = SyncRun(caller, reach=await _import_reach(ctx, caller))
    ordered = [r for r in rows if r.kind is RowKind.EMPLOYEE] + [
        r for r in rows if r.kind is RowKind.ROSTER
    ]
    results = list(refused)
    for batch in _batches(ordered, batch_size):
        results += await _apply(ctx, run, batch)
        if on_batch is not None:
            on_batch(len(batch))
    return SyncReport(results=tuple(sorted(results, key=lambda r: r.line)))
