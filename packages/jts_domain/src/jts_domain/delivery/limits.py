"""The dispatcher's gates for one batch, in order: quiet hours, the tenant's daily and
monthly limits, the channels' (and providers') rates. A job a gate stops is never
dropped: it waits (quiet hours, rate) or is held (limits) with its reason, and comes
back when the gate opens.

The limits and rates are counters in the repository (``take``), shared by every worker
on the database: concurrent takers queue on a counter, so two workers never pass more
than a window allows, and exactly one of them sees a limit cross its 80 % mark.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from jts_domain.delivery.model import ClaimedJob, DeliveryState, JobDelivery
from jts_domain.delivery.rules import (
    CRITICAL_PRIORITY,
    RATE_WINDOW,
    crossed_warning,
    next_local_midnight,
    next_local_month,
    quiet_until,
    window_start,
)
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.model import JobToDo, JtdSettings
from jts_domain.ports import UnitOfWork

#: The idempotency keys of the warnings about a tenant's limits start so.
LIMIT_WARNING_KEY = "limit_warning:"


def is_limit_warning(job: JobToDo) -> bool:
    """Whether the job is a warning to admins about their limit."""
    return (job.idempotency_key or "").startswith(LIMIT_WARNING_KEY)


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantGate:
    """What the gates know of one tenant."""

    organization_id: UUID
    timezone: str
    settings: JtdSettings


@dataclass(slots=True)
class GateResult:
    """The batch split: jobs that go now (with whether quiet hours were overridden), the
    deliveries of those that wait or are held, and the limits that crossed 80 %."""

    go: list[ClaimedJob] = field(default_factory=list)
    overridden: set[UUID] = field(default_factory=set)
    stopped: list[JobDelivery] = field(default_factory=list)
    warnings: list[tuple[UUID, str, int]] = field(default_factory=list)


def _stop(claimed: ClaimedJob, state: DeliveryState, reason: str, until: datetime,
          now: datetime) -> JobDelivery:  # fmt: skip
    job = claimed.job
    return JobDelivery(
        job_id=job.id,
        organization_id=job.organization_id,
        state=state,
        reason=reason,
        next_attempt_at=until,
        critical_override=False,
        updated_at=now,
    )


def quiet_gate(
    batch: Sequence[ClaimedJob], tenants: Mapping[UUID, TenantGate], now: datetime, out: GateResult
) -> list[ClaimedJob]:
    """Jobs due in their tenant's quiet hours wait for its end; priority ≥ 9 goes on,
    marked as a critical override."""
    passed: list[ClaimedJob] = []
    for claimed in batch:
        tenant = tenants[claimed.job.organization_id]
        s = tenant.settings
        until = quiet_until(now, tenant.timezone, s.quiet_hours_start, s.quiet_hours_end)
        if until is None:
            passed.append(claimed)
        elif claimed.job.priority >= CRITICAL_PRIORITY:
            out.overridden.add(claimed.job.id)
            passed.append(claimed)
        else:
            reason = f"quiet hours ({s.quiet_hours_start:%H:%M}–{s.quiet_hours_end:%H:%M})"
            out.stopped.append(_stop(claimed, DeliveryState.WAITING, reason, until, now))
    return passed


def _by_org(batch: Sequence[ClaimedJob]) -> dict[UUID, list[ClaimedJob]]:
    grouped: dict[UUID, list[ClaimedJob]] = defaultdict(list)
    for claimed in batch:
        grouped[claimed.job.organization_id].append(claimed)
    return grouped


async def limit_gate(
    uow: UnitOfWork,
    batch: Sequence[ClaimedJob],
    tenants: Mapping[UUID, TenantGate],
    now: datetime,
    out: GateResult,
) -> list[ClaimedJob]:
    """Live jobs past the tenant's daily or monthly limit are held until the next local
    day or month (test-mode jobs count against nothing, and neither does the warning
    about the limit itself: it would otherwise be held by what it warns of)."""
    exempt = [c for c in batch if not c.job.is_live or is_limit_warning(c.job)]
    passed = list(exempt)
    live = [c for c in batch if c not in exempt]
    for organization_id, jobs in sorted(_by_org(live).items()):
        tenant = tenants[organization_id]
        s, tz = tenant.settings, tenant.timezone
        day_end, month_end = next_local_midnight(now, tz), next_local_month(now, tz)
        day_key, month_key = f"daily:{organization_id}", f"monthly:{organization_id}"
        day_before, day_after = await uow.delivery.take(day_key, day_end, s.daily_limit, len(jobs))
        day_granted = day_after - day_before
        month_before, month_after = await uow.delivery.take(
            month_key, month_end, s.monthly_limit, day_granted
        )
        granted = month_after - month_before
        if granted < day_granted:
            await uow.delivery.give_back(day_key, day_end, day_granted - granted)
        if crossed_warning(day_before, day_before + granted, s.daily_limit):
            out.warnings.append((organization_id, "daily", s.daily_limit))
        if crossed_warning(month_before, month_after, s.monthly_limit):
            out.warnings.append((organization_id, "monthly", s.monthly_limit))
        passed.extend(jobs[:granted])
        reason, until = (
            (f"monthly limit of {s.monthly_limit} messages reached", month_end)
            if granted < day_granted
            else (f"daily limit of {s.daily_limit} messages reached", day_end)
        )
        out.stopped.extend(_stop(c, DeliveryState.HELD, reason, until, now) for c in jobs[granted:])
    return passed


async def _provider_gate(
    uow: UnitOfWork,
    granted: dict[tuple[UUID, str], int],
    provider_limits: Mapping[str, int],
    window: datetime,
) -> None:
    """Cut each channel's grant to what its provider's own limit (across tenants) allows;
    what is cut goes back to the channel's counter."""
    by_provider: dict[str, list[tuple[UUID, str]]] = defaultdict(list)
    for group in sorted(granted):
        by_provider[CATALOG.channel(group[1]).provider].append(group)
    for provider in sorted(by_provider):
        limit = provider_limits.get(provider)
        groups = by_provider[provider]
        wanted = sum(granted[g] for g in groups)
        if limit is None or not wanted:
            continue
        before, after = await uow.delivery.take(f"provider:{provider}", window, limit, wanted)
        left = after - before
        for group in groups:
            keep = min(granted[group], left)
            left -= keep
            if keep < granted[group]:
                key = f"rate:{group[0]}:{group[1]}"
                await uow.delivery.give_back(key, window, granted[group] - keep)
            granted[group] = keep


