"""Daily scores: calculate a day for an organization, read one, and follow a range.

Decisions where PRODUCT.md is silent:

* Calculating needs ``score.calculate`` (admins, and the system caller of the job).
  Reading a score or a range: one's own, or ``score.read_team`` within the caller's reach.
* Reliability of a day covers the 30 days ending on it (``date - 29`` to ``date``).
* Recalculation keeps the row's id and, when nothing changed, its ``calculated_at`` too,
  so the same inputs leave exactly the same stored row; an unchanged score is told by
  its fingerprint and not written again. The ``daily_score.calculated`` event is emitted
  for every employee on every calculation (delivery is at least once anyway).
* The cyclic garbage collector is paused while a calculation runs (``_collector_paused``):
  the 10,000 inputs, scores, lines and events of an organization, alive at once, set off
  collections that each walk every object of the process — a third of a calculation's
  Python time in ``bench/score_day.py``. Reference counting still frees what it can;
  the collector resumes when the last calculation running ends.
* Performance ``average`` is the mean of every score in the range (unscored days do not
  count); ``trend`` is the mean of the daily averages of the range's second half minus
  that of its first half (the middle day of an odd range belongs to neither), in score
  points; None when either half has no score.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from jts_domain import scoring
from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.model import DailyScore, DomainEvent, EventName, Permission
from jts_domain.model.scores import ScoreDay
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach, require_employee_reach
from jts_domain.services.context import Caller, ServiceContext

RELIABILITY_DAYS = 30
MAX_RANGE_DAYS = 366
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreRun:
    """What a day's calculation stored: one score per active employee."""

    business_date: date
    scores: tuple[DailyScore, ...]

    @property
    def scored(self) -> int:
        """Employees with a score (at least one defined metric)."""
        return sum(1 for s in self.scores if s.score is not None)

    @property
    def unscored(self) -> int:
        """Employees without a score: no metric was defined for them that day."""
        return len(self.scores) - self.scored


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceDay:
    """One date of a performance range: its scores and their mean."""

    business_date: date
    average: Decimal | None
    scores: tuple[DailyScore, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Performance:
    """Daily scores over a range, with their average and trend (see the module docs)."""

    date_from: date
    date_to: date
    employee_ids: tuple[UUID, ...]
    days: tuple[PerformanceDay, ...]
    average: Decimal | None
    trend: Decimal | None


class _CollectorPause:
    """How many calculations hold the collector paused, and whether to resume it after."""

    lock = threading.Lock()
    holders = 0
    resume = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector until the last holder leaves; a collector that
    was already disabled (by someone else) stays disabled."""
    with _CollectorPause.lock:
        if _CollectorPause.holders == 0:
            _CollectorPause.resume = gc.isenabled()
            gc.disable()
        _CollectorPause.holders += 1
    try:
        yield
    finally:
        with _CollectorPause.lock:
            _CollectorPause.holders -= 1
            if _CollectorPause.holders == 0 and _CollectorPause.resume:
                gc.enable()


def _daily_score(
    organization_id: UUID, scorer: scoring.DayScorer, day: ScoreDay, now: datetime
) -> DailyScore:
    """The day's score, as a new row or as the stored one recalculated (same id)."""
    result = scorer.score(day.inputs)
    return DailyScore(
        id=day.stored.id if day.stored is not None else new_id(),
        organization_id=organization_id,
        employee_id=day.inputs.employee_id,
        business_date=day.inputs.business_date,
        score=result.score,
        metrics=result.metrics,
        reliability=scorer.reliability(day.punctual_days, day.rostered_days),
        calculated_at=now,
    )


def _calculated_event(score: DailyScore, now: datetime) -> DomainEvent:
    return DomainEvent(
        name=EventName.DAILY_SCORE_CALCULATED,
        organization_id=score.organization_id,
        occurred_at=now,
        payload={
            "daily_score_id": str(score.id),
            "employee_id": str(score.employee_id),
            "business_date": score.business_date.isoformat(),
            "score": None if score.score is None else str(score.score),
        },
    )


async def _store_changed(uow: UnitOfWork, days: list[ScoreDay], scores: list[DailyScore]) -> None:
    """Write the scores whose fingerprint differs from the stored one's (or that are new);
    an unchanged score keeps its stored ``calculated_at`` and is not written at all.

    What the store answers wins: a calculation running beside this one may have stored
    a score first, whose id (and time, when equal) this one then reports too; the store
    answers only such scores.
    """
    changed: dict[UUID, DailyScore] = {}
    for day, score in zip(days, scores, strict=True):
        stored = day.stored
        if stored is not None and stored.fingerprint == uow.scores.fingerprint(score):
            score.calculated_at = stored.calculated_at
        else:
            changed[score.employee_id] = score
    for stored in await uow.scores.upsert_many(list(changed.values())):
        score = changed[stored.employee_id]
        score.id, score.calculated_at = stored.id, stored.calculated_at


async def calculate_daily_scores(
    ctx: ServiceContext, caller: Caller, *, business_date: date, employee_id: UUID | None = None
) -> ScoreRun:
    """Score every active employee of the caller's organization for a business date (or
    only ``employee_id``, when that employee is active).

    One read of everything the scores need (inputs, punctuality, the stored scores'
    fingerprints), one upsert of the scores that changed, and one
    ``daily_score.calculated`` event per employee, all in one unit of work.
    """
    caller.require(Permission.SCORE_CALCULATE)
    org, now = caller.organization_id, ctx.clock.now()
    since = business_date - timedelta(days=RELIABILITY_DAYS - 1)
    with _collector_paused():
        async with ctx.uow() as uow:
            organization = await uow.organizations.get(org)
            scorer = scoring.DayScorer(organization.settings.score_weights)
            days = await uow.score_queries.score_days(
                org, business_date, organization.settings.timezone, reliability_from=since
            )
            if employee_id is not None:
                days = [d for d in days if d.inputs.employee_id == employee_id]
            scores = [_daily_score(org, scorer, day, now) for day in days]
            await _store_changed(uow, days, scores)
            for score in scores:
                uow.emit(_calculated_event(score, now))
            await uow.commit()
    return ScoreRun(business_date=business_date, scores=tuple(scores))


async def get_daily_score(
    ctx: ServiceContext, caller: Caller, *, employee_id: UUID, business_date: date
) -> DailyScore | None:
    """An employee's stored score for a date (None before it is calculated)."""
    async with ctx.uow() as uow:
        await require_employee_reach(
            uow, caller, employee_id, Permission.SCORE_READ_TEAM, allow_self=True
        )
        return await uow.scores.find(caller.organization_id, employee_id, business_date)


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    # Half a cent rounds up, as the scores themselves do (scoring.round_half_up).
    return (sum(values, Decimal(0)) / len(values)).quantize(_CENT, rounding=ROUND_HALF_UP)


def trend(daily_averages: Sequence[Decimal | None]) -> Decimal | None:
    """Second half's mean daily average minus the first half's; None without both.

    >>> trend([Decimal(60), None, Decimal(70), Decimal(80)])
    Decimal('15.00')
    >>> trend([Decimal(50)]) is None
    True
    """
    half = len(daily_averages) // 2
    first = _mean([a for a in daily_averages[:half] if a is not None])
    second = _mean([a for a in daily_averages[len(daily_averages) - half :] if a is not None])
    if half == 0 or first is None or second is None:
        return None
    return (second - first).quantize(_CENT, rounding=ROUND_HALF_UP)


def check_range(date_from: date, date_to: date) -> None:
    """VALIDATION_ERROR unless the range runs forward and spans at most 366 days."""
    if not 0 <= (date_to - date_from).days < MAX_RANGE_DAYS:
        raise invalid(f"the range must run forward and span at most {MAX_RANGE_DAYS} days")


def _performance(
    date_from: date, date_to: date, employee_ids: list[UUID], rows: list[DailyScore]
) -> Performance:
    days: list[PerformanceDay] = []
    for offset in range((date_to - date_from).days + 1):
        day = date_from + timedelta(days=offset)
        of_day = tuple(r for r in rows if r.business_date == day)
        values = [r.score for r in of_day if r.score is not None]
        days.append(PerformanceDay(business_date=day, average=_mean(values), scores=of_day))
    return Performance(
        date_from=date_from,
        date_to=date_to,
        employee_ids=tuple(employee_ids),
        days=tuple(days),
        average=_mean([r.score for r in rows if r.score is not None]),
        trend=trend([d.average for d in days]),
    )


async def performance(
    ctx: ServiceContext,
    caller: Caller,
    *,
    date_from: date,
    date_to: date,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
) -> Performance:
    """Daily scores of one employee or one department over a range (at most 366 days).

    With neither id, the caller's own scores.
    """
    if employee_id is not None and department_id is not None:
        raise invalid("give an employee or a department, not both")
    check_range(date_from, date_to)
    org = caller.organization_id
    async with ctx.uow() as uow:
        if department_id is not None:
            await require_department_reach(uow, caller, department_id, Permission.SCORE_READ_TEAM)
            staff = await uow.employees.list_active(org, department_id=department_id)
            ids = [e.id for e in staff]
        else:
            who = employee_id or caller.employee_id
            if who is None:
                raise invalid("an employee or a department is required")
            await require_employee_reach(
                uow, caller, who, Permission.SCORE_READ_TEAM, allow_self=True
            )
            ids = [who]
        rows = await uow.scores.list_range(org, ids, date_from, date_to)
    return _performance(date_from, date_to, ids, rows)