async def rate_gate(
    uow: UnitOfWork,
    batch: Sequence[ClaimedJob],
    tenants: Mapping[UUID, TenantGate],
    provider_limits: Mapping[str, int],
    *,
    now: datetime,
    out: GateResult,
    channel_rates: Mapping[str, int] | None = None,
) -> list[ClaimedJob]:
    """Live jobs past their channel's rate (per tenant and minute, the catalog's numbers)
    or their provider's (all tenants) wait for the next window; the limits they had
    taken are given back, so a job waiting never counts twice. Counters are taken in
    one order (channels by key, then providers), so concurrent workers never deadlock."""
    passed = [c for c in batch if not c.job.is_live]
    window = window_start(now)
    groups: dict[tuple[UUID, str], list[ClaimedJob]] = defaultdict(list)
    for claimed in batch:
        if claimed.job.is_live:
            groups[(claimed.job.organization_id, claimed.job.channel or "")].append(claimed)
    granted: dict[tuple[UUID, str], int] = {}
    rates = channel_rates or {}
    for (organization_id, channel), jobs in sorted(groups.items()):
        rate = rates.get(channel, CATALOG.channel(channel).rate_limit_per_minute)
        key = f"rate:{organization_id}:{channel}"
        before, after = await uow.delivery.take(key, window, rate, len(jobs))
        granted[(organization_id, channel)] = after - before
    await _provider_gate(uow, granted, provider_limits, window)
    for (organization_id, channel), jobs in sorted(groups.items()):
        count = granted[(organization_id, channel)]
        passed.extend(jobs[:count])
        waiting = jobs[count:]
        if not waiting:
            continue
        await _give_back_limits(uow, tenants[organization_id], now, len(waiting))
        rate = rates.get(channel, CATALOG.channel(channel).rate_limit_per_minute)
        reason = f"rate limit of {channel} ({rate}/min)"
        out.stopped.extend(
            _stop(c, DeliveryState.WAITING, reason, window + RATE_WINDOW, now) for c in waiting
        )
    return passed


async def _give_back_limits(uow: UnitOfWork, tenant: TenantGate, now: datetime, n: int) -> None:
    org = tenant.organization_id
    await uow.delivery.give_back(f"daily:{org}", next_local_midnight(now, tenant.timezone), n)
    await uow.delivery.give_back(f"monthly:{org}", next_local_month(now, tenant.timezone), n)


async def apply_gates(
    uow: UnitOfWork,
    batch: Sequence[ClaimedJob],
    tenants: Mapping[UUID, TenantGate],
    provider_limits: Mapping[str, int],
    *,
    now: datetime,
    channel_rates: Mapping[str, int] | None = None,
) -> GateResult:
    """Every gate, in order, over a batch (highest priority first); ``channel_rates``
    replaces the catalog's per-minute rates of the channels it names."""
    out = GateResult()
    passed = quiet_gate(batch, tenants, now, out)
    passed = await limit_gate(uow, passed, tenants, now, out)
    out.go = await rate_gate(
        uow, passed, tenants, provider_limits, now=now, out=out, channel_rates=channel_rates
    )
    return out
